"""Group commit of inbox consumers (``inbox_subscription(batch_handler=...)``, ``GroupCommit``) on SQLite and
PostgreSQL: deliveries that arrive while transactions run go together into one transaction, each effect once; a
failing batch is handled again event by event, and only the failing event's delivery fails."""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Sequence

import pytest
from sqlalchemy import Column, MetaData, String, Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.contracts.intake import PetitionRegistered
from services.db import add_event, inbox, inbox_subscription, outbox, platform_metadata
from services.db.inbox import BATCHES_IN_FLIGHT, event_context
from services.logging import correlation_id
from services.messaging import RetryLater
from services.testing import petition_registered_event, scratch_database

effects_metadata = MetaData()
effects = Table(
    "effects",
    effects_metadata,
    Column("event_id", String(64), nullable=False),
    Column("correlation_id", String(64)),
)


@pytest.fixture(params=["sqlite", "postgres"])
async def session_factory(request: pytest.FixtureRequest, tmp_path) -> AsyncIterator[async_sessionmaker]:
    async with scratch_database(request.param, tmp_path, platform_metadata, effects_metadata) as factory:
        yield factory


def registered(correlation: str | None = None) -> PetitionRegistered:
    return petition_registered_event().model_copy(update={"correlationid": correlation})


async def write_effect(session: AsyncSession, event: PetitionRegistered) -> None:
    """One effect row under the current correlation id, and an outbox event staged in the same transaction."""
    await session.execute(insert(effects).values(event_id=event.id, correlation_id=correlation_id.get()))
    await add_event(session, PetitionRegistered.create(subject=event.subject, data=event.data))


class Consumer:
    """A consumer's single-event and batch effects; both fail for the ids in ``poison`` (after writing)."""

    def __init__(self, *, poison: frozenset[str] = frozenset(), error: type[Exception] = RuntimeError) -> None:
        self.poison, self.error = poison, error
        self.singles: list[str] = []
        self.batches: list[list[str]] = []
        self.commits: list[int] = []

    async def one(self, session: AsyncSession, event: PetitionRegistered) -> None:
        self.singles.append(event.id)
        await write_effect(session, event)
        if event.id in self.poison:
            raise self.error(f"cannot handle {event.id}")

    async def batch(self, session: AsyncSession, events: Sequence[PetitionRegistered]) -> None:
        self.batches.append([event.id for event in events])
        for event in events:
            with event_context(event):
                await write_effect(session, event)
        if self.poison & {event.id for event in events}:
            raise self.error("batch holds an event that cannot be handled")

    def subscription(self, session_factory: async_sessionmaker):
        return inbox_subscription(
            consumer="notify",
            session_factory=session_factory,
            handlers={PetitionRegistered: self.one},
            after_commit=lambda: self.commits.append(1),
            batch_handler=self.batch,
        )


async def rows(session_factory: async_sessionmaker, *columns) -> list[tuple]:
    async with session_factory() as session:
        return [tuple(row) for row in (await session.execute(select(*columns))).all()]


async def count(session_factory: async_sessionmaker, table: Table) -> int:
    async with session_factory() as session:
        return await session.scalar(select(func.count()).select_from(table))


async def test_concurrent_deliveries_go_together_into_one_transaction(session_factory: async_sessionmaker) -> None:
    consumer = Consumer()
    handle = consumer.subscription(session_factory).handler
    events = [registered() for _ in range(10)]

    await asyncio.gather(*(handle(event) for event in events))

    assert sorted(await rows(session_factory, effects.c.event_id)) == sorted((event.id,) for event in events)
    assert sorted(await rows(session_factory, inbox.c.event_id)) == sorted((event.id,) for event in events)
    assert any(len(batch) > 1 for batch in consumer.batches), consumer.batches
    # the first deliveries found the consumer idle and went alone; the rest waited for them and went together
    assert len(consumer.singles) + sum(len(batch) for batch in consumer.batches) == 10
    assert len(consumer.singles) == BATCHES_IN_FLIGHT
    # one wake-up of the relay per committed transaction, each having staged its events
    assert len(consumer.commits) == len(consumer.singles) + len(consumer.batches)
    assert await count(session_factory, outbox) == 10


async def test_duplicates_have_their_effect_once(session_factory: async_sessionmaker) -> None:
    consumer = Consumer()
    handle = consumer.subscription(session_factory).handler
    handled_before, across = registered(), registered()
    await handle(handled_before)
    first, *others = [registered() for _ in range(5)]
    # ``across`` and ``first`` go alone; the rest, the second ``across`` among them, wait and go together while
    # the first ``across`` may still be running
    burst = [across, first, handled_before, *others, across.model_copy()]

    await asyncio.gather(*(handle(event) for event in burst))

    ids = [handled_before.id, across.id, first.id, *(event.id for event in others)]
    assert Counter(id_ for (id_,) in await rows(session_factory, effects.c.event_id)) == Counter(ids)
    assert Counter(id_ for (id_,) in await rows(session_factory, inbox.c.event_id)) == Counter(ids)
    assert consumer.batches and all(handled_before.id not in batch for batch in consumer.batches)


async def test_same_event_twice_in_one_batch_has_its_effect_once(session_factory: async_sessionmaker) -> None:
    consumer = Consumer()
    handle = consumer.subscription(session_factory).handler
    twice = registered()
    first, second, *others = [registered() for _ in range(5)]
    burst = [first, second, twice, *others, twice.model_copy()]  # the first two go alone, the rest together

    await asyncio.gather(*(handle(event) for event in burst))

    ids = [twice.id, first.id, second.id, *(event.id for event in others)]
    assert Counter(id_ for (id_,) in await rows(session_factory, inbox.c.event_id)) == Counter(ids)
    assert [len(batch) == len(set(batch)) for batch in consumer.batches] == [True]
    assert Counter(id_ for (id_,) in await rows(session_factory, effects.c.event_id)) == Counter(ids)


@pytest.mark.parametrize("error", [RuntimeError, RetryLater])
async def test_failing_batch_fails_only_its_poison_event(
    session_factory: async_sessionmaker, error: type[Exception]
) -> None:
    events = [registered() for _ in range(8)]
    poison = events[5]  # after the two deliveries that go alone: inside the batch
    consumer = Consumer(poison=frozenset({poison.id}), error=error)
    handle = consumer.subscription(session_factory).handler

    results = await asyncio.gather(*(handle(event) for event in events), return_exceptions=True)

    assert [type(result) for result in results] == [error if event is poison else type(None) for event in events]
    assert poison.id in consumer.batches[0]  # the batch ran and failed: its events were then handled one by one
    good = sorted((event.id,) for event in events if event is not poison)
    assert sorted(await rows(session_factory, effects.c.event_id)) == good  # no row left by the rolled-back batch
    assert sorted(await rows(session_factory, inbox.c.event_id)) == good
    assert await count(session_factory, outbox) == len(good)


async def test_batched_events_each_carry_their_own_correlation_id(session_factory: async_sessionmaker) -> None:
    consumer = Consumer()
    handle = consumer.subscription(session_factory).handler
    events = [registered(f"corr-{n}") for n in range(6)] + [registered(None)]
    before = correlation_id.get()

    await asyncio.gather(*(handle(event) for event in events))

    assert any(len(batch) > 1 for batch in consumer.batches)
    assert dict(await rows(session_factory, effects.c.event_id, effects.c.correlation_id)) == {
        event.id: event.correlationid or event.id for event in events
    }
    staged = await rows(session_factory, outbox.c.correlation_id)
    assert sorted(id_ for (id_,) in staged) == sorted(event.correlationid or event.id for event in events)
    assert correlation_id.get() == before
