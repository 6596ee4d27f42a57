"""Background workers' own connections (``services.db.make_worker_engine``): how they plan, their sessions of one
statement (``autocommit_sessions``), and that the outbox relay of a running service keeps publishing while every
connection of the service's own pool is taken."""

import contextlib
import uuid
from datetime import UTC, datetime

import asyncpg
import pytest
from sqlalchemy import text

from services.db import autocommit_sessions, make_engine, make_session_factory, make_worker_engine
from services.testing import RunningSystem, create_database, drop_database, eventually, postgres_url, unique


@pytest.mark.usefixtures("real_services")
async def test_worker_connections_plan_for_the_parameters_and_never_with_bitmap_scans() -> None:
    name = unique("workers_")
    await create_database(name)
    engine = make_worker_engine(postgres_url(name), pool_size=1)
    try:
        async with engine.connect() as connection:
            settings = {
                key: await connection.scalar(text(f"show {key}")) for key in ("plan_cache_mode", "enable_bitmapscan")
            }
    finally:
        await engine.dispose()
        await drop_database(name)
    assert settings == {"plan_cache_mode": "force_custom_plan", "enable_bitmapscan": "off"}


@pytest.mark.usefixtures("real_services")
async def test_a_statement_of_an_autocommit_session_is_committed_at_once_and_the_pool_stays_transactional() -> None:
    """No ``BEGIN``: what the statement wrote is visible to others before the session ends. The connection goes back
    to the pool as it came (pool of one, so the next session gets the same connection) and waits for its commit."""
    name = unique("autocommit_")
    await create_database(name)
    engine = make_worker_engine(postgres_url(name), pool_size=1)
    other = await asyncpg.connect(postgres_url(name).replace("postgresql+asyncpg://", "postgresql://"))
    factory = make_session_factory(engine)
    seen = "select array_agg(n order by n) from marks"
    try:
        await other.execute("create table marks (n int)")
        assert autocommit_sessions(factory) is autocommit_sessions(factory)
        async with autocommit_sessions(factory)() as session, session.begin():
            await session.execute(text("insert into marks values (1)"))
            assert await other.fetchval(seen) == [1]
        async with factory() as session, session.begin():
            await session.execute(text("insert into marks values (2)"))
            assert await other.fetchval(seen) == [1]
        assert await other.fetchval(seen) == [1, 2]
    finally:
        await other.close()
        await engine.dispose()
        await drop_database(name)


async def test_autocommit_sessions_on_sqlite_are_the_sessions_themselves(tmp_path) -> None:
    """SQLite's claims read and then update: they keep their transaction."""
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'workers.db'}")
    factory = make_session_factory(engine)
    try:
        assert autocommit_sessions(factory) is factory
    finally:
        await engine.dispose()


@pytest.mark.parametrize("system", ["real"], indirect=True)
async def test_the_relay_publishes_while_the_service_pool_is_taken(system: RunningSystem) -> None:
    """On the service's own pool the relay queued behind every consumer handler in flight; it has connections of its
    own, so a pool that is all taken (here: held by open transactions) does not hold back what was committed."""
    runtime = system.runtime("intake")
    url = system.settings["intake"].database_url.replace("postgresql+asyncpg://", "postgresql://")
    event_id = uuid.uuid4()
    async with contextlib.AsyncExitStack() as held:
        for _ in range(system.settings["intake"].db_pool_size):
            session = await held.enter_async_context(runtime.session_factory())
            await held.enter_async_context(session.begin())
            await session.execute(text("select 1"))
        database = await asyncpg.connect(url)
        try:
            await database.execute(
                "insert into outbox (event_id, event_type, aggregate_id, payload, created_at)"
                " values ($1, 'xinfang.test.relay_pool.v1', $2, '{}', $3)",
                event_id, str(event_id), datetime.now(UTC),
            )  # fmt: skip
            runtime.relay.kick()
            published = "select published_at is not null from outbox where event_id = $1"
            await eventually(lambda: database.fetchval(published, event_id), timeout=10)
        finally:
            await database.close()
