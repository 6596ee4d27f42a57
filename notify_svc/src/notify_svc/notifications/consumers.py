"""When consumed events arrive, record the notifications their rules call for (the notification sink)."""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.config import NotifySettings
from notify_svc.notifications import service
from services.contracts import CloudEvent


async def when_events_arrived_record_notifications(
    session: AsyncSession, events: Sequence[CloudEvent], settings: NotifySettings
) -> None:
    await service.when_events_arrived(session=session, events=events, settings=settings)
