"""When consumed events arrive, record their webhook deliveries (in the consumer's inbox transaction)."""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.config import NotifySettings
from notify_svc.webhooks import service
from services.contracts import CloudEvent


async def when_events_consumed_fan_out_to_webhooks(
    session: AsyncSession, events: Sequence[CloudEvent], settings: NotifySettings
) -> None:
    """A sink of main.py: one delivery per enabled subscription of each event's type."""
    await service.fan_out_all(session=session, events=events, base_url=settings.public_base_url)
