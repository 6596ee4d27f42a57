"""services.db.inbox_subscription on SQLite and PostgreSQL: an effect once per event, retried when it fails; with a
batch effect (group commit), deliveries that arrive while transactions run go together into one transaction, each
effect once, and a failing batch is handled again event by event, only the failing event's delivery failing."""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Sequence

import pytest
from sqlalchemy import Column, MetaData, String, Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.contracts.intake import PetitionRegistered
from services.contracts.routing import CaseOpened
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


def registered(correlation: str | None = "corr-7") -> PetitionRegistered:
    return petition_registered_event().model_copy(update={"correlationid": correlation})


class Effect:
    """Writes one row per call in the consumer's transaction; fails its first ``fail_times`` calls after writing."""

    def __init__(self, *, fail_times: int = 0, stages_event: bool = True) -> None:
        self.fail_times = fail_times
        self.stages_event = stages_event
        self.calls = 0

    async def __call__(self, session: AsyncSession, event: PetitionRegistered) -> None:
        self.calls += 1
        await session.execute(insert(effects).values(event_id=event.id, correlation_id=correlation_id.get()))
        if self.stages_event:
            await add_event(session, PetitionRegistered.create(subject=event.subject, data=event.data))
        if self.calls <= self.fail_times:
            raise RuntimeError("effect failed")


async def count(session_factory: async_sessionmaker, table: Table) -> int:
    async with session_factory() as session:
        return await session.scalar(select(func.count()).select_from(table))


def subscription(session_factory: async_sessionmaker, effect: Effect, commits: list[int]):
    return inbox_subscription(
        consumer="routing",
        session_factory=session_factory,
        handlers={PetitionRegistered: effect},
        after_commit=lambda: commits.append(1),
        prefetch=4,
    )


async def test_subscription_shape(session_factory: async_sessionmaker) -> None:
    result = inbox_subscription(
        consumer="notify",
        session_factory=session_factory,
        handlers={PetitionRegistered: Effect(), CaseOpened: Effect()},
        prefetch=7,
    )
    assert (result.consumer, result.event_types, result.prefetch) == (
        "notify",
        (PetitionRegistered.event_type, CaseOpened.event_type),
        7,
    )


async def test_after_commit_runs_only_when_the_effect_staged_an_event(session_factory: async_sessionmaker) -> None:
    effect, commits = Effect(stages_event=False), []
    await subscription(session_factory, effect, commits).handler(registered())
    assert (effect.calls, commits, await count(session_factory, effects)) == (1, [], 1)


async def test_duplicate_event_has_its_effect_once(session_factory: async_sessionmaker) -> None:
    effect, commits = Effect(), []
    handle = subscription(session_factory, effect, commits).handler
    event = registered()

    await handle(event)
    await handle(event)
    await handle(event.model_copy())

    assert effect.calls == 1
    assert commits == [1]
    assert await count(session_factory, effects) == 1
    async with session_factory() as session:
        stored = (await session.execute(select(inbox))).all()
    assert [(r.consumer, r.event_id, r.event_type) for r in stored] == [("routing", event.id, event.type)]


async def test_distinct_events_each_have_their_effect(session_factory: async_sessionmaker) -> None:
    effect, commits = Effect(), []
    handle = subscription(session_factory, effect, commits).handler
    for _ in range(3):
        await handle(registered())
    assert (effect.calls, len(commits), await count(session_factory, effects), await count(session_factory, inbox)) == (
        3,
        3,
        3,
        3,
    )


async def test_failed_effect_leaves_no_inbox_row_so_it_is_retried(session_factory: async_sessionmaker) -> None:
    effect, commits = Effect(fail_times=1), []
    handle = subscription(session_factory, effect, commits).handler
    event = registered()

    with pytest.raises(RuntimeError, match="effect failed"):
        await handle(event)
    assert (await count(session_factory, inbox), await count(session_factory, effects), commits) == (0, 0, [])

    await handle(event)  # the redelivery
    assert effect.calls == 2
    assert (await count(session_factory, inbox), await count(session_factory, effects), commits) == (1, 1, [1])


async def test_effect_runs_under_the_event_correlation_id(session_factory: async_sessionmaker) -> None:
    handle = subscription(session_factory, Effect(), []).handler
    with_correlation, without = registered("corr-from-request"), registered(None)
    before = correlation_id.get()

    await handle(with_correlation)
    await handle(without)

    async with session_factory() as session:
        seen = dict((await session.execute(select(effects.c.event_id, effects.c.correlation_id))).all())
    assert seen == {with_correlation.id: "corr-from-request", without.id: without.id}
    assert correlation_id.get() == before


# -- group commit (batch_handler) ---------------------------------------------------------------------------


def uncorrelated(correlation: str | None = None) -> PetitionRegistered:
    """A fresh event; without a correlation id its own id is its correlation."""
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


async def test_concurrent_deliveries_go_together_into_one_transaction(session_factory: async_sessionmaker) -> None:
    consumer = Consumer()
    handle = consumer.subscription(session_factory).handler
    events = [uncorrelated() for _ in range(10)]

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
    handled_before, across = uncorrelated(), uncorrelated()
    await handle(handled_before)
    first, *others = [uncorrelated() for _ in range(5)]
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
    twice = uncorrelated()
    first, second, *others = [uncorrelated() for _ in range(5)]
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
    events = [uncorrelated() for _ in range(8)]
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
    events = [uncorrelated(f"corr-{n}") for n in range(6)] + [uncorrelated(None)]
    before = correlation_id.get()

    await asyncio.gather(*(handle(event) for event in events))

    assert any(len(batch) > 1 for batch in consumer.batches)
    assert dict(await rows(session_factory, effects.c.event_id, effects.c.correlation_id)) == {
        event.id: event.correlationid or event.id for event in events
    }
    staged = await rows(session_factory, outbox.c.correlation_id)
    assert sorted(id_ for (id_,) in staged) == sorted(event.correlationid or event.id for event in events)
    assert correlation_id.get() == before
