"""When routing_svc reports on a case, update what the petitioner sees (every case event is a step)."""

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.petitions import service
from services.contracts import CloudEvent
from services.contracts.routing import CASE_EVENTS


async def when_case_changed_show_step(session: AsyncSession, event: CloudEvent) -> None:
    await service.record_case_event(session=session, event=event)


HANDLERS = dict.fromkeys(CASE_EVENTS, when_case_changed_show_step)
