"""When any consumed event arrives, record the notifications its rules call for (the notification sink)."""

from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.config import NotifySettings
from notify_svc.notifications import service
from services.contracts import CloudEvent


async def when_event_arrived_record_notifications(
    session: AsyncSession, event: CloudEvent, settings: NotifySettings
) -> None:
    await service.when_event_arrived(session=session, event=event, settings=settings)
