"""When a petition is registered or routed, tell the petitioner."""

from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.notifications import service
from services.contracts.intake import PetitionRegistered
from services.contracts.routing import CaseOpened


async def when_petition_registered_send_receipt(session: AsyncSession, event: PetitionRegistered) -> None:
    await service.notify_petition_received(session=session, event=event)


async def when_case_opened_tell_where_it_went(session: AsyncSession, event: CaseOpened) -> None:
    await service.notify_case_routed(session=session, event=event)


HANDLERS = {
    PetitionRegistered: when_petition_registered_send_receipt,
    CaseOpened: when_case_opened_tell_where_it_went,
}
