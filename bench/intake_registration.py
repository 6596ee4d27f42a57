"""Intake registration benchmark: ``POST /intake/v1/petitions`` with repeat detection over 100,000 earlier petitions.

    .venv/bin/python bench/intake_registration.py [--petitions 100000] [--rounds 3] [--duration 20] [--clients 32]

Creates a scratch PostgreSQL database for intake (migrated) and one for the bare baseline, and a scratch RabbitMQ
namespace; bulk-loads ``--petitions`` earlier petitions with their petitioners (rows as intake stores them: ID number
and phone encrypted and hashed with intake's own ``PetitionerCrypto``, signatures from intake's ``similarity``);
starts intake (uvicorn, RabbitMQ bus, outbox relay running; no routing) and ``bare_app.py``; alternates closed-loop
phases of ``--clients`` clients on both, ``--rounds`` times, with varied bodies (``intake_data.Bodies``); then times
the repeat check alone in-process (``checks.screen`` and its parts) over the same data. Everything is removed at the
end, also on failure or Ctrl-C. See bench/README.md.
"""

import argparse
import asyncio
import json
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx
import intake_data
import report
from cpu import CpuMeter, wait_quiet
from loadgen import ConnectionPool, closed_loop, ms, percentile
from procs import (
    PG_URL,
    child_env,
    free_port,
    rabbit_namespace,
    run_checked,
    scratch_databases,
    start_process,
    stop_processes,
    uvicorn_argv,
    wait_ready,
)
from skeleton import bare_process, log_diagnostics, mint_token, wait_for_idle_machine

from intake_api.config import IntakeSettings
from intake_api.petitioners import repository as petitioners_repository
from intake_api.petitioners.crypto import PetitionerCrypto
from intake_api.petitioners.models import Petitioner
from intake_api.petitions import checks, similarity
from intake_api.petitions import repository as petitions_repository
from intake_api.petitions.schemas import PetitionCreate
from services.ids import uuid7

RATIO_TARGET = 0.4
CHECK_P99_TARGET_MS = 20.0
RESULT_NAME = "intake-registration"
PG_DSN = "postgresql://postgres@127.0.0.1:5432/{db}"
EARLIER_BUCKETS = ((0, 0), (1, 2), (3, 5), (6, 10), (11, 20), (21, 10**6))


class VariedTarget:
    """A ``loadgen.PostTarget`` whose body is the next of ``bodies`` on every request."""

    def __init__(self, pool: ConnectionPool, url: str, headers: dict[str, str], bodies: intake_data.Bodies) -> None:
        self.pool, self.url, self.headers, self._bodies = pool, url, headers, bodies

    @property
    def body(self) -> dict:
        return self._bodies.next()


# -- data -------------------------------------------------------------------------------------------------------


async def bulk_load(database: str, data: intake_data.Dataset) -> dict:
    started = time.monotonic()
    connection = await asyncpg.connect(PG_DSN.format(db=database))
    try:
        async with connection.transaction():
            await connection.copy_records_to_table(
                "petitioners", records=data.petitioner_rows, columns=intake_data.PETITIONER_COLUMNS
            )
            await connection.copy_records_to_table(
                "petitions", records=data.petition_rows, columns=intake_data.PETITION_COLUMNS
            )
            await connection.copy_records_to_table(
                "petition_timeline", records=data.timeline_rows, columns=intake_data.TIMELINE_COLUMNS
            )
        await connection.execute("ANALYZE petitioners; ANALYZE petitions; ANALYZE petition_timeline")
    finally:
        await connection.close()
    counts = Counter(len(p.matters) for p in data.people)
    return {
        "petitions": len(data.petition_rows),
        "petitioners": len(data.people),
        "petitioners_by_earlier_count": dict(sorted(counts.items())),
        "pool_matters": len(data.pool),
        "load_seconds": round(time.monotonic() - started, 1),
    }


async def outcomes(database: str) -> dict:
    connection = await asyncpg.connect(PG_DSN.format(db=database))
    try:
        rows = await connection.fetch(
            "SELECT outcome, coalesce(reason, '') AS reason, count(*) AS n FROM petitions "
            "WHERE registered_by = 'bench' GROUP BY 1, 2 ORDER BY 3 DESC"
        )
        pending = await connection.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")
        published = await connection.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NOT NULL")
    finally:
        await connection.close()
    return {
        "registered_by_outcome": {f"{r['outcome']}{'/' + r['reason'] if r['reason'] else ''}": r["n"] for r in rows},
        "outbox_published": published,
        "outbox_pending_at_end": pending,
    }


