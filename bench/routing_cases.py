"""Routing benchmark: a unit's work queue, the deadline sweep and the KPI query over a million cases on PostgreSQL.

    .venv/bin/python bench/routing_cases.py [--cases 1000000] [--rounds 3] [--requests 200] [--keep-db NAME]

1. A scratch database `bench_routing_<rand>` (or `--keep-db NAME`, reused when it already holds a load with the same
   parameters): routing's migrations, routing's demo organisation (the seeding embedded mode runs), then cases with
   their clocks, steps, escalations and supervision orders (`routing_data.py`) loaded with COPY, indexes rebuilt,
   VACUUM ANALYZE.
2. routing_svc as a uvicorn process on that database (scheduler off, so that only the sweep below sweeps).
3. Per round: every queue scenario (community / street / district × all / open states / overdue × first page /
   a cursor half-way through) as sequential `GET /routing/v1/queue` requests over one keep-alive connection,
   with the time PostgreSQL spends on the page's two queries (EXPLAIN ANALYZE); the sweep with nothing due and at
   the next local midnight (when the reminders and lapses of a day fall due), each sweep undone afterwards so that
   rounds and reused databases see the same state; `GET /routing/v1/figures/kpi` for the district and one quarter.
4. Results: bench/results/routing-cases-<UTC timestamp>.json and bench/results/routing-cases.md.
"""

import argparse
import asyncio
import contextlib
import json
import secrets
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import asyncpg
import httpx
import report
import routing_data
from cpu import CpuMeter, background_load
from loadgen import ms, percentile
from procs import PG_URL, child_env, free_port, run_checked, start_process, stop_processes, uvicorn_argv, wait_ready
from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql

from routing_svc.cases import repository
from routing_svc.cases.models import CaseClock
from routing_svc.clocks import end_of_day, local_date
from routing_svc.config import RoutingSettings
from routing_svc.demo import seed_demo_organisation
from routing_svc.figures import service as figures
from routing_svc.scheduler.service import sweep_due
from services.db.engine import make_engine, make_session_factory
from services.http.auth import Principal, issue_token
from services.http.pagination import encode_cursor
from services.testing import create_database, drop_database

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


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=730, help="cases received over this many days before now")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3, help="repetitions of every measurement")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per queue scenario and round")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured requests before each scenario")
    parser.add_argument("--explains", type=int, default=20, help="EXPLAIN ANALYZE runs per scenario and round")
    parser.add_argument("--kpi-requests", type=int, default=20)
    parser.add_argument("--idle-sweeps", type=int, default=20)
    parser.add_argument("--keep-db", metavar="NAME", help="load into (or reuse) this database and keep it")
    parser.add_argument(
        "--schema-revision",
        default="head",
        help="routing's schema revision to measure (e.g. 0003: before the benchmark's indexes); migrated up or down",
    )
    parser.add_argument("--load-only", action="store_true", help="prepare the database and stop (with --keep-db)")
    parser.add_argument("--workers", type=int, default=3, help="processes that generate the rows")
    args = parser.parse_args()
    if args.keep_db and not args.keep_db.startswith("bench_"):
        parser.error("--keep-db: the name must start with bench_ (scratch databases are bench_*)")
    return args


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def summary_ms(seconds: list[float]) -> dict:
    return {
        "n": len(seconds),
        "p50": ms(percentile(seconds, 50)),
        "p99": ms(percentile(seconds, 99)),
        "max": ms(max(seconds)) if seconds else None,
    }


# --- the database ----------------------------------------------------------------------------------------------


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


async def stored_load(db: str) -> dict | None:
    connection = await connect(db)
    try:
        if not await connection.fetchval("SELECT to_regclass('bench_meta') IS NOT NULL"):
            return None
        return json.loads(await connection.fetchval("SELECT value FROM bench_meta WHERE key = 'load'"))
    finally:
        await connection.close()


