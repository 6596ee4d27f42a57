"""Screening benchmark: the weekly compliance report and the monthly analysis of one district on PostgreSQL, over
5,000 grids with a year of weekly sweeps and 1,000,000 findings.

    .venv/bin/python bench/screening_reports.py [--grids 5000] [--findings 1000000] [--runs 20] [--keep-db NAME]

1. A scratch database `bench_screening_<rand>` (or `--keep-db NAME`, reused when it already holds the same load):
   screening's migrations, then the load as rows with COPY (FK triggers off): 10 districts × 5 streets × 10
   communities × 10 grids (5,000 grids), two special residents per grid (one weekly, one monthly), a year of
   weekly sweeps (about 95% of grid-weeks swept, each with its resident visits), findings spread over the year
   (categories, severities, outcomes and case results drawn at random), the reference copies (names); ANALYZE.
2. Per report, in process on one pooled connection (SQLAlchemy + asyncpg, as the service runs it), `--runs` timed
   calls after `--warmup` untimed ones: the weekly compliance report (`sweeps.service.compliance`) for the
   last closed week of one district; the weekly report (compliance + the week's findings), the monthly analysis
   of the last complete month and the quarterly briefing of the last complete quarter (`reports.service.generate`).
   Median, p99 and max in ms; the CPU used by others (cpu.py) during each series.
3. Results: bench/results/screening-reports-<UTC timestamp>.json and bench/results/screening-reports.md.
"""

import argparse
import asyncio
import json
import random
import secrets
import signal
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

import asyncpg
import report
from cpu import CpuMeter, background_load
from loadgen import ms, percentile
from procs import PG_URL, child_env, run_checked

from screening_svc.grids.rules import CHINA, Scope, local_date
from screening_svc.reports import rules as report_rules
from screening_svc.reports import service as reports
from screening_svc.sweeps import rules as sweep_rules
from screening_svc.sweeps import service as sweeps
from services.db.engine import make_engine, make_session_factory
from services.testing import create_database, drop_database

PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
TARGETS_MS = {"compliance": 1000.0, "monthly": 2000.0}
CATEGORIES = [f"{top:02d}{leaf:02d}" for top in range(1, 15) for leaf in range(1, 4)]
SEVERITIES = ["minor"] * 45 + ["general"] * 35 + ["complex"] * 15 + ["difficult"] * 5
TIERS = {"general": "community", "complex": "street", "difficult": "district"}
CLOSED_HOW = ["resolved"] * 85 + ["withdrawn"] * 5 + ["steered"] * 5 + ["not_accepted"] * 5
FINDING_COLUMNS = (
    "id", "grid_code", "community_code", "category_code", "kind", "severity", "summary", "description",
    "people_count", "occurred_at", "reported_by", "reported_at", "outcome", "measure", "tier", "case_id",
    "case_status", "case_unit_code", "case_unit_name", "case_tier", "case_updated_at", "closed_how", "closed_at",
)  # fmt: skip
SWEEP_COLUMNS = ("id", "grid_code", "week", "swept_by", "swept_at", "households_visited", "findings", "notes",
                 "created_at")  # fmt: skip
