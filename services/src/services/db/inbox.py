"""Inbox: a consumer records ``(consumer, event id)`` in the same transaction as its effect.

A redelivered event finds its row and does nothing. Two concurrent deliveries of one event: the second
insert waits for the first transaction (PostgreSQL) or the write lock (SQLite) and then does nothing.

A consumer that gives a batch effect (``batch_handler``) has the deliveries that arrive while its transactions run
handled together (``services.batching.GroupCommit``, ADR 0036): one transaction, one inbox statement and one statement
per table for the whole batch. A batch that fails is rolled back and its events are handled one by one, each in its
own transaction as without batching, so an event that cannot be handled fails alone and is redelivered alone.
"""

import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.batching import GroupCommit
from services.contracts import CloudEvent
from services.db.engine import is_postgres
from services.db.outbox import staged_events
from services.db.tables import inbox
from services.logging import correlation_id
from services.messaging import Subscription

log = logging.getLogger(__name__)

EffectHandler = Callable[[AsyncSession, CloudEvent], Awaitable[None]]
# the effects of several events (in delivery order, no duplicates), in one transaction; raising fails the whole batch
BatchEffectHandler = Callable[[AsyncSession, Sequence[CloudEvent]], Awaitable[None]]

MAX_BATCH = 64  # events per batch transaction
BATCHES_IN_FLIGHT = 2  # batch transactions of one subscription at a time (one per process would idle the database)


def _insert(session: AsyncSession):
    return (postgresql.insert if is_postgres(session) else sqlite.insert)(inbox)


async def record_first_delivery(session: AsyncSession, *, consumer: str, event: CloudEvent) -> bool:
    """Record the event for this consumer; False when it was recorded before (a duplicate), in one statement."""
    statement = (
        _insert(session)
        .values(consumer=consumer, event_id=event.id, event_type=event.type, received_at=datetime.now(UTC))
        .on_conflict_do_nothing(index_elements=["consumer", "event_id"])
    )
    return (await session.execute(statement)).rowcount == 1


async def record_first_deliveries(session: AsyncSession, *, consumer: str, events: Sequence[CloudEvent]) -> set[str]:
    """Record the events for this consumer in one statement; the ids of those not recorded before."""
    now = datetime.now(UTC)
    rows = [dict(consumer=consumer, event_id=e.id, event_type=e.type, received_at=now) for e in events]
    return set((await session.scalars(_record_first(is_postgres(session)), rows)).all())


@functools.cache
def _record_first(postgres: bool):
    """Built once per dialect, run with a batch's rows (SQLAlchemy sends them as one multi-row insert)."""
    statement = (postgresql.insert if postgres else sqlite.insert)(inbox)
    return statement.on_conflict_do_nothing(index_elements=["consumer", "event_id"]).returning(inbox.c.event_id)


@contextlib.contextmanager
def event_context(event: CloudEvent) -> Iterator[None]:
    """Run under the event's correlation id (what events staged for it carry, what its log lines show)."""
    token = correlation_id.set(event.correlationid or event.id)
    try:
        yield
    finally:
        correlation_id.reset(token)


def inbox_subscription(
    *,
    consumer: str,
    session_factory: async_sessionmaker[AsyncSession],
    handlers: Mapping[type[CloudEvent], EffectHandler],
    after_commit: Callable[[], None] | None = None,
    prefetch: int = 32,
    batch_handler: BatchEffectHandler | None = None,
) -> Subscription:
    """A subscription whose handler runs each effect exactly once, inside one transaction with its inbox row.

    ``after_commit`` typically kicks the service's outbox relay; it runs only when the effect staged events.
    ``batch_handler``: the same effects for several events at once (see the module's note); ``handlers`` stay the
    path of a single event and of a failed batch's events.
    """
    by_type = {cls.event_type: handler for cls, handler in handlers.items()}

    async def handle(event: CloudEvent) -> None:
        with event_context(event):
            async with session_factory() as session, session.begin():
                if not await record_first_delivery(session, consumer=consumer, event=event):
                    log.info("duplicate event ignored", extra={"fields": {"event_id": event.id}})
                    return
                await by_type[event.type](session, event)
            if after_commit is not None and staged_events(session):
                after_commit()

    async def handle_batch(events: Sequence[CloudEvent]) -> list[None]:
        async with session_factory() as session, session.begin():
            first = await record_first_deliveries(session, consumer=consumer, events=events)
            fresh = []
            for event in events:  # a second copy of one id in the batch is a duplicate too
                if event.id in first:
                    first.discard(event.id)
                    fresh.append(event)
            if len(fresh) < len(events):
                log.info("duplicate events ignored", extra={"fields": {"duplicates": len(events) - len(fresh)}})
            if fresh:
                await batch_handler(session, fresh)
        if after_commit is not None and staged_events(session):
            after_commit()
        return [None] * len(events)

    if batch_handler is None:
        return Subscription(consumer=consumer, event_types=tuple(by_type), handler=handle, prefetch=prefetch)
    group = GroupCommit(handle_batch, handle, name=consumer, max_batch=MAX_BATCH, in_flight=BATCHES_IN_FLIGHT)
    return Subscription(consumer=consumer, event_types=tuple(by_type), handler=group.submit, prefetch=prefetch)