async def prepare(db: str, args: argparse.Namespace, workdir: Path) -> dict:
    """A database holding the load asked for; returns its description (anchor time, counts, load times)."""
    wanted = {"cases": args.cases, "days": args.days, "seed": args.seed}
    if await database_exists(db):
        load = await stored_load(db)
        if load is not None and all(load.get(k) == v for k, v in wanted.items()):
            log(f"reusing {db}: {load['counts']}")
            return {**load, "reused": True}
        await drop_database(db)
    await create_database(db)
    started = time.monotonic()
    env = child_env(ROUTING_DATABASE_URL=PG_URL.format(db=db))
    await run_checked("migrate", [sys.executable, "-m", "services.db.migrate_cli", "routing_svc"], env, workdir)
    engine = make_engine(PG_URL.format(db=db), pool_size=2)
    try:
        await seed_demo_organisation(SimpleNamespace(session_factory=make_session_factory(engine)))
    finally:
        await engine.dispose()
    migrated = time.monotonic()
    anchor = datetime.now(UTC).replace(microsecond=0)
    counts, timings = await load_rows(db, anchor, args)
    load = {**wanted, "anchor": anchor.isoformat(), "counts": counts,
            "seconds": {"migrate_and_seed": round(migrated - started, 1), **timings}}  # fmt: skip
    connection = await connect(db)
    try:
        await connection.execute("CREATE TABLE bench_meta (key text PRIMARY KEY, value text NOT NULL)")
        await connection.execute("INSERT INTO bench_meta VALUES ('load', $1)", json.dumps(load))
    finally:
        await connection.close()
    return {**load, "reused": False}


COLUMNS = {
    "cases": routing_data.CASE_COLUMNS,
    "case_clocks": routing_data.CLOCK_COLUMNS,
    "case_steps": routing_data.STEP_COLUMNS,
    "case_escalations": routing_data.ESCALATION_COLUMNS,
    "supervision_orders": routing_data.ORDER_COLUMNS,
}
CHUNK = 10_000


async def load_rows(db: str, anchor: datetime, args: argparse.Namespace) -> tuple[dict, dict]:
    """COPY the generated rows with the secondary indexes dropped (rebuilt after) and FK triggers off; each worker
    process generates a chunk of cases and copies it on its own connection (no rows cross processes)."""
    connection = await connect(db)
    counts = dict.fromkeys(LOADED_TABLES, 0)
    try:
        await connection.execute("SET maintenance_work_mem = '256MB'")
        indexes = await connection.fetch(
            """SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
               FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid
               WHERE i.indrelid::regclass::text = ANY($1::text[]) AND c.oid IS NULL""",
            list(LOADED_TABLES),
        )
        for index in indexes:
            await connection.execute(f"DROP INDEX {index['name']}")
        started = time.monotonic()
        loop = asyncio.get_running_loop()
        ranges = [(first, min(first + CHUNK, args.cases)) for first in range(0, args.cases, CHUNK)]
        pool = ProcessPoolExecutor(max_workers=args.workers)
        try:
            pending = [
                loop.run_in_executor(pool, copy_chunk, db, args.cases, anchor.timestamp(), args.days, args.seed, *r)
                for r in ranges
            ]
            for done, future in enumerate(asyncio.as_completed(pending), start=1):
                for table, n in (await future).items():
                    counts[table] += n
                if done % 10 == 0 or done == len(pending):
                    log(f"loaded {counts['cases']:,} cases ({time.monotonic() - started:.0f} s)")
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        copied = time.monotonic()
        for index in indexes:
            await connection.execute(index["definition"])
        indexed = time.monotonic()
        for table in LOADED_TABLES:
            await connection.execute(f"VACUUM (ANALYZE) {table}")
        analyzed = time.monotonic()
        sizes = await connection.fetch(
            "SELECT relname, pg_total_relation_size(oid) AS bytes FROM pg_class WHERE relname = ANY($1::text[])",
            list(LOADED_TABLES),
        )
    finally:
        await connection.close()
    timings = {
        "generate_and_copy": round(copied - started, 1),
        "create_indexes": round(indexed - copied, 1),
        "vacuum_analyze": round(analyzed - indexed, 1),
    }
    counts["total_mb"] = round(sum(r["bytes"] for r in sizes) / 2**20)
    return counts, timings