# -- load phases ------------------------------------------------------------------------------------------------


async def phase(url: str, headers: dict, pids: list[int], bodies: intake_data.Bodies, args) -> dict:
    pool = ConnectionPool()
    try:
        target = VariedTarget(pool, url, headers, bodies)
        await closed_loop(target, clients=args.clients, seconds=args.warmup)
        with CpuMeter(pids) as cpu:
            result = await closed_loop(target, clients=args.clients, seconds=args.duration)
    finally:
        await pool.aclose()
    return {**result.summary(), "cpu_cores": cpu.cores}


async def load_rounds(data: intake_data.Dataset, intake_db: str, bare_db: str, namespace: str, workdir: Path, args):
    env = child_env(
        INTAKE_DATABASE_URL=PG_URL.format(db=intake_db),
        INTAKE_BUS="rabbitmq",
        INTAKE_BUS_NAMESPACE=namespace,
        INTAKE_DEMO_DATA="true",  # the reference copies (districts, catalogue) routing would publish
        INTAKE_ATTACHMENTS_DIR=str(workdir / "attachments"),
    )
    port = free_port()
    intake = start_process("intake", uvicorn_argv("intake_api.main:create_app", port), env, workdir)
    rounds, kinds, earlier = [], Counter(), Counter()
    try:
        await wait_ready([f"http://127.0.0.1:{port}/intake/readyz"], [intake])
        headers = {"Authorization": f"Bearer {mint_token()}"}
        url = f"http://127.0.0.1:{port}/intake/v1/petitions"
        async with bare_process(workdir, PG_URL.format(db=bare_db)) as bare:
            for number in range(args.rounds):
                print(f"round {number + 1}/{args.rounds}: intake ...", flush=True)
                await wait_quiet([intake.popen.pid, *bare.pids])
                bodies = intake_data.Bodies(data, seed=1000 + number)
                profiler = start_profiler(args, intake.popen.pid, workdir) if number == 0 else None
                intake_result = await phase(url, headers, [intake.popen.pid], bodies, args)
                if profiler is not None:
                    await asyncio.to_thread(profiler.wait, 60)
                kinds.update(bodies.kinds)
                earlier.update(bodies.earlier)
                print(f"  intake {intake_result['rps']}/s p99 {intake_result['latency_ms']['p99']} ms", flush=True)
                await wait_quiet([intake.popen.pid, *bare.pids])
                print(f"round {number + 1}/{args.rounds}: bare ...", flush=True)
                bare_result = await phase(
                    bare.post_url, {}, bare.pids, intake_data.Bodies(data, seed=2000 + number), args
                )
                print(f"  bare {bare_result['rps']}/s p99 {bare_result['latency_ms']['p99']} ms", flush=True)
                ratio = round(intake_result["rps"] / bare_result["rps"], 3) if bare_result["rps"] else None
                rounds.append({"intake": intake_result, "bare": bare_result, "ratio": ratio})
        await wait_quiet([intake.popen.pid])  # let the relay publish what is left
        diagnostics = log_diagnostics([intake])
    finally:
        stop_processes([intake])
    load = {"request_kinds": dict(kinds), "known_petitioners_by_earlier_count": dict(sorted(earlier.items()))}
    return rounds, load, diagnostics


