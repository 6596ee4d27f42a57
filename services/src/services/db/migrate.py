"""Run a service's Alembic history programmatically (embedded start-up, tests, ``make up``).

Each service's ``migrations/env.py`` calls ``run_env`` so the four histories behave the same.
"""

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from services.db.engine import make_engine


def alembic_config(service_root: Path, url: str) -> Config:
    config = Config(str(service_root / "alembic.ini"))
    config.set_main_option("script_location", str(service_root / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(service_root: Path, url: str, revision: str = "head") -> None:
    """Blocking; from async code call it through ``asyncio.to_thread`` (Alembic runs its own loop)."""
    if url.startswith("sqlite"):
        asyncio.run(make_engine(url).dispose())  # creates the folder of the SQLite file
    command.upgrade(alembic_config(service_root, url), revision)


def downgrade(service_root: Path, url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(service_root, url), revision)


def run_env(target_metadata: list[MetaData]) -> None:
    """Body of every ``migrations/env.py``: online, async, batch mode on SQLite."""
    url = context.config.get_main_option("sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    asyncio.run(_run_online(url, target_metadata))


async def _run_online(url: str, target_metadata: list[MetaData]) -> None:
    engine = create_async_engine(url, poolclass=pool.NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(_migrate, target_metadata)
    await engine.dispose()


def _migrate(connection: Connection, target_metadata: list[MetaData]) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