def copy_chunk(db: str, count: int, now: float, days: int, seed: int, first: int, last: int) -> dict[str, int]:
    """In a worker process: generate cases `first`..`last` - 1 and COPY them (FK triggers off on this connection)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; Ctrl-C must not leave half a chunk behind
    batch = routing_data.chunk(count, now, days, seed, first, last)

    async def copy() -> dict[str, int]:
        connection = await connect(db)
        try:
            await connection.execute("SET session_replication_role = replica")
            async with connection.transaction():
                for table, rows in zip(LOADED_TABLES, _tables(batch), strict=True):
                    if rows:
                        await connection.copy_records_to_table(table, records=rows, columns=list(COLUMNS[table]))
        finally:
            await connection.close()
        return {table: len(rows) for table, rows in zip(LOADED_TABLES, _tables(batch), strict=True)}

    return asyncio.run(copy())


async def migrate_to(db: str, revision: str, workdir: Path) -> None:
    """Bring the schema to `revision` (up to head, or down to an earlier one to measure without later indexes)."""
    env = child_env(ROUTING_DATABASE_URL=PG_URL.format(db=db))
    argv = [sys.executable, "-m", "services.db.migrate_cli", "routing_svc"]
    if revision == "head":
        await run_checked("migrate-head", argv, env, workdir)
        return
    connection = await connect(db)
    try:
        current = await connection.fetchval("SELECT version_num FROM alembic_version")
    finally:
        await connection.close()
    if current != revision:
        await run_checked(f"migrate-{revision}", [*argv, "--down", "--revision", revision], env, workdir)
    for table in ("cases", "case_clocks"):
        connection = await connect(db)
        try:
            await connection.execute(f"ANALYZE {table}")
        finally:
            await connection.close()


def _tables(batch: routing_data.Batch) -> Iterator[list[tuple]]:
    yield from (batch.cases, batch.clocks, batch.steps, batch.escalations, batch.orders)


# --- the work queue ------------------------------------------------------------------------------------------


def criteria_of(filter_name: str, now: datetime) -> repository.QueueFilter:
    """What `GET /queue` builds for these query parameters (see queue_router.work_queue)."""
    if filter_name == "open":
        return repository.QueueFilter(scope=None, states=OPEN_STATES)
    if filter_name == "overdue":
        return repository.QueueFilter(scope=None, overdue_at=now)
    return repository.QueueFilter(scope=None)


def params_of(filter_name: str) -> list[tuple[str, str]]:
    if filter_name == "open":
        return [("state", state) for state in OPEN_STATES]
    if filter_name == "overdue":
        return [("due", "overdue")]
    return []


def compiled(statement) -> str:
    return str(statement.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


async def queue_scenarios(db: str) -> list[dict]:
    """Each scope × filter × page, with the cursor half-way through the matching rows for the deep page."""
    connection = await connect(db)
    scenarios = []
    try:
        for scope_name, scope in SCOPES.items():
            for filter_name in FILTERS:
                criteria = replace(criteria_of(filter_name, datetime.now(UTC)), scope=scope)
                count_sql = compiled(
                    repository._filtered(criteria).with_only_columns(repository.Case.id).order_by(None)
                )
                matching = await connection.fetchval(f"SELECT count(*) FROM ({count_sql}) AS matching")
                statement = repository._filtered(criteria).with_only_columns(repository.Case.id)
                middle = await connection.fetchval(compiled(statement.offset(matching // 2).limit(1)))
                for page, cursor in (("first", None), ("deep", middle)):
                    scenarios.append(
                        {"scope": scope_name, "filter": filter_name, "page": page, "matching": matching,
                         "cursor": None if cursor is None else encode_cursor({"id": str(cursor)})}
                    )  # fmt: skip
    finally:
        await connection.close()
    return scenarios


async def measure_queue(client: httpx.AsyncClient, base: str, tokens: dict, scenario: dict, args) -> dict:
    params = params_of(scenario["filter"]) + [("limit", "20")]
    if scenario["cursor"]:
        params.append(("cursor", scenario["cursor"]))
    headers = {"Authorization": f"Bearer {tokens[scenario['scope']]}"}
    latencies, errors, items = [], 0, None
    began = time.perf_counter()
    for i in range(args.warmup + args.requests):
        started = time.perf_counter()
        response = await client.get(f"{base}/routing/v1/queue", params=params, headers=headers)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            errors += 1
            if errors == 1:
                log(f"queue {scenario['scope']}/{scenario['filter']}: {response.status_code} {response.text[:300]}")
            continue
        if i >= args.warmup:
            latencies.append(elapsed)
        items = len(response.json()["items"])
    return {**summary_ms(latencies), "errors": errors, "items": items,
            "seconds": round(time.perf_counter() - began, 3), "requests": args.warmup + args.requests}  # fmt: skip


async def explain_queue(db: str, scenario: dict, runs: int) -> dict:
    """What PostgreSQL spends on the page: the listing (limit 21) and the clocks of its cases, by EXPLAIN ANALYZE."""
    criteria = replace(criteria_of(scenario["filter"], datetime.now(UTC)), scope=SCOPES[scenario["scope"]])
    if scenario["cursor"]:
        from services.http.pagination import cursor_uuid

        criteria = replace(criteria, after=cursor_uuid(scenario["cursor"]))
    listing = compiled(repository._filtered(criteria).limit(21))
    connection = await connect(db)
    try:
        ids = [row["id"] for row in await connection.fetch(listing)][:20]
        clocks = compiled(
            select(CaseClock).where(CaseClock.case_id.in_(ids or [None])).order_by(CaseClock.started_at, CaseClock.id)
        )
        totals, plans = [], {}
        for _ in range(runs):
            total = 0.0
            for name, sql in (("listing", listing), ("clocks", clocks)):
                plan = json.loads(await connection.fetchval(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}"))[0]
                total += plan["Planning Time"] + plan["Execution Time"]
                plans[name] = plan
            totals.append(total / 1000)
        text = "\n".join(
            r[0] for r in await connection.fetch(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) {listing}")
        )
    finally:
        await connection.close()
    return {**summary_ms(totals), "listing_plan": text, "listing_rows_removed": _removed(plans["listing"]["Plan"])}


def _removed(node: dict) -> int:
    return node.get("Rows Removed by Filter", 0) + sum(_removed(child) for child in node.get("Plans", []))


# --- the sweep -----------------------------------------------------------------------------------------------


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
        connection = await connect(db)
        try:
            due = await connection.fetchval("SELECT count(*) FROM case_clocks WHERE next_check_at <= $1", midnight)
            by_kind = "SELECT kind, count(*) FROM case_clocks WHERE next_check_at <= $1 GROUP BY kind"
            kinds = dict(await connection.fetch(by_kind, midnight))
        finally:
            await connection.close()
        batches = []
        async with undone(db, midnight):
            with CpuMeter([]) as meter:
                while True:
                    started = time.perf_counter()
                    result = await sweep_due(factory, midnight)
                    elapsed = time.perf_counter() - started
                    if result.examined == 0:
                        break
                    batches.append({
                        "seconds": round(elapsed, 3), "examined": result.examined, "reminded": result.reminded,
                        "overdue": result.overdue, "escalated": result.escalated, "supervised": result.supervised,
                        "skipped": result.skipped,
                    })  # fmt: skip
        return {
            "idle": summary_ms(idle),
            "due_at": midnight.isoformat(),
            "due": due,
            "due_by_kind": kinds,
            "batches": batches,
            "total_seconds": round(sum(b["seconds"] for b in batches), 3),
            "ms_per_clock": round(1000 * sum(b["seconds"] for b in batches) / max(1, due), 2),
            "cpu_cores": meter.cores,
        }
    finally:
        await engine.dispose()


# --- KPI -----------------------------------------------------------------------------------------------------


def kpi_period(anchor: datetime) -> str:
    """The last complete quarter before the anchor."""
    today = local_date(anchor)
    quarter = (today.month - 1) // 3  # the current quarter's index 0..3; the one before is complete
    year, quarter = (today.year, quarter) if quarter else (today.year - 1, 4)
    return f"{year}-Q{quarter}"


async def measure_kpi(client: httpx.AsyncClient, base: str, token: str, db: str, period: str, args) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    url = f"{base}/routing/v1/figures/kpi"
    http, body = [], None
    for i in range(2 + args.kpi_requests):
        started = time.perf_counter()
        response = await client.get(url, params={"period": period, "unit": DISTRICT}, headers=headers)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"KPI: {response.status_code} {response.text[:300]}")
        if i >= 2:
            http.append(elapsed)
        body = response.json()
    engine = make_engine(PG_URL.format(db=db), pool_size=1)
    principal = Principal(sub="bench", roles=frozenset({"leader"}), jurisdiction=DISTRICT)
    in_process = []
    try:
        async with make_session_factory(engine)() as session:
            for _ in range(max(5, args.kpi_requests // 2)):
                started = time.perf_counter()
                await figures.kpi(session=session, period=period, unit=DISTRICT, principal=principal, district=DISTRICT)
                in_process.append(time.perf_counter() - started)
    finally:
        await engine.dispose()
    ssd = []  # the same with random_page_cost = 1.1 (the usual setting for SSDs): PostgreSQL's default is 4
    try:
        async with make_session_factory(engine)() as session:
            await session.execute(text("SET random_page_cost = 1.1"))
            for _ in range(max(5, args.kpi_requests // 2)):
                started = time.perf_counter()
                await figures.kpi(session=session, period=period, unit=DISTRICT, principal=principal, district=DISTRICT)
                ssd.append(time.perf_counter() - started)
    finally:
        await engine.dispose()
    return {
        "http": summary_ms(http),
        "service_function": summary_ms(in_process),
        "service_function_random_page_cost_1_1": summary_ms(ssd),
        "cases_received": body["cases_received"],
        "grassroots_resolution_rate": body["grassroots_resolution_rate"]["value"],
    }


# --- the run -------------------------------------------------------------------------------------------------


async def run(args: argparse.Namespace) -> dict:
    db = args.keep_db or f"bench_routing_{secrets.token_hex(4)}"
    workdir = Path(tempfile.mkdtemp(prefix="bench-routing-"))
    procs, failed = [], True
    result: dict = {"timestamp": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"), "machine": report.machine_info()}
    result["parameters"] = {k: v for k, v in vars(args).items() if k != "keep_db"} | {
        "database_kept": bool(args.keep_db)
    }
    try:
        result["other_cpu_before"] = await background_load()
        log(f"database {db}; CPU before start: {result['other_cpu_before']}")
        load = await prepare(db, args, workdir)
        result["load"] = load
        if args.load_only:
            failed = False
            return result
        await migrate_to(db, args.schema_revision, workdir)
        result["schema_revision"] = args.schema_revision
        anchor = datetime.fromisoformat(load["anchor"])
        port = free_port()
        env = child_env(ROUTING_DATABASE_URL=PG_URL.format(db=db), ROUTING_SCHEDULER_ENABLED="false",
                        ROUTING_DB_POOL_SIZE="5")  # fmt: skip
        procs.append(start_process("routing", uvicorn_argv("routing_svc.main:create_app", port), env, workdir))
        base = f"http://127.0.0.1:{port}"
        await wait_ready([f"{base}/routing/readyz"], procs)
        settings = RoutingSettings()
        tokens = {
            name: issue_token(settings=settings, sub=f"bench-{name}", roles=["handler"], jurisdiction=code)
            for name, (_, code) in SCOPES.items()
        }
        leader = issue_token(settings=settings, sub="bench-leader", roles=["leader"], jurisdiction=DISTRICT)
        scenarios = await queue_scenarios(db)
        period = kpi_period(anchor)
        rounds = []
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(limits=limits, timeout=60) as client:
            for number in range(1, args.rounds + 1):
                log(f"round {number}/{args.rounds}")
                one: dict = {"queue": [], "cpu": {}}
                for scenario in scenarios:
                    with CpuMeter([procs[0].popen.pid]) as meter:
                        http = await measure_queue(client, base, tokens, scenario, args)
                    in_db = await explain_queue(db, scenario, args.explains)
                    plan = in_db.pop("listing_plan")
                    http["service_cpu_ms_per_request"] = round(
                        1000 * meter.cores.get("services", 0) * http["seconds"] / http["requests"], 2
                    )
                    one["queue"].append({**{k: scenario[k] for k in ("scope", "filter", "page", "matching")},
                                         "http": http, "in_db": in_db, "cpu_cores": meter.cores})  # fmt: skip
                    if number == 1:
                        scenario["plan"] = plan
                    log(f"  queue {scenario['scope']:9} {scenario['filter']:7} {scenario['page']:5} "
                        f"http p50 {http['p50']} p99 {http['p99']} ms, in db p50 {in_db['p50']} p99 {in_db['p99']} ms, "
                        f"other {meter.cores.get('other')}")  # fmt: skip
                one["sweep"] = await measure_sweeps(db, anchor, args)
                log(f"  sweep idle p50 {one['sweep']['idle']['p50']} ms; {one['sweep']['due']} due: "
                    f"{[b['seconds'] for b in one['sweep']['batches']]} s per batch")  # fmt: skip
                with CpuMeter([procs[0].popen.pid]) as meter:
                    one["kpi"] = await measure_kpi(client, base, leader, db, period, args)
                one["kpi"]["cpu_cores"] = meter.cores
                log(f"  kpi {period}: http p50 {one['kpi']['http']['p50']} p99 {one['kpi']['http']['p99']} ms")
                rounds.append(one)
        result["rounds"] = rounds
        result["plans"] = {f"{s['scope']}/{s['filter']}/{s['page']}": s.get("plan") for s in scenarios}
        result["kpi_period"] = period
        result["summary"] = summarize(rounds)
        failed = False
        return result
    finally:
        stop_processes(procs)
        if not args.keep_db:
            await drop_database(db)
        if failed:
            log(f"failed; logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def _median(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 2) if values else None


def summarize(rounds: list[dict]) -> dict:
    """Medians over the rounds of each round's p50 and p99, and the ratio of the p99 to its target."""
    queue = []
    for i, first in enumerate(rounds[0]["queue"]):
        runs = [r["queue"][i] for r in rounds]
        p99 = _median([q["http"]["p99"] for q in runs])
        queue.append({
            **{k: first[k] for k in ("scope", "filter", "page", "matching")},
            "http_p50": _median([q["http"]["p50"] for q in runs]), "http_p99": p99,
            "db_p50": _median([q["in_db"]["p50"] for q in runs]), "db_p99": _median([q["in_db"]["p99"] for q in runs]),
            "ratio_to_target": round(p99 / TARGETS_MS["queue_p99"], 2) if p99 is not None else None,
            "errors": sum(q["http"]["errors"] for q in runs),
        })  # fmt: skip
    sweeps = [r["sweep"] for r in rounds]
    batch = _median([max((b["seconds"] for b in s["batches"]), default=0) * 1000 for s in sweeps])
    kpi_p99 = _median([r["kpi"]["http"]["p99"] for r in rounds])
    return {
        "queue": queue,
        "queue_worst_p99": max((q["http_p99"] or 0) for q in queue),
        "sweep": {
            "idle_p50": _median([s["idle"]["p50"] for s in sweeps]),
            "idle_p99": _median([s["idle"]["p99"] for s in sweeps]),
            "due": sweeps[0]["due"],
            "slowest_batch_ms": batch,
            "total_ms": _median([s["total_seconds"] * 1000 for s in sweeps]),
            "ms_per_clock": _median([s["ms_per_clock"] for s in sweeps]),
            "ratio_to_target": round(batch / TARGETS_MS["sweep"], 2) if batch is not None else None,
        },
        "kpi": {
            "http_p50": _median([r["kpi"]["http"]["p50"] for r in rounds]),
            "http_p99": kpi_p99,
            "service_p50": _median([r["kpi"]["service_function"]["p50"] for r in rounds]),
            "service_p99": _median([r["kpi"]["service_function"]["p99"] for r in rounds]),
            "service_rpc_1_1_p50": _median([r["kpi"]["service_function_random_page_cost_1_1"]["p50"] for r in rounds]),
            "service_rpc_1_1_p99": _median([r["kpi"]["service_function_random_page_cost_1_1"]["p99"] for r in rounds]),
            "ratio_to_target": round(kpi_p99 / TARGETS_MS["kpi"], 2) if kpi_p99 is not None else None,
        },
    }


