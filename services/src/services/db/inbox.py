"""Inbox: a consumer records ``(consumer, event id)`` in the same transaction as its effect.

A redelivered event finds its row and does nothing. Two concurrent deliveries of one event: the second
insert waits for the first transaction (PostgreSQL) or the write lock (SQLite) and then does nothing.
"""

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.contracts import CloudEvent
from services.db.engine import is_postgres
from services.db.outbox import staged_events
from services.db.tables import inbox
from services.logging import correlation_id
from services.messaging import Subscription

log = logging.getLogger(__name__)

EffectHandler = Callable[[AsyncSession, CloudEvent], Awaitable[None]]


async def record_first_delivery(session: AsyncSession, *, consumer: str, event: CloudEvent) -> bool:
    """Record the event for this consumer; False when it was recorded before (a duplicate), in one statement."""
    dialect_insert = postgresql.insert if is_postgres(session) else sqlite.insert
    statement = (
        dialect_insert(inbox)
        .values(consumer=consumer, event_id=event.id, event_type=event.type, received_at=datetime.now(UTC))
        .on_conflict_do_nothing(index_elements=["consumer", "event_id"])
    )
    return (await session.execute(statement)).rowcount == 1


def inbox_subscription(
    *,
    consumer: str,
    session_factory: async_sessionmaker[AsyncSession],
    handlers: Mapping[type[CloudEvent], EffectHandler],
    after_commit: Callable[[], None] | None = None,
    prefetch: int = 32,
) -> Subscription:
    """A subscription whose handler runs each effect exactly once, inside one transaction with its inbox row.

    ``after_commit`` typically kicks the service's outbox relay; it runs only when the effect staged events.
    """
    by_type = {cls.event_type: handler for cls, handler in handlers.items()}

    async def handle(event: CloudEvent) -> None:
        token = correlation_id.set(event.correlationid or event.id)
        try:
            async with session_factory() as session, session.begin():
                if not await record_first_delivery(session, consumer=consumer, event=event):
                    log.info("duplicate event ignored", extra={"fields": {"event_id": event.id}})
                    return
                await by_type[event.type](session, event)
            if after_commit is not None and staged_events(session):
                after_commit()
        finally:
            correlation_id.reset(token)

    return Subscription(consumer=consumer, event_types=tuple(by_type), handler=handle, prefetch=prefetch)
