"""Async engines and sessions for PostgreSQL (asyncpg) and SQLite (aiosqlite, WAL)."""

import functools
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine


def make_engine(url: str, *, pool_size: int = 20) -> AsyncEngine:
    """A fixed-size pool on PostgreSQL (overflow churn costs ~30% under load); WAL on SQLite.

    No pre-ping: it costs a round trip per transaction. A connection the database dropped fails one
    request with 503 (``services.http.errors``) and SQLAlchemy then replaces the pool's connections."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    return create_async_engine(url, pool_size=pool_size, max_overflow=0, pool_timeout=30, pool_recycle=1800)


def is_memory_sqlite(url: str) -> bool:
    """An in-memory SQLite database: another engine on the same URL would see another, empty database, so background
    workers share the service's engine there instead of making their own."""
    return url.startswith("sqlite") and (":memory:" in url or url.endswith("://"))


def make_worker_engine(url: str, *, pool_size: int) -> AsyncEngine:
    """The own connections of a background worker (outbox relay, notify's dispatcher and webhook deliverer) whose
    claims read a table that changes by thousands of rows a second. On PostgreSQL:

    - every statement is planned for its parameters and the table as it is now (``plan_cache_mode =
      force_custom_plan``): a prepared statement's generic plan is made once and kept until the table is analyzed
      again (a minute or more); one made while the table was nearly empty joined every claim by reading the whole
      table. Planning costs tens of microseconds per statement, and these workers run a few per batch;
    - no bitmap scans (``enable_bitmapscan = off``): a claim reads the oldest due rows of an index in order and stops
      at its limit. Planned on statistics that expect a handful of rows, it became a bitmap scan of the whole due
      range and a sort, and a bitmap scan never marks the index entries of dead rows as dead (a plain index scan
      does, so the next claim skips them): at 200 events/s each claim of notify's dispatcher read 10,000–14,000
      entries of rows claimed since the last vacuum to find its 50–100 (ADR 0033).

    These connections also keep the workers from waiting behind a busy consumer for the service's own pool."""
    engine = make_engine(url, pool_size=pool_size)
    if engine.dialect.name == "postgresql":

        @event.listens_for(engine.sync_engine, "connect")
        def _worker_planning(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("SET plan_cache_mode = force_custom_plan")
            cursor.execute("SET enable_bitmapscan = off")
            cursor.close()

    return engine


def _sqlite_engine(url: str) -> AsyncEngine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine.sync_engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    return engine


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@functools.lru_cache(maxsize=64)
def autocommit_sessions(factory: async_sessionmaker[AsyncSession]) -> async_sessionmaker[AsyncSession]:
    """Sessions on the same engine and pool whose every statement commits on its own, on PostgreSQL; on SQLite the
    same ``factory`` (its claims read and then update, which needs a transaction).

    For a background worker's transactions of a single statement (a claim, the relay's lease and mark, a poll):
    ``BEGIN`` and ``COMMIT`` are round trips of their own, and with them such a transaction cost about 0.5 ms of CPU
    against 0.38 ms without (``SELECT 1``, 2,000 times, on this project's machines). ``session.begin()`` still
    works on these sessions; it only does not open a database transaction. Never for more than one statement that
    must hold together."""
    engine = factory.kw["bind"]
    if engine.dialect.name != "postgresql":
        return factory
    return async_sessionmaker(engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False)


def is_postgres(engine_or_session) -> bool:
    bind = getattr(engine_or_session, "bind", engine_or_session)
    return bind.dialect.name == "postgresql"
