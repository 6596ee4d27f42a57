"""The notify fan-out benchmark's reading of notify's database while and after it runs (``notify_fanout.py``):
whether anything is still due, progress by status, PostgreSQL's counters, notify's own events, a process's CPU."""

import asyncio
import time
from collections import Counter
from pathlib import Path

import asyncpg
from cpu import TICKS
from loadgen import ms


async def anything_pending(conn: asyncpg.Connection, healthy: set[str]) -> bool:
    """Whether a notification is still to send or a healthy subscriber still has a delivery due: two probes of
    the due indexes, so that the counts below (a scan of both tables) run only when the run may be over."""
    return await conn.fetchval(
        "select exists (select 1 from notifications where status in ('pending', 'sending'))"
        " or exists (select 1 from webhook_deliveries where status = 'pending' and subscription_id = any($1::uuid[]))",
        list(healthy),
    )


async def progress(conn: asyncpg.Connection) -> dict:
    notes = await conn.fetch("select status, count(*) from notifications group by status")
    hooks = await conn.fetch(
        "select subscription_id::text as sub, status, count(*) from webhook_deliveries group by 1, 2"
    )
    return {
        "notifications": {r["status"]: r["count"] for r in notes},
        "deliveries": [(r["sub"], r["status"], r["count"]) for r in hooks],
    }


def drained(state: dict, *, expected_notifications: int, healthy: set[str], events: int) -> bool:
    notes = state["notifications"]
    settled = notes.get("sent", 0) + notes.get("failed", 0)
    if settled < expected_notifications or notes.get("pending", 0) or notes.get("sending", 0):
        return False
    delivered = Counter({sub: n for sub, status, n in state["deliveries"] if status == "delivered"})
    return all(delivered[sub] >= events for sub in healthy)


async def database_counters(conn: asyncpg.Connection) -> dict[str, int]:
    await asyncio.sleep(1.0)  # let the backends report their statistics
    row = await conn.fetchrow(
        "select xact_commit + xact_rollback as transactions, tup_returned, tup_fetched, tup_inserted, tup_updated"
        " from pg_stat_database where datname = current_database()"
    )
    return dict(row)


async def outbox_delays(conn: asyncpg.Connection, timeout: float) -> dict:
    """notify's own events (``notification.sent``, ``webhook.delivered`` …): once its outbox is empty (or after
    ``timeout``), how many there are, how many were still unpublished when the deliveries were done, and the delay
    from staging to the broker's confirm (``published_at − created_at``)."""
    pending_sql = "select count(*) from outbox where published_at is null"
    pending_at_drain = await conn.fetchval(pending_sql)
    started, deadline = time.monotonic(), time.monotonic() + timeout
    while await conn.fetchval(pending_sql) and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
    row = await conn.fetchrow(
        "select count(*) as events, count(*) filter (where published_at is null) as unpublished,"
        " percentile_cont(0.5) within group (order by published_at - created_at) as p50,"
        " percentile_cont(0.99) within group (order by published_at - created_at) as p99"
        " from outbox"
    )
    return {
        "events": row["events"],
        "unpublished_when_deliveries_done": pending_at_drain,
        "published_within_s_after": round(time.monotonic() - started, 1),
        "unpublished_at_end": row["unpublished"],
        "p50_ms": None if row["p50"] is None else ms(row["p50"].total_seconds()),
        "p99_ms": None if row["p99"] is None else ms(row["p99"].total_seconds()),
    }


def process_seconds(pid: int) -> float:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = raw[raw.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / TICKS
