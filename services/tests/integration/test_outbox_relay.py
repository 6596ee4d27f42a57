"""services.db.OutboxRelay on SQLite and PostgreSQL, with a recording bus standing in for the broker."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.contracts import CloudEvent
from services.contracts.intake import PetitionRegistered
from services.db import OutboxRelay, add_event, outbox, platform_metadata
from services.db.outbox import _claim_statement
from services.messaging import MessageBus, OutgoingMessage, PublishError, Subscription
from services.testing import eventually, petition_registered_event, scratch_database


class RecordingBus(MessageBus):
    """Confirms every publish and remembers each batch; ``failing`` makes it refuse like a cut broker."""

    namespace = "recording"

    def __init__(self, *, failing: bool = False) -> None:
        self.failing = failing
        self.batches: list[list[OutgoingMessage]] = []

    async def start(self) -> None: ...

    async def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        if self.failing:
            raise PublishError("broker unreachable")
        self.batches.append(list(messages))

    async def declare(self, consumer: str, event_types: Sequence[str]) -> None: ...

    async def subscribe(self, subscription: Subscription) -> None: ...

    async def is_ready(self) -> bool:
        return not self.failing

    async def close(self) -> None: ...

    def published_ids(self) -> list[str]:
        return [m.message_id for batch in self.batches for m in batch]


@pytest.fixture(params=["sqlite", "postgres"])
async def session_factory(request: pytest.FixtureRequest, tmp_path) -> AsyncIterator[async_sessionmaker]:
    async with scratch_database(request.param, tmp_path, platform_metadata) as factory:
        yield factory


def event(aggregate: str) -> CloudEvent:
    return petition_registered_event(subject=aggregate)


async def stage(session_factory: async_sessionmaker[AsyncSession], *aggregates: str) -> list[CloudEvent]:
    """One transaction per event, in the given order (so ``seq`` follows it)."""
    events = []
    for aggregate in aggregates:
        async with session_factory() as session, session.begin():
            events.append(event(aggregate))
            await add_event(session, events[-1])
    return events


async def rows(session_factory: async_sessionmaker[AsyncSession]) -> list:
    async with session_factory() as session:
        return (await session.execute(select(outbox).order_by(outbox.c.seq))).all()


def relay(session_factory: async_sessionmaker[AsyncSession], bus: MessageBus, **options) -> OutboxRelay:
    return OutboxRelay(session_factory=session_factory, bus=bus, **options)


async def test_publishes_pending_rows_in_seq_order_once(session_factory: async_sessionmaker) -> None:
    events = await stage(session_factory, "a", "b", "c")
    bus = RecordingBus()
    outbox_relay = relay(session_factory, bus)

    assert await outbox_relay.pending_count() == 3
    assert await outbox_relay.publish_pending() == 3
    assert [[m.message_id for m in batch] for batch in bus.batches] == [[e.id for e in events]]
    first = bus.batches[0][0]
    assert (first.event_type, first.body, first.correlation_id) == (
        PetitionRegistered.event_type,
        events[0].to_json().encode(),
        events[0].correlationid,
    )
    stored = await rows(session_factory)
    assert [str(r.event_id) for r in stored] == [e.id for e in events]
    assert all(r.published_at is not None and r.published_at.tzinfo is not None for r in stored)
    assert await outbox_relay.pending_count() == 0

    assert await outbox_relay.publish_pending() == 0
    assert len(bus.batches) == 1
    assert outbox_relay.published_total == 3


async def test_stored_row_keeps_the_envelope(session_factory: async_sessionmaker) -> None:
    [staged] = await stage(session_factory, "agg-1")
    [row] = await rows(session_factory)
    assert (str(row.event_id), row.event_type, row.aggregate_id, row.payload, row.correlation_id) == (
        staged.id,
        staged.type,
        "agg-1",
        staged.to_json(),
        staged.correlationid,
    )
    assert row.created_at == staged.time and row.published_at is None


async def test_failed_publish_leaves_rows_pending(session_factory: async_sessionmaker) -> None:
    events = await stage(session_factory, "a", "b")
    broken = RecordingBus(failing=True)

    with pytest.raises(PublishError):
        await relay(session_factory, broken).publish_pending()
    assert [r.published_at for r in await rows(session_factory)] == [None, None]

    working = RecordingBus()
    outbox_relay = relay(session_factory, working)
    assert await outbox_relay.publish_pending() == 2
    assert working.published_ids() == [e.id for e in events]
    assert await outbox_relay.pending_count() == 0


async def test_one_event_per_aggregate_per_call(session_factory: async_sessionmaker) -> None:
    """The claim takes only rows with no earlier pending row of their aggregate: one head per aggregate."""
    a1, b1, a2, a3, b2 = await stage(session_factory, "A", "B", "A", "A", "B")
    bus = RecordingBus()
    outbox_relay = relay(session_factory, bus)

    assert await outbox_relay.publish_pending() == 2
    assert await outbox_relay.publish_pending() == 2
    assert await outbox_relay.publish_pending() == 1
    assert await outbox_relay.publish_pending() == 0
    assert [[m.message_id for m in batch] for batch in bus.batches] == [
        [a1.id, b1.id],
        [a2.id, b2.id],
        [a3.id],
    ]


async def test_batch_size_takes_the_oldest_heads(session_factory: async_sessionmaker) -> None:
    x, y, z = await stage(session_factory, "x", "y", "z")
    bus = RecordingBus()
    outbox_relay = relay(session_factory, bus, batch_size=2)
    assert await outbox_relay.publish_pending() == 2
    assert await outbox_relay.publish_pending() == 1
    assert [[m.message_id for m in batch] for batch in bus.batches] == [[x.id, y.id], [z.id]]


async def test_purge_removes_only_rows_published_before_the_retention(session_factory: async_sessionmaker) -> None:
    old, recent, pending = await stage(session_factory, "old", "recent", "pending")
    now = datetime.now(UTC)
    async with session_factory() as session, session.begin():
        for staged, published_at in ((old, now - timedelta(days=8)), (recent, now - timedelta(days=6))):
            await session.execute(
                update(outbox).where(outbox.c.event_id == uuid.UUID(staged.id)).values(published_at=published_at)
            )
        await session.execute(  # a pending row is kept however old it is
            update(outbox).where(outbox.c.event_id == uuid.UUID(pending.id)).values(created_at=now - timedelta(days=30))
        )
    outbox_relay = relay(session_factory, RecordingBus(), retention=timedelta(days=7))

    assert await outbox_relay.purge_published() == 1
    assert [str(r.event_id) for r in await rows(session_factory)] == [recent.id, pending.id]
    assert await outbox_relay.purge_published() == 0


async def test_running_relay_publishes_then_purges_when_idle(session_factory: async_sessionmaker) -> None:
    staged = await stage(session_factory, "a", "b")
    bus = RecordingBus()
    outbox_relay = relay(session_factory, bus, retention=timedelta(0))
    task = asyncio.create_task(outbox_relay.run())
    try:
        await eventually(lambda: _all_gone(session_factory))
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert [m.message_id for batch in bus.batches for m in batch] == [e.id for e in staged]


async def _all_gone(session_factory: async_sessionmaker) -> bool:
    return await rows(session_factory) == []


def _rows_read(node: dict) -> float:
    """Rows every node of an ``EXPLAIN (ANALYZE, FORMAT JSON)`` plan produced or filtered out, over all its loops."""
    loops = node.get("Actual Loops", 1)
    own = (
        node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0) + node.get("Rows Removed by Join Filter", 0)
    )
    return own * loops + sum(_rows_read(child) for child in node.get("Plans", []))


@pytest.mark.parametrize("session_factory", ["postgres"], indirect=True)
async def test_a_claim_reads_about_its_batch_even_with_statistics_from_when_nothing_was_pending(
    session_factory: async_sessionmaker,
) -> None:
    """Statistics taken when almost nothing was pending (a table that grows by thousands of rows a second) made
    the planner turn the per-aggregate order check into a join over the whole pending backlog, for every claim:
    here ``NOT EXISTS`` read 15,175 rows for a batch of 50 (its nested loop scanned the pending index for each
    candidate); the claim that checks the order within the oldest pending rows reads about 1,350."""
    insert_rows = (
        "insert into outbox (event_id, event_type, aggregate_id, payload, created_at, published_at)"
        " select gen_random_uuid(), 'test.v1', gen_random_uuid()::text, repeat('x', 500), now(), {published}"
        " from generate_series(1, {count})"
    )
    async with session_factory() as session, session.begin():
        await session.execute(text(insert_rows.format(published="now()", count=2000)))
        await session.execute(text(insert_rows.format(published="null", count=5)))
    async with session_factory() as session, session.begin():
        await session.execute(text("analyze outbox"))
    async with session_factory() as session, session.begin():
        await session.execute(text(insert_rows.format(published="null", count=3000)))
        claim = _claim_statement(batch_size=50, postgres=True)
        compiled = claim.compile(dialect=session.bind.dialect, compile_kwargs={"literal_binds": True})
        (plan,) = (await session.execute(text(f"explain (analyze, format json) {compiled}"))).scalar_one()
    assert _rows_read(plan["Plan"]) < 10_000


class HeldBus(RecordingBus):
    """Confirms only when ``release`` is set, like a broker that is slow to confirm."""

    def __init__(self) -> None:
        super().__init__()
        self.publishing, self.release = asyncio.Event(), asyncio.Event()

    async def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        self.publishing.set()
        await self.release.wait()
        await super().publish(messages)


@pytest.mark.parametrize("session_factory", ["postgres"], indirect=True)
async def test_no_transaction_stays_open_while_the_broker_confirms_and_no_other_relay_takes_the_batch(
    session_factory: async_sessionmaker,
) -> None:
    """A transaction held open while the broker confirmed (seconds, under load) kept every dead row version of the
    database from being cleaned up, so every index scan stepped over more of them (ADR 0033)."""
    events = await stage(session_factory, "a", "b")
    held, other = HeldBus(), RecordingBus()
    publishing = asyncio.create_task(relay(session_factory, held).publish_pending())
    try:
        await asyncio.wait_for(held.publishing.wait(), timeout=10)
        async with session_factory() as session, session.begin():
            open_elsewhere = await session.scalar(
                text(
                    "select count(*) from pg_stat_activity where datname = current_database()"
                    " and xact_start is not null and pid <> pg_backend_pid()"
                )
            )
            lockable = await session.execute(text("select seq from outbox for update nowait"))  # raises if locked
            assert open_elsewhere == 0 and len(lockable.all()) == 2
        assert await relay(session_factory, other).publish_pending() == 0  # leased: not published twice
        held.release.set()
        assert await publishing == 2
    finally:
        held.release.set()
        await asyncio.gather(publishing, return_exceptions=True)
    assert held.published_ids() == [e.id for e in events] and other.batches == []
    assert [(r.published_at is not None, r.lease_until) for r in await rows(session_factory)] == [(True, None)] * 2


@pytest.mark.parametrize("session_factory", ["postgres"], indirect=True)
async def test_the_batch_of_a_relay_that_died_is_published_by_another_once_its_lease_ran_out(
    session_factory: async_sessionmaker,
) -> None:
    first, second = await stage(session_factory, "a", "a")
    held = HeldBus()
    dying = asyncio.create_task(relay(session_factory, held).publish_pending())
    await asyncio.wait_for(held.publishing.wait(), timeout=10)
    dying.cancel()  # the process stops between its claim and the broker's confirm
    await asyncio.gather(dying, return_exceptions=True)
    survivor_bus = RecordingBus()
    survivor = relay(session_factory, survivor_bus)

    assert await survivor.publish_pending() == 0  # the lease holds, and the aggregate's next row waits behind it
    async with session_factory() as session, session.begin():
        await session.execute(update(outbox).values(lease_until=datetime.now(UTC) - timedelta(seconds=1)))
    assert await survivor.publish_pending() == 1
    assert await survivor.publish_pending() == 1
    assert survivor_bus.published_ids() == [first.id, second.id]
