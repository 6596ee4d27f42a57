"""Baseline for the skeleton benchmark: validate the same body, insert one row, answer 201 — nothing else.

``BARE_DATABASE_URL=sqlite+aiosqlite:///bare.sqlite3 uvicorn bare_app:create_app --factory --app-dir bench``
(or a ``postgresql+asyncpg://`` URL). SQLite gets the same pragmas as the services' engine (WAL,
synchronous=NORMAL), so the comparison measures the skeleton's work, not a different durability setting.
"""

import contextlib
import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from fastapi import FastAPI
from sqlalchemy import Column, DateTime, MetaData, String, Table, Text, Uuid, event, insert
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from intake_api.petitions.schemas import PetitionCreate

metadata = MetaData()
petitions = Table(
    "bare_petitions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("channel", String(16), nullable=False),
    Column("petitioner_name", String(64), nullable=False),
    Column("petitioner_phone", String(16), nullable=False),
    Column("category_code", String(4), nullable=False),
    Column("content", Text, nullable=False),
    Column("address", String(200), nullable=False),
    Column("community_code", String(12)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


def make_engine(url: str) -> AsyncEngine:
    engine = create_async_engine(url, pool_size=20, max_overflow=0, pool_timeout=30)
    if make_url(url).get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=30000"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _row(body: PetitionCreate) -> dict:
    return {
        "id": uuid.uuid4(),
        "channel": body.channel,
        "petitioner_name": body.petitioner.name,
        "petitioner_phone": body.petitioner.phone,
        "category_code": body.category_code,
        "content": body.content,
        "address": body.address,
        "community_code": body.community_code,
        "created_at": datetime.now(UTC),
    }


def create_app() -> FastAPI:
    engine = make_engine(os.environ["BARE_DATABASE_URL"])

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
        yield
        await engine.dispose()

    app = FastAPI(title="bare baseline", lifespan=lifespan)

    @app.get("/readyz")
    async def readyz() -> dict[str, str]:
        return {"status": "ready"}

    @app.post("/petitions", status_code=201)
    async def create_petition(body: PetitionCreate) -> dict[str, str]:
        row = _row(body)
        async with engine.begin() as connection:
            await connection.execute(insert(petitions).values(**row))
        return {"id": str(row["id"])}

    return app