def start_profiler(args, pid: int, workdir: Path) -> subprocess.Popen | None:
    """``--py-spy PATH``: sample intake during the first measured phase into ``intake-profile.txt`` (collapsed
    stacks, for ``flamegraph.pl`` or speedscope) in the work directory, which is then kept."""
    if not args.py_spy:
        return None
    args.keep_workdir = True
    out = workdir / "intake-profile.txt"
    argv = [args.py_spy, "record", "-p", str(pid), "-d", str(int(args.warmup + args.duration)), "-f", "raw"]
    print(f"profiling intake into {out}", flush=True)
    return subprocess.Popen([*argv, "-o", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


# -- the repeat check alone -------------------------------------------------------------------------------------


async def time_repeat_check(data: intake_data.Dataset, database: str, samples: int) -> dict:
    """``checks.screen`` (signature + the earlier-petitions query + comparison + decision) called in-process, one
    at a time, on the loaded database; then each part alone on the same request."""
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    settings = IntakeSettings(database_url=PG_URL.format(db=database))
    crypto = PetitionerCrypto.from_settings(settings)
    engine = create_async_engine(settings.database_url, pool_size=2, max_overflow=0)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    bodies = intake_data.Bodies(data, seed=3000)
    rows: list[dict] = []
    similarity.warm_up()
    try:
        for _ in range(samples):
            request = PetitionCreate.model_validate(bodies.next())
            async with sessions() as session:
                petitioner = await petitioners_repository.by_id_hash(
                    session, crypto.id_hash(request.petitioner.id_number)
                )
                known = petitioner is not None
                petitioner = petitioner or Petitioner(id=uuid7())
                started = time.perf_counter()
                screened = await checks.screen(
                    session=session, request=request, petitioner=petitioner, known=known,
                    tracking_no="2026-320599-000000", settings=settings,
                )  # fmt: skip
                total = time.perf_counter() - started
                started = time.perf_counter()
                candidate = similarity.signature(request.content)
                signed = time.perf_counter() - started
                started = time.perf_counter()
                earlier = await petitions_repository.earlier_of(session, petitioner.id) if known else []
                queried = time.perf_counter() - started
                started = time.perf_counter()
                checks.similar_earlier(candidate, earlier, threshold=settings.repeat_threshold)
                compared = time.perf_counter() - started
            rows.append(
                {
                    "earlier": len(earlier),
                    "chars": len(request.content),
                    "total": total,
                    "signature": signed,
                    "query": queried,
                    "compare": compared,
                    "outcome": screened.decision.outcome,
                }
            )
    finally:
        await engine.dispose()
    return check_summary(rows)


def check_summary(rows: list[dict]) -> dict:
    def stats(values: list[float]) -> dict:
        return {"p50": ms(percentile(values, 50)), "p99": ms(percentile(values, 99)), "max": ms(max(values))}

    by_bucket = {}
    for low, high in EARLIER_BUCKETS:
        chosen = [r for r in rows if low <= r["earlier"] <= high]
        if chosen:
            name = str(low) if low == high else f"{low}-{high}" if high < 10**6 else f">{low - 1}"
            by_bucket[name] = {"n": len(chosen), "total_ms": stats([r["total"] for r in chosen])}
    long_texts = [r["signature"] for r in rows if r["chars"] >= 600]
    return {
        "samples": len(rows),
        "total_ms": stats([r["total"] for r in rows]),
        "parts_ms": {part: stats([r[part] for r in rows]) for part in ("signature", "query", "compare")},
        "signature_ms_texts_600_plus_chars": stats(long_texts) if long_texts else None,
        "by_earlier_count": by_bucket,
        "outcomes": dict(Counter(r["outcome"] for r in rows)),
        "content_chars": {"p50": percentile([r["chars"] for r in rows], 50), "max": max(r["chars"] for r in rows)},
    }


# -- result -----------------------------------------------------------------------------------------------------


def median_of(rounds: list[dict], side: str, key: str) -> float | None:
    values = [r[side][key] if key == "rps" else r[side]["latency_ms"][key] for r in rounds]
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 1) if values else None


def build_result(args, machine: dict, dataset: dict, rounds: list[dict], load: dict, check: dict, extra: dict) -> dict:
    ratios = [r["ratio"] for r in rounds if r["ratio"] is not None]
    ratio = round(statistics.median(ratios), 3) if ratios else None
    check_p99 = check["total_ms"]["p99"]
    return {
        "name": RESULT_NAME,
        "timestamp": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
        "machine": machine,
        "parameters": {
            "petitions_preloaded": args.petitions,
            "rounds": args.rounds,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "clients": args.clients,
            "check_samples": args.check_samples,
            "http_client": f"httpx {httpx.__version__}: one AsyncClient per keep-alive connection (see loadgen.py)",
        },
        "dataset": dataset,
        "load": load,
        "rounds": rounds,
        "median": {
            "intake_rps": median_of(rounds, "intake", "rps"),
            "intake_p50_ms": median_of(rounds, "intake", "p50"),
            "intake_p99_ms": median_of(rounds, "intake", "p99"),
            "bare_rps": median_of(rounds, "bare", "rps"),
            "bare_p99_ms": median_of(rounds, "bare", "p99"),
            "ratio": ratio,
        },
        "repeat_check": check,
        **extra,
        "targets": {
            "ratio_min": RATIO_TARGET,
            "ratio_met": ratio is not None and ratio >= RATIO_TARGET,
            "repeat_check_p99_max_ms": CHECK_P99_TARGET_MS,
            "repeat_check_met": check_p99 is not None and check_p99 < CHECK_P99_TARGET_MS,
        },
    }


def table(result: dict) -> str:
    m, c, t = result["median"], result["repeat_check"], result["targets"]
    lines = [f"== intake registration ({result['timestamp']}; {result['dataset']['petitions']} petitions preloaded)"]
    for i, r in enumerate(result["rounds"], start=1):
        lines.append(
            f"round {i}: intake {r['intake']['rps']}/s (p50 {r['intake']['latency_ms']['p50']} / p99 "
            f"{r['intake']['latency_ms']['p99']} ms, {r['intake']['errors']} errors)  bare {r['bare']['rps']}/s "
            f"(p99 {r['bare']['latency_ms']['p99']} ms)  ratio {r['ratio']}"
        )
        lines.append(f"  cpu intake phase: {r['intake']['cpu_cores']}")
    lines.append(
        f"median: intake {m['intake_rps']}/s p99 {m['intake_p99_ms']} ms; bare {m['bare_rps']}/s; ratio {m['ratio']} "
        f"(target >= {t['ratio_min']}: {'MET' if t['ratio_met'] else 'NOT MET'})"
    )
    lines.append(
        f"repeat check alone ({c['samples']} in-process calls): p50 {c['total_ms']['p50']} ms, p99 "
        f"{c['total_ms']['p99']} ms (target < {t['repeat_check_p99_max_ms']}: "
        f"{'MET' if t['repeat_check_met'] else 'NOT MET'}); parts {json.dumps(c['parts_ms'])}"
    )
    return "\n".join(lines)


# -- command line -----------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--petitions", type=int, default=100_000, help="earlier petitions bulk-loaded")
    parser.add_argument("--pool", type=int, default=intake_data.POOL_SIZE, help="distinct generated matters")
    parser.add_argument("--rounds", type=int, default=3, help="intake/bare phase pairs")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per measured phase")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of warm-up before each phase")
    parser.add_argument("--clients", type=int, default=32, help="closed-loop concurrent clients")
    parser.add_argument("--check-samples", type=int, default=2000, help="in-process repeat checks timed")
    parser.add_argument("--max-wait-idle", type=float, default=60.0, help="seconds to wait for a quiet machine")
    parser.add_argument("--py-spy", help="path of a py-spy binary: profile intake in the first round")
    parser.add_argument("--keep-workdir", action="store_true", help="keep the temp dir with the processes' logs")
    return parser.parse_args(argv)


