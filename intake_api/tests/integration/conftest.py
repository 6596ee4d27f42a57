"""Helpers of intake's API tests: fresh petitioners (a valid ID number each) and row counts."""

import random
from collections.abc import Awaitable, Callable

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from services import pii
from services.testing import PETITION, RunningSystem, create_database, drop_database, require_real_services, unique


def valid_id_number() -> str:
    birth = f"{random.randint(1950, 2005)}{random.randint(1, 12):02d}{random.randint(1, 28):02d}"
    first17 = f"320502{birth}{random.randint(0, 999):03d}"
    return first17 + pii.id_check_digit(first17)


@pytest.fixture
def new_id_number() -> Callable[[], str]:
    return valid_id_number


@pytest.fixture
def person() -> Callable[..., dict]:
    """A petition body of a new petitioner (an ID number nobody used), a visit unless changed."""

    def make(**changes: object) -> dict:
        petitioner = {**PETITION["petitioner"], "id_number": valid_id_number()}
        return {**PETITION, "channel": "visit", "petitioner": petitioner, **changes}

    return make


async def row_count(system: RunningSystem, *tables: object) -> tuple[int, ...]:
    async with system.runtime("intake").session_factory() as session:
        return tuple([await session.scalar(select(func.count()).select_from(table)) for table in tables])


# -- data migrations: a fresh database per test, migrated step by step by the test ---------------------------------
@pytest.fixture(params=["sqlite", "postgres"])
async def database_url(request: pytest.FixtureRequest, tmp_path) -> str:  # noqa: ANN001
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'intake.sqlite3'}"
        return
    await require_real_services()
    name = unique("xt_intake_mig_")
    yield await create_database(name)
    await drop_database(name)


async def _run(url: str, statement: str, params: dict | None = None) -> list:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            result = await connection.execute(sa.text(statement), params or {})
            return result.all() if result.returns_rows else []
    finally:
        await engine.dispose()


async def _columns(url: str, table: str) -> set[str]:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            found = await connection.run_sync(lambda sync: sa.inspect(sync).get_columns(table))
            return {column["name"] for column in found}
    finally:
        await engine.dispose()


@pytest.fixture
def run() -> Callable[..., Awaitable[list]]:
    """``await run(url, sql, params)``: the rows of one statement in its own transaction."""
    return _run


@pytest.fixture
def columns() -> Callable[[str, str], Awaitable[set[str]]]:
    return _columns
