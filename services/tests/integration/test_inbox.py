"""services.db.inbox_subscription on SQLite and PostgreSQL: an effect once per event, retried when it fails."""

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Column, MetaData, String, Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.contracts.intake import PetitionRegistered
from services.contracts.routing import CaseOpened
from services.db import add_event, inbox, inbox_subscription, platform_metadata
from services.logging import correlation_id
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
