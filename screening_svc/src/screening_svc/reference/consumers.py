"""When routing_svc publishes its reference data, refresh the read-only copies."""

from sqlalchemy.ext.asyncio import AsyncSession

from screening_svc.reference import service
from services.contracts.routing import CatalogueUpdated, JurisdictionUpdated


async def when_jurisdiction_updated_refresh_copy(session: AsyncSession, event: JurisdictionUpdated) -> None:
    await service.apply_jurisdictions(session=session, data=event.data)


async def when_catalogue_updated_refresh_copy(session: AsyncSession, event: CatalogueUpdated) -> None:
    await service.apply_catalogue(session=session, data=event.data)


HANDLERS = {
    JurisdictionUpdated: when_jurisdiction_updated_refresh_copy,
    CatalogueUpdated: when_catalogue_updated_refresh_copy,
}
