"""Routing benchmark: a unit's work queue, the deadline sweep and the KPI query over a million cases on PostgreSQL.

    .venv/bin/python bench/routing_cases.py [--cases 1000000] [--rounds 3] [--requests 200] [--keep-db NAME]
                                            [--sweep-only]

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
import json
import secrets
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import httpx
import report
import routing_data
from cpu import CpuMeter, background_load
from procs import PG_URL, child_env, free_port, run_checked, start_process, stop_processes, uvicorn_argv, wait_ready
from routing_common import (
    DISTRICT,
    FILTERS,
    LOADED_TABLES,
    OPEN_STATES,
    SCOPES,
    connect,
    database_exists,
    log,
    summary_ms,
)
from routing_kpi import kpi_period, measure_kpi
from routing_report import markdown, summarize, with_history
from routing_sweeps import measure_sweeps
from sqlalchemy import select
from sqlalchemy.dialects import postgresql

from routing_svc.cases import repository
from routing_svc.cases.models import CaseClock
from routing_svc.config import RoutingSettings
from routing_svc.demo import seed_demo_organisation
from services.db.engine import make_engine, make_session_factory
from services.http.auth import issue_token
from services.http.pagination import encode_cursor
from services.testing import create_database, drop_database


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
    parser.add_argument(
        "--late-days", type=int, default=7, help="also sweep this many days after the next midnight (0: not)"
    )
    parser.add_argument("--keep-db", metavar="NAME", help="load into (or reuse) this database and keep it")
    parser.add_argument("--sweep-only", action="store_true", help="measure the deadline sweeps only (no service)")
    parser.add_argument("--load-only", action="store_true", help="prepare the database and stop (with --keep-db)")
    parser.add_argument("--workers", type=int, default=3, help="processes that generate the rows")
    args = parser.parse_args()
    if args.keep_db and not args.keep_db.startswith("bench_"):
        parser.error("--keep-db: the name must start with bench_ (scratch databases are bench_*)")
    return args


# --- the database ----------------------------------------------------------------------------------------------


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


async def migrate_to_head(db: str, workdir: Path) -> None:
    """A reused database gets the migrations added since it was loaded."""
    env = child_env(ROUTING_DATABASE_URL=PG_URL.format(db=db))
    await run_checked("migrate-head", [sys.executable, "-m", "services.db.migrate_cli", "routing_svc"], env, workdir)


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
        running = CaseClock.case_id.in_(ids or [None]), CaseClock.stopped_at.is_(None)  # as `views.case_views` reads
        clocks = compiled(select(CaseClock).where(*running).order_by(CaseClock.started_at, CaseClock.id))
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
        await migrate_to_head(db, workdir)
        anchor = datetime.fromisoformat(load["anchor"])
        if args.sweep_only:
            result["rounds"] = [{"sweep": await measure_sweeps(db, anchor, args)} for _ in range(args.rounds)]
            result["summary"] = summarize(result["rounds"])
            failed = False
            return result
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
    summary = report.RESULTS_DIR / "routing-cases.md"
    summary.write_text(with_history(markdown(result), summary))
    print(markdown(result))
    print(f"written {path}")


def _interrupt(*_args) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    main()
