"""What the routing benchmark's modules share: targets, scopes, the database connection, log lines, summaries."""

import asyncio
import time
from datetime import UTC, datetime

import asyncpg
from loadgen import ms, percentile

TARGETS_MS = {"queue_p99": 30.0, "sweep": 1000.0, "kpi": 500.0}
DISTRICT, STREET, COMMUNITY = "320599", "320599001", "320599001001"
SCOPES = {
    "community": ("unit_code", COMMUNITY),
    "street": ("street_code", STREET),
    "district": ("district_code", DISTRICT),
}
OPEN_STATES = ("assigned", "signed", "objected", "accepted", "in_handling", "extended")
FILTERS = ("all", "open", "overdue")
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
LOADED_TABLES = ("cases", "case_clocks", "case_steps", "case_escalations", "supervision_orders")
COLUMN_NAMES = "SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped"
SWEEP_TABLES = {"case_steps": "id", "case_escalations": "id", "supervision_orders": "id", "case_clocks": "id"}


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def summary_ms(seconds: list[float]) -> dict:
    return {
        "n": len(seconds),
        "p50": ms(percentile(seconds, 50)),
        "p99": ms(percentile(seconds, 99)),
        "max": ms(max(seconds)) if seconds else None,
    }


async def connect(db: str, *, patience: float = 120.0) -> asyncpg.Connection:
    """A connection, waiting (up to `patience` seconds) while the shared server has no free connection slot."""
    deadline = time.monotonic() + patience
    while True:
        try:
            return await asyncpg.connect(**PG, database=db)
        except asyncpg.TooManyConnectionsError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(1.0)


async def database_exists(name: str) -> bool:
    connection = await connect("postgres")
    try:
        return bool(await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name))
    finally:
        await connection.close()
