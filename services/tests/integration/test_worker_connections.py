"""Background workers' own connections (``services.db.make_worker_engine``): how they plan, and that the outbox
relay of a running service keeps publishing while every connection of the service's own pool is taken."""

import contextlib
import uuid
from datetime import UTC, datetime

import asyncpg
import pytest
from sqlalchemy import text

from services.db import make_worker_engine
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
