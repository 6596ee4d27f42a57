"""The routing benchmark's deadline sweeps: nothing due, everything due at the next local midnight, and (with
`--late-days`) everything due after the scheduler stood still for days; each undone afterwards. The same sweeps one
clock per transaction (`sweep_due`'s fallback, the algorithm before batching) give the same-run baseline."""

import contextlib
import time
from datetime import UTC, datetime, timedelta

from cpu import CpuMeter
from procs import PG_URL
from routing_common import COLUMN_NAMES, SWEEP_TABLES, connect, summary_ms

from routing_svc.cases import directory
from routing_svc.clocks import end_of_day, local_date
from routing_svc.scheduler import service as scheduler
from routing_svc.scheduler.service import sweep_due
from services.db.engine import make_engine, make_session_factory


def next_local_midnight(anchor: datetime) -> datetime:
    """The moment after the anchor when that day's reminders and lapses fall due (the start of the next local day)."""
    return end_of_day(local_date(anchor)).astimezone(UTC) + timedelta(seconds=1)


@contextlib.asynccontextmanager
async def undone(db: str, now: datetime):
    """Run a sweep, then put back what it changed: the clocks and cases it touched and the rows it added."""
    connection = await connect(db)
    try:
        touched = "SELECT case_id FROM case_clocks WHERE next_check_at <= $1"
        await connection.execute(
            f"CREATE TEMP TABLE snap_clocks AS SELECT * FROM case_clocks WHERE case_id IN ({touched})", now
        )
        await connection.execute(f"CREATE TEMP TABLE snap_cases AS SELECT * FROM cases WHERE id IN ({touched})", now)
        high = {
            table: await connection.fetchval(f"SELECT {key} FROM {table} ORDER BY {key} DESC LIMIT 1")
            for table, key in SWEEP_TABLES.items()
        }
        outbox = await connection.fetchval("SELECT coalesce(max(seq), 0) FROM outbox")
        yield
        async with connection.transaction():
            for table, key in SWEEP_TABLES.items():
                if high[table] is not None:
                    await connection.execute(f"DELETE FROM {table} WHERE {key} > $1", high[table])
            await connection.execute("DELETE FROM outbox WHERE seq > $1", outbox)
            for table, snapshot in (("case_clocks", "snap_clocks"), ("cases", "snap_cases")):
                names = [r["attname"] for r in await connection.fetch(COLUMN_NAMES, table)]
                assignments = ", ".join(f'"{n}" = s."{n}"' for n in names if n != "id")
                await connection.execute(f"UPDATE {table} t SET {assignments} FROM {snapshot} s WHERE t.id = s.id")
        await connection.execute("DROP TABLE snap_clocks; DROP TABLE snap_cases")
    finally:
        await connection.close()


async def measure_sweeps(db: str, anchor: datetime, args) -> dict:
    engine = make_engine(PG_URL.format(db=db), pool_size=2)
    factory = make_session_factory(engine)
    try:
        idle = []
        idle_now = anchor + timedelta(seconds=1)
        for _ in range(args.idle_sweeps):
            started = time.perf_counter()
            result = await sweep_due(factory, idle_now)
            idle.append(time.perf_counter() - started)
            assert result.examined == 0, f"{result.examined} clocks due at the anchor: the load is not steady"
        midnight = next_local_midnight(anchor)
        found = {"idle": summary_ms(idle), **await sweep_everything_due(db, factory, midnight, sweep_due)}
        found["one_by_one"] = await sweep_everything_due(db, factory, midnight, one_by_one)
        if args.late_days:  # the scheduler stood still for days: reminders and lapses (escalations, orders) pile up
            late = midnight + timedelta(days=args.late_days)
            found["late"] = await sweep_everything_due(db, factory, late, sweep_due)
            found["late_one_by_one"] = await sweep_everything_due(db, factory, late, one_by_one)
        return found
    finally:
        await engine.dispose()


async def one_by_one(factory, now: datetime, *, batch_size: int = 500) -> scheduler.SweepResult:
    """The baseline: the same sweep with one transaction per clock (what `sweep_due` falls back to)."""
    async with factory() as session:
        calendar = await directory.holiday_calendar(session)
    policy = scheduler._default_policy()
    return await scheduler._sweep_one_by_one(factory, now, policy=policy, calendar=calendar, batch_size=batch_size)


async def sweep_everything_due(db: str, factory, now: datetime, sweep) -> dict:
    """Sweep (with `sweep`) batch after batch until nothing is due at `now`, then put everything back."""
    connection = await connect(db)
    try:
        due = await connection.fetchval("SELECT count(*) FROM case_clocks WHERE next_check_at <= $1", now)
        by_kind = "SELECT kind, count(*) FROM case_clocks WHERE next_check_at <= $1 GROUP BY kind"
        kinds = dict(await connection.fetch(by_kind, now))
    finally:
        await connection.close()
    batches = []
    async with undone(db, now):
        with CpuMeter([]) as meter:
            while True:
                started = time.perf_counter()
                result = await sweep(factory, now)
                elapsed = time.perf_counter() - started
                if result.examined == 0:
                    break
                batches.append({
                    "seconds": round(elapsed, 3), "examined": result.examined, "reminded": result.reminded,
                    "overdue": result.overdue, "escalated": result.escalated, "supervised": result.supervised,
                    "skipped": result.skipped,
                })  # fmt: skip
    return {
        "due_at": now.isoformat(),
        "due": due,
        "due_by_kind": kinds,
        "batches": batches,
        "total_seconds": round(sum(b["seconds"] for b in batches), 3),
        "ms_per_clock": round(1000 * sum(b["seconds"] for b in batches) / max(1, due), 2),
        "cpu_cores": meter.cores,
    }