RESIDENT_COLUMNS = ("id", "grid_code", "category", "visit_interval", "name_encrypted", "address_encrypted",
                    "phone_encrypted", "registered_on", "registered_by", "created_at")  # fmt: skip


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--grids", type=int, default=5000, help="multiple of 100 (10 grids × 10 communities × …)")
    parser.add_argument("--findings", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--keep-db", default=None, help="keep (and reuse) this database instead of a scratch one")
    return parser.parse_args()


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


# --- the load ---------------------------------------------------------------------------------------------------


def places(grids: int) -> list[tuple[str, str, str]]:
    """(district, street, community) codes: 10 grids a community, 10 communities a street, 5 streets a district."""
    districts = max(1, grids // 500)
    return [
        (f"3205{d:02d}", f"3205{d:02d}{s:03d}", f"3205{d:02d}{s:03d}{c:03d}")
        for d in range(1, districts + 1)
        for s in range(1, 6)
        for c in range(1, 11)
    ][: max(1, grids // 10)]


def reference_rows(communities: list[tuple[str, str, str]]) -> list[tuple]:
    rows = {}
    for district, street, community in communities:
        rows[district] = (district, f"第{district[-2:]}区", "district", None, True)
        rows[street] = (street, f"第{street[-3:]}街道", "street", district, True)
        rows[community] = (community, f"第{community[-3:]}社区", "community", street, True)
    return list(rows.values())


def grid_rows(communities, active_from: date) -> list[tuple]:
    return [
        (f"{c}{n:02d}", uuid.uuid4(), f"网格{n}", c, 200, 1, active_from)
        for _, _, c in communities
        for n in range(1, 11)
    ]


def at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, clock(8), CHINA) + timedelta(seconds=rng.randrange(10 * 3600))


def resident_rows(grids: list[tuple], registered: date, now: datetime) -> list[tuple]:
    blob = b"\x00" * 40
    return [
        row
        for grid in grids
        for row in (
            (uuid.uuid4(), grid[0], "elderly_alone", "weekly", blob, blob, None, registered, "bench", now),
            (uuid.uuid4(), grid[0], "hardship", "monthly", blob, blob, None, registered, "bench", now),
        )
    ]


def sweep_rows(grids, residents, mondays: list[date], rng: random.Random) -> tuple[list[tuple], list[tuple]]:
    """About 95% of grid-weeks swept; each sweep visits the weekly resident, the monthly one every fourth week."""
    by_grid = {}
    for resident in residents:
        by_grid.setdefault(resident[1], []).append(resident)
    sweeps_, visits = [], []
    for grid in grids:
        for index, monday in enumerate(mondays):
            if rng.random() < 0.05:
                continue
            swept_at = at(monday + timedelta(days=rng.randrange(7)), rng)
            sweep_id = uuid.uuid4()
            week = sweep_rules.iso_week(monday)
            sweeps_.append((sweep_id, grid[0], week, "bench", swept_at, 180, rng.randrange(4), "", swept_at))
            for resident in by_grid[grid[0]]:
                if resident[3] == "weekly" or index % 4 == 0:
                    visits.append((sweep_id, resident[0], local_date(swept_at)))
    return sweeps_, visits


def finding_rows(grids, count: int, first: date, days: int, rng: random.Random):
    """Findings over the days, in batches of 50,000 rows (what COPY takes at once)."""
    batch = []
    for _ in range(count):
        grid = grids[rng.randrange(len(grids))]
        occurred = at(first + timedelta(days=rng.randrange(days)), rng)
        severity = rng.choice(SEVERITIES)
        batch.append(_finding(grid, occurred, severity, rng))
        if len(batch) == 50_000:
            yield batch
            batch = []
    if batch:
        yield batch


def _finding(grid: tuple, occurred: datetime, severity: str, rng: random.Random) -> tuple:
    code, community = grid[0], grid[3]
    common = (uuid.uuid4(), code, community, rng.choice(CATEGORIES), "micro_conflict", severity, "摘要", "描述",
              rng.randrange(1, 8), occurred, "bench", occurred)  # fmt: skip
    if severity == "minor":
        return (*common, "resolved_on_spot", "当场化解", None, None, None, None, None, None, None, None, None)
    tier = TIERS[severity] if rng.random() < 0.9 else "district"
    closed = occurred + timedelta(days=rng.randrange(5, 60))
    how = rng.choice(CLOSED_HOW) if rng.random() < 0.8 else None
    status = "closed" if how else "in_handling"
    return (*common, "escalated", None, TIERS[severity], uuid.uuid4(), status, community, "单位", tier, closed, how,
            closed if how else None)  # fmt: skip


async def connect(db: str) -> asyncpg.Connection:
    return await asyncpg.connect(**PG, database=db)


async def load(db: str, args: argparse.Namespace, now: datetime) -> dict:
    rng = random.Random(args.seed)
    today = local_date(now)
    last_monday = today - timedelta(days=today.weekday() + 7)
    mondays = [last_monday - timedelta(weeks=w) for w in range(51, -1, -1)]
    communities = places(args.grids)
    grids = grid_rows(communities, mondays[0] - timedelta(days=30))
    residents = resident_rows(grids, mondays[0] - timedelta(days=30), now)
    sweeps_, visits = sweep_rows(grids, residents, mondays, rng)
    started, counts = time.monotonic(), {}
    connection = await connect(db)
    try:
        await connection.execute("SET session_replication_role = replica")  # no FK triggers while loading
        tables = {
            "ref_jurisdictions": (reference_rows(communities), ("code", "name", "level", "parent_code", "active")),
            "grids": (grids, ("code", "id", "name", "community_code", "households", "sweeps_per_week",
                              "active_from")),
            "special_residents": (residents, RESIDENT_COLUMNS),
            "sweeps": (sweeps_, SWEEP_COLUMNS),
            "resident_visits": (visits, ("sweep_id", "resident_id", "visited_on")),
        }  # fmt: skip
        for table, (rows, columns) in tables.items():
            await connection.copy_records_to_table(table, records=rows, columns=list(columns))
            counts[table] = len(rows)
        counts["findings"] = 0
        first = today - timedelta(days=365)
        for batch in finding_rows(grids, args.findings, first, 366, rng):
            await connection.copy_records_to_table("findings", records=batch, columns=list(FINDING_COLUMNS))
            counts["findings"] += len(batch)
        loaded = time.monotonic()
        await connection.execute("VACUUM ANALYZE")  # what autovacuum does after a bulk load
    finally:
        await connection.close()
    return {"counts": counts, "seconds": {"copy": round(loaded - started, 1),
                                          "analyze": round(time.monotonic() - loaded, 1)}}  # fmt: skip


async def prepare(db: str, args: argparse.Namespace, now: datetime, workdir: Path) -> dict:
    wanted = {"grids": args.grids, "findings": args.findings, "seed": args.seed}
    if args.keep_db and await _stored(db) == wanted:
        log(f"reusing {db}")
        return {**wanted, "reused": True}
    await drop_database(db)
    await create_database(db)
    env = child_env(SCREENING_DATABASE_URL=PG_URL.format(db=db))
    await run_checked("migrate", [sys.executable, "-m", "services.db.migrate_cli", "screening_svc"], env, workdir)
    loaded = await load(db, args, now)
    connection = await connect(db)
    try:
        await connection.execute("CREATE TABLE bench_meta (key text PRIMARY KEY, value text NOT NULL)")
        await connection.execute("INSERT INTO bench_meta VALUES ('load', $1)", json.dumps(wanted))
    finally:
        await connection.close()
    return {**wanted, **loaded, "reused": False}


async def _stored(db: str) -> dict | None:
    try:
        connection = await connect(db)
    except asyncpg.InvalidCatalogNameError:
        return None
    try:
        if not await connection.fetchval("SELECT to_regclass('bench_meta') IS NOT NULL"):
            return None
        return json.loads(await connection.fetchval("SELECT value FROM bench_meta WHERE key = 'load'"))
    finally:
        await connection.close()


# --- the measurements -------------------------------------------------------------------------------------------


def summary_ms(seconds: list[float]) -> dict:
    return {"n": len(seconds), "p50": ms(percentile(seconds, 50)), "p99": ms(percentile(seconds, 99)),
            "max": ms(max(seconds))}  # fmt: skip


async def timed(session_factory, call, args: argparse.Namespace) -> dict:
    """``call(session)`` ``--warmup`` times untimed, then ``--runs`` times timed, each in its own transaction."""
    durations = []
    for number in range(args.warmup + args.runs):
        async with session_factory() as session, session.begin():
            started = time.perf_counter()
            await call(session)
            if number >= args.warmup:
                durations.append(time.perf_counter() - started)
    return summary_ms(durations)


def scenarios(district: str, now: datetime) -> dict:
    today = local_date(now)
    week = sweep_rules.last_closed_week(now, 1)
    month = report_rules.previous_period("monthly", report_rules.period_of("monthly", today))
    quarter = report_rules.previous_period("quarterly", report_rules.period_of("quarterly", today))
    scope = Scope(everything=False, jurisdiction=district, member_id=None)

    def report_of(cadence: str, period: str):
        return lambda s: reports.generate(session=s, cadence=cadence, period=period, jurisdiction=district, now=now,
                                          grace_days=1, rising_minimum=3)  # fmt: skip

    return {
        "compliance": (week, lambda s: sweeps.compliance(session=s, scope=scope, jurisdiction=district, week=week,
                                                         now=now, grace_days=1)),
        "weekly_report": (week, report_of("weekly", week)),
        "monthly": (month, report_of("monthly", month)),
        "quarterly": (quarter, report_of("quarterly", quarter)),
    }  # fmt: skip


async def measure(db: str, args: argparse.Namespace, now: datetime) -> dict:
    engine = make_engine(PG_URL.format(db=db), pool_size=1)
    session_factory = make_session_factory(engine)
    district = places(args.grids)[0][0]
    results = {}
    try:
        for name, (period, call) in scenarios(district, now).items():
            with CpuMeter([]) as meter:
                results[name] = {"period": period, "jurisdiction": district, **await timed(session_factory, call, args)}
            results[name]["cpu_cores"] = meter.cores
            log(f"{name:14} {period:8} p50 {results[name]['p50']} ms  p99 {results[name]['p99']} ms  "
                f"other CPU {meter.cores.get('other')}")  # fmt: skip
    finally:
        await engine.dispose()
    return results


async def run(args: argparse.Namespace) -> dict:
    db = args.keep_db or f"bench_screening_{secrets.token_hex(4)}"
    now = datetime.now(UTC)
    result: dict = {"timestamp": now.strftime("%Y%m%dT%H%M%SZ"), "machine": report.machine_info(),
                    "parameters": vars(args) | {"database_kept": bool(args.keep_db)}}  # fmt: skip
    workdir = Path(tempfile.mkdtemp(prefix="bench-screening-"))
    try:
        result["other_cpu_before"] = await background_load()
        log(f"database {db}; CPU before start: {result['other_cpu_before']}")
        result["load"] = await prepare(db, args, now, workdir)
        log(f"load: {result['load']}")
        result["reports"] = await measure(db, args, now)
        result["targets_ms"] = TARGETS_MS
        result["met"] = {name: result["reports"][name]["p99"] < target for name, target in TARGETS_MS.items()}
        return result
    finally:
        if not args.keep_db:
            await drop_database(db)


def _load_text(load: dict) -> str:
    if load.get("reused"):
        return f"reused from an earlier run (--keep-db; {load['grids']} grids, {load['findings']} findings)"
    return f"{json.dumps(load['counts'], ensure_ascii=False)}; load {load['seconds']} s"


def markdown(result: dict) -> str:
    load, reports_ = result["load"], result["reports"]
    lines = [
        f"# Screening reports benchmark ({result['timestamp']})",
        "",
        f"Load: {_load_text(load)}. "
        f"{result['parameters']['runs']} timed runs per report after {result['parameters']['warmup']} warm-up runs, "
        f"in process (service function: SQL + assembly), one district ({reports_['compliance']['jurisdiction']}, "
        f"500 grids). CPU used by others before the start: {result['other_cpu_before'].get('other')} cores.",
        "",
        "| report | period | p50 ms | p99 ms | max ms | target | met | other CPU (cores) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, row in reports_.items():
        target = TARGETS_MS.get(name)
        met = "" if target is None else ("yes" if row["p99"] < target else "NO")
        goal = "" if target is None else f"< {target:g}"
        lines.append(f"| {name} | {row['period']} | {row['p50']} | {row['p99']} | {row['max']} | {goal} | {met} | "
                     f"{row['cpu_cores'].get('other')} |")  # fmt: skip
    return "\n".join(lines) + "\n"


def main() -> None:
    args = parse_args()
    signal.signal(signal.SIGTERM, _interrupt)  # drop the scratch database on SIGTERM too
    result = asyncio.run(run(args))
    report.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = report.RESULTS_DIR / f"screening-reports-{result['timestamp']}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n")
    (report.RESULTS_DIR / "screening-reports.md").write_text(markdown(result))
    print(markdown(result))
    print(f"written {path}")


def _interrupt(*_args) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    main()
