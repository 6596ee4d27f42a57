"""Keep the read-only copies of routing_svc's jurisdiction tree and category catalogue."""

from sqlalchemy.ext.asyncio import AsyncSession

from screening_svc.reference import repository, rules
from screening_svc.reference.models import ReferenceCategory, ReferenceJurisdiction
from services.contracts.routing import CatalogueUpdatedData, JurisdictionUpdatedData


async def apply_jurisdictions(*, session: AsyncSession, data: JurisdictionUpdatedData) -> bool:
    if not rules.should_apply(await repository.version(session, "jurisdiction"), data.version):
        return False
    if data.full:
        await repository.clear(session, ReferenceJurisdiction)
    rows = [
        ReferenceJurisdiction(code=n.code, name=n.name, level=n.level, parent_code=n.parent_code, active=n.active)
        for n in data.nodes
    ]
    await repository.upsert(session, rows)
    await repository.set_version(session, "jurisdiction", data.version)
    return True


async def apply_catalogue(*, session: AsyncSession, data: CatalogueUpdatedData) -> bool:
    if not rules.should_apply(await repository.version(session, "catalogue"), data.version):
        return False
    if data.full:
        await repository.clear(session, ReferenceCategory)
    rows = [
        ReferenceCategory(code=c.code, name=c.name, parent_code=c.parent_code, active=c.active) for c in data.categories
    ]
    await repository.upsert(session, rows)
    await repository.set_version(session, "catalogue", data.version)
    return True
