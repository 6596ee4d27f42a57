from pathlib import Path

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import DeclarativeBase

from services.db import make_engine

SERVICE_ROOT = Path(__file__).resolve().parents[2]


class Base(DeclarativeBase):
    pass


def make_worker_engine(url: str, *, pool_size: int) -> AsyncEngine:
    """The own connections of a background worker (dispatcher, webhook deliverer) whose claims read a table that
    changes by thousands of rows a second: on PostgreSQL every statement is planned for its parameters and the
    table as it is now (``plan_cache_mode = force_custom_plan``). A prepared statement's generic plan is made once
    and kept until the table is analyzed again (a minute or more): one made while the table was nearly empty
    (a new database, the first seconds) joined every claim by reading the whole table. Planning costs tens of
    microseconds per statement, and these workers run a few statements per batch."""
    engine = make_engine(url, pool_size=pool_size)
    if engine.dialect.name == "postgresql":

        @event.listens_for(engine.sync_engine, "connect")
        def _custom_plans(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("SET plan_cache_mode = force_custom_plan")
            cursor.close()

    return engine
