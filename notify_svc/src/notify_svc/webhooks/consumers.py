"""When any consumed event arrives, record its webhook deliveries (in the consumer's inbox transaction)."""

from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.config import NotifySettings
from notify_svc.webhooks import service
from services.contracts import CloudEvent


async def when_event_consumed_fan_out_to_webhooks(
    session: AsyncSession, event: CloudEvent, settings: NotifySettings
) -> None:
    """A sink of main.py: one delivery per enabled subscription of the event's type."""
    await service.fan_out(session=session, event=event, base_url=settings.public_base_url)