def markdown(result: dict) -> str:
    s, load = result["summary"], result["load"]
    lines = [
        f"# Routing benchmark ({result['timestamp']})",
        "",
        f"{load['cases']:,} cases over {load['days']} days (anchor {load['anchor']}), rows: "
        + ", ".join(f"{k} {v:,}" for k, v in load["counts"].items() if k != "total_mb")
        + f"; {load['counts']['total_mb']:,} MB. Machine: {result['machine']['nproc']} cores, "
        f"CPU used by others before the start: {result['other_cpu_before'].get('other')} cores. "
        f"{len(result['rounds'])} rounds; figures are medians over the rounds of each round's p50/p99.",
        "",
        f"## Work queue `GET /routing/v1/queue` (target p99 < {TARGETS_MS['queue_p99']:.0f} ms), limit 20",
        "",
        "| scope | filter | page | matching | HTTP p50 ms | HTTP p99 ms | p99 / target | in DB p50 ms | in DB p99 ms |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for q in s["queue"]:
        lines.append(
            f"| {q['scope']} | {q['filter']} | {q['page']} | {q['matching']:,} | {q['http_p50']} | {q['http_p99']} | "
            f"{q['ratio_to_target']} | {q['db_p50']} | {q['db_p99']} |"
        )
    sw, kpi = s["sweep"], s["kpi"]
    lines += [
        "",
        f"## Deadline sweep `sweep_due` (target < {TARGETS_MS['sweep']:.0f} ms)",
        "",
        f"- nothing due: p50 {sw['idle_p50']} ms, p99 {sw['idle_p99']} ms",
        f"- at the next local midnight: {sw['due']:,} clocks due; "
        f"slowest batch (up to 500 clocks) {sw['slowest_batch_ms']} ms "
        f"(ratio {sw['ratio_to_target']}), all of them {sw['total_ms']} ms, {sw['ms_per_clock']} ms per clock",
        "",
        f"## KPI `GET /routing/v1/figures/kpi?period={result['kpi_period']}&unit={DISTRICT}` "
        f"(target < {TARGETS_MS['kpi']:.0f} ms)",
        "",
        f"- HTTP p50 {kpi['http_p50']} ms, p99 {kpi['http_p99']} ms (ratio {kpi['ratio_to_target']}); "
        f"service function p50 {kpi['service_p50']} ms, p99 {kpi['service_p99']} ms; "
        f"with random_page_cost = 1.1: p50 {kpi['service_rpc_1_1_p50']} ms, p99 {kpi['service_rpc_1_1_p99']} ms",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    args = parse_args()
    signal.signal(signal.SIGTERM, _interrupt)  # clean up (drop the database, stop the service) on SIGTERM too
    result = asyncio.run(run(args))
    if args.load_only:
        print(json.dumps(result["load"], indent=2))
        return
    report.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = report.RESULTS_DIR / f"routing-cases-{result['timestamp']}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n")
    (report.RESULTS_DIR / "routing-cases.md").write_text(markdown(result))
    print(markdown(result))
    print(f"written {path}")


def _interrupt(*_args) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    main()