async def main_async(args: argparse.Namespace) -> int:
    main_task = asyncio.current_task()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main_task.cancel)
    tag = secrets.token_hex(4)
    intake_db, bare_db, namespace = f"bench_intake_{tag}", f"bench_bare_{tag}", f"bench-{tag}"
    workdir = Path(tempfile.mkdtemp(prefix="bench-intake-"))
    try:
        machine = report.machine_info()
        async with scratch_databases([intake_db, bare_db]), rabbit_namespace(namespace):
            env = child_env(INTAKE_DATABASE_URL=PG_URL.format(db=intake_db))
            argv = [sys.executable, "-m", "services.db.migrate_cli", "intake_api"]
            await run_checked("migrate-intake", argv, env, workdir)
            print(f"signing {args.pool} generated matters ...", flush=True)
            started = time.monotonic()
            pool = await asyncio.to_thread(intake_data.build_pool, args.pool)
            signing_s = round(time.monotonic() - started, 1)
            crypto = PetitionerCrypto.from_settings(IntakeSettings())
            data = intake_data.build_dataset(pool, petitions=args.petitions, crypto=crypto)
            dataset = await bulk_load(intake_db, data)
            dataset["pool_signing_seconds"] = signing_s
            print(f"loaded {dataset}", flush=True)
            machine["background_cpu_cores_before"] = await wait_for_idle_machine("intake", args.max_wait_idle)
            rounds, load, diagnostics = await load_rounds(data, intake_db, bare_db, namespace, workdir, args)
            print("timing the repeat check in-process ...", flush=True)
            check = await time_repeat_check(data, intake_db, args.check_samples)
            extra = {"database_after": await outcomes(intake_db), "log_markers": diagnostics}
        result = build_result(args, machine, dataset, rounds, load, check, extra)
    except BaseException:
        args.keep_workdir = True
        print(f"failed; logs kept in {workdir}", file=sys.stderr)
        raise
    finally:
        if not args.keep_workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    report.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = report.RESULTS_DIR / f"{RESULT_NAME}-{result['timestamp']}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(table(result))
    print(f"wrote {path}; logs {'kept in ' + str(workdir) if args.keep_workdir else 'removed'}")
    return 0


def main() -> int:
    try:
        return asyncio.run(main_async(parse_args()))
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("interrupted; processes stopped and scratch databases/namespace removed", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
