"""When a petition is registered, open its case."""

from sqlalchemy.ext.asyncio import AsyncSession

from routing_svc.cases import rules, service
from routing_svc.config import RoutingSettings
from services.contracts.intake import PetitionRegistered


def handlers(settings: RoutingSettings) -> dict:
    district = rules.Unit(code=settings.district_code, name=settings.district_name, tier="district")

    async def when_petition_registered_open_case(session: AsyncSession, event: PetitionRegistered) -> None:
        await service.open_case_for_petition(session=session, event=event, district=district)

    return {PetitionRegistered: when_petition_registered_open_case}
