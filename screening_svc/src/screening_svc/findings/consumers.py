"""When routing_svc reports on a case that came from a finding, show where it stands at the grid (the loop)."""

from sqlalchemy.ext.asyncio import AsyncSession

from screening_svc.findings import service
from services.contracts.envelope import CloudEvent
from services.contracts.routing import CASE_EVENTS


async def when_case_changed_follow_finding(session: AsyncSession, event: CloudEvent) -> None:
    await service.follow_case(session=session, data=event.data)


HANDLERS = {event_type: when_case_changed_follow_finding for event_type in CASE_EVENTS}
