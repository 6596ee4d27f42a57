"""When routing_svc reports on a case, update what the petitioner sees."""

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.petitions import service
from services.contracts.routing import CaseOpened


async def when_case_opened_show_routing(session: AsyncSession, event: CaseOpened) -> None:
    await service.record_case_opened(session=session, event=event)


HANDLERS = {CaseOpened: when_case_opened_show_routing}
