"""Inbox: a consumer records ``(consumer, event id)`` in the same transaction as its effect.

A redelivered event finds its row and does nothing; two concurrent deliveries of one event collide on
the primary key, one rolls back, and its redelivery then finds the row.
"""

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.contracts import CloudEvent
from services.db.tables import inbox
from services.logging import correlation_id
from services.messaging import Subscription

log = logging.getLogger(__name__)

EffectHandler = Callable[[AsyncSession, CloudEvent], Awaitable[None]]


async def already_handled(session: AsyncSession, *, consumer: str, event_id: str) -> bool:
    found = await session.scalar(
        select(inbox.c.event_id).where(inbox.c.consumer == consumer, inbox.c.event_id == event_id)
    )
    return found is not None


async def record(session: AsyncSession, *, consumer: str, event: CloudEvent) -> None:
    await session.execute(
        insert(inbox).values(consumer=consumer, event_id=event.id, event_type=event.type, received_at=datetime.now(UTC))
    )


def inbox_subscription(
    *,
    consumer: str,
    session_factory: async_sessionmaker[AsyncSession],
    handlers: Mapping[type[CloudEvent], EffectHandler],
    after_commit: Callable[[], None] | None = None,
    prefetch: int = 32,
) -> Subscription:
    """A subscription whose handler runs each effect exactly once, inside one transaction with its inbox row.

    ``after_commit`` typically kicks the service's outbox relay, since effects may stage events.
    """
    by_type = {cls.event_type: handler for cls, handler in handlers.items()}

    async def handle(event: CloudEvent) -> None:
        token = correlation_id.set(event.correlationid or event.id)
        try:
            async with session_factory() as session, session.begin():
                if await already_handled(session, consumer=consumer, event_id=event.id):
                    log.info("duplicate event ignored", extra={"fields": {"event_id": event.id}})
                    return
                await record(session, consumer=consumer, event=event)
                await by_type[event.type](session, event)
            if after_commit is not None:
                after_commit()
        finally:
            correlation_id.reset(token)

    return Subscription(consumer=consumer, event_types=tuple(by_type), handler=handle, prefetch=prefetch)
