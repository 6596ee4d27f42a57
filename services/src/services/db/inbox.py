"""Inbox: a consumer records ``(consumer, event id)`` in the same transaction as its effect.

A redelivered event finds its row and does nothing. Two concurrent deliveries of one event: the second
insert waits for the first transaction (PostgreSQL) or the write lock (SQLite) and then does nothing.

A consumer that gives a batch effect (``batch_handler``) has the deliveries that arrive while its transactions run
handled together (group commit, ADR 0036): one transaction, one inbox statement and one statement per table for the
whole batch. A batch that fails is rolled back and its events are handled one by one, each in its own transaction as
without batching, so an event that cannot be handled fails alone and is redelivered alone.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
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
    statement = (
        _insert(session)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["consumer", "event_id"])
        .returning(inbox.c.event_id)
    )
    return set((await session.scalars(statement)).all())


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

    async def handle_batch(events: Sequence[CloudEvent]) -> None:
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

    if batch_handler is None:
        return Subscription(consumer=consumer, event_types=tuple(by_type), handler=handle, prefetch=prefetch)
    group = GroupCommit(handle_batch, handle, name=consumer)
    return Subscription(consumer=consumer, event_types=tuple(by_type), handler=group.submit, prefetch=prefetch)


class GroupCommit:
    """Deliveries that arrive while ``in_flight`` batches run wait and go together into the next batch (at most
    ``max_batch``); an idle consumer handles a delivery at once, alone. Each delivery's ``submit`` returns when its
    event's transaction committed, or raises what handling it alone raised, so the bus acks or redelivers each
    message as before."""

    def __init__(
        self,
        run_batch: Callable[[Sequence[CloudEvent]], Awaitable[None]],
        run_one: Callable[[CloudEvent], Awaitable[None]],
        *,
        name: str,
        max_batch: int = MAX_BATCH,
        in_flight: int = BATCHES_IN_FLIGHT,
    ) -> None:
        self._run_batch, self._run_one, self._name = run_batch, run_one, name
        self._max_batch, self._in_flight = max_batch, in_flight
        self._waiting: list[tuple[CloudEvent, asyncio.Future]] = []
        self._running: set[asyncio.Task] = set()

    async def submit(self, event: CloudEvent) -> None:
        done = asyncio.get_running_loop().create_future()
        self._waiting.append((event, done))
        self._start_batches()
        await done

    def _start_batches(self) -> None:
        self._waiting = [(event, done) for event, done in self._waiting if not done.done()]  # cancelled: dropped
        while self._waiting and len(self._running) < self._in_flight:
            batch, self._waiting = self._waiting[: self._max_batch], self._waiting[self._max_batch :]
            task = asyncio.create_task(self._run(batch), name=f"batch:{self._name}")
            self._running.add(task)
            task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task) -> None:
        self._running.discard(task)
        self._start_batches()

    async def _run(self, batch: list[tuple[CloudEvent, asyncio.Future]]) -> None:
        try:
            await self._handle(batch)
        finally:  # cancelled itself: whoever still waits is cancelled too (their messages go back)
            for _, done in batch:
                if not done.done():
                    done.cancel()

    async def _handle(self, batch: list[tuple[CloudEvent, asyncio.Future]]) -> None:
        if len(batch) > 1:
            try:
                await self._run_batch([event for event, _ in batch])
            except Exception as exc:  # noqa: BLE001 - any failure: the events are handled one by one
                log.info(
                    "batch failed, its events are handled one by one: %r",
                    exc,
                    extra={"fields": {"consumer": self._name, "events": len(batch)}},
                )
            else:
                for _, done in batch:
                    _settle(done, None)
                return
        for event, done in batch:
            try:
                await self._run_one(event)
            except Exception as exc:  # noqa: BLE001 - handed to the delivery's own submit
                _settle(done, exc)
            else:
                _settle(done, None)


def _settle(done: asyncio.Future, exc: BaseException | None) -> None:
    """A delivery whose ``submit`` was cancelled (the bus stopping) has nobody waiting: its message goes back."""
    if done.done():
        return
    if exc is None:
        done.set_result(None)
    else:
        done.set_exception(exc)
