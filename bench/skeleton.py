"""Skeleton benchmark: petition throughput, delay to the receipt notification, and a bare-FastAPI baseline.

    .venv/bin/python bench/skeleton.py [--mode embedded|distributed|both] [--duration 20] [--clients 32] [--rate 100]

Per mode: start the skeleton (embedded: one process on SQLite; distributed: four uvicorn processes on scratch
PostgreSQL databases and a scratch RabbitMQ namespace), measure the delay to notification at a fixed open-loop
rate, then throughput with a closed loop of clients; stop it; start ``bare_app.py`` on the same kind of database
and drive it with the same loop. Everything runs on 127.0.0.1 and is removed at the end, also on Ctrl-C.
See bench/README.md.
"""

import argparse
import asyncio
import contextlib
import itertools
import secrets
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import report
from cpu import CpuMeter, background_load, wait_quiet
from loadgen import ConnectionPool, closed_loop, ms, open_loop, percentile
from notify_poller import NotificationWatcher
from procs import (
    PG_URL,
    Proc,
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

from intake_api.petitions.schemas import EXAMPLE
from services.pii import id_check_digit

BENCH_DIR = Path(__file__).resolve().parent
BODY = dict(EXAMPLE)
# (package, env prefix, name = URL prefix); consumers first so their queues are bound before intake publishes.
SERVICES = (
    ("routing_svc", "ROUTING_", "routing"),
    ("notify_svc", "NOTIFY_", "notify"),
    ("screening_svc", "SCREENING_", "screening"),
    ("intake_api", "INTAKE_", "intake"),
)
ROLES = ["reception", "admin"]
JURISDICTION = "320599"
RATIO_TARGET = 0.5
DELAY_P99_TARGET_MS = 1000
IDLE_BUSY_CORES = 0.3
MAX_SEND_LAG_MS = 100
LOG_MARKERS = ("handler failed", "outbox relay failed", "Traceback", "duplicate event ignored")


class FreshPetitionerTarget:
    """A ``loadgen.PostTarget`` sending ``BODY`` with a new valid ID number each time. Since repeat detection
    (issue 3) the same petitioner with the same content is a repeat or "in process below" (no receipt notice), so
    one fixed body would measure the repeat path and leave the delay phase without receipts."""

    _numbers = itertools.count()

    def __init__(self, pool: ConnectionPool, url: str, headers: dict[str, str]) -> None:
        self.pool, self.url, self.headers = pool, url, headers

    @property
    def body(self) -> dict:
        n = next(self._numbers)
        first17 = f"320502{date(1950, 1, 1) + timedelta(days=n // 1000):%Y%m%d}{n % 1000:03d}"
        return {**BODY, "petitioner": {**BODY["petitioner"], "id_number": first17 + id_check_digit(first17)}}


@dataclass
class Target:
    post_url: str
    headers: dict[str, str]
    notifications_url: str | None = None
    procs: list[Proc] = field(default_factory=list)

    @property
    def pids(self) -> list[int]:
        return [proc.popen.pid for proc in self.procs]


# -- what runs -------------------------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def embedded_skeleton(workdir: Path) -> AsyncIterator[Target]:
    port = free_port()
    env = child_env(PORT=str(port), XINFANG_DATA_DIR=str(workdir / "data"))
    proc = start_process("embedded", [sys.executable, "-m", "services.embedded"], env, workdir)
    try:
        base = f"http://127.0.0.1:{port}"
        await wait_ready([f"{base}/intake/readyz", f"{base}/notify/readyz"], [proc])
        headers = {"Authorization": f"Bearer {await dev_token(base)}"}
        yield Target(f"{base}/intake/v1/petitions", headers, f"{base}/notify/v1/notifications", [proc])
    finally:
        stop_processes([proc])


async def dev_token(base: str) -> str:
    body = {"sub": "bench", "roles": ROLES, "jurisdiction": JURISDICTION}
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(f"{base}/auth/dev-token", json=body)
    response.raise_for_status()
    return response.json()["access_token"]


@contextlib.asynccontextmanager
async def distributed_skeleton(workdir: Path, tag: str) -> AsyncIterator[Target]:
    namespace = f"bench-{tag}"
    databases = {name: f"bench_{name}_{tag}" for _, _, name in SERVICES}
    envs = {name: service_env(prefix, databases[name], namespace) for _, prefix, name in SERVICES}
    async with scratch_databases(list(databases.values())), rabbit_namespace(namespace):
        for package, _, name in SERVICES:
            argv = [sys.executable, "-m", "services.db.migrate_cli", package]
            await run_checked(f"migrate-{name}", argv, envs[name], workdir)
        async with distributed_processes(workdir, envs) as (ports, procs):
            headers = {"Authorization": f"Bearer {mint_token()}"}
            intake, notify = f"http://127.0.0.1:{ports['intake']}", f"http://127.0.0.1:{ports['notify']}"
            yield Target(f"{intake}/intake/v1/petitions", headers, f"{notify}/notify/v1/notifications", procs)


def service_env(prefix: str, database: str, namespace: str) -> dict[str, str]:
    settings = {"DATABASE_URL": PG_URL.format(db=database), "BUS": "rabbitmq", "BUS_NAMESPACE": namespace}
    if prefix == "ROUTING_":
        settings["DEMO_DATA"] = "true"  # the jurisdictions embedded mode seeds, so cases go to the community
    return child_env(**{prefix + key: value for key, value in settings.items()})


@contextlib.asynccontextmanager
async def distributed_processes(workdir: Path, envs: dict[str, dict]) -> AsyncIterator[tuple[dict, list[Proc]]]:
    ports = {name: free_port() for _, _, name in SERVICES}
    procs: list[Proc] = []
    try:
        for package, _, name in SERVICES:
            argv = uvicorn_argv(f"{package}.main:create_app", ports[name])
            procs.append(start_process(name, argv, envs[name], workdir))
        await wait_ready([f"http://127.0.0.1:{ports[name]}/{name}/readyz" for _, _, name in SERVICES], procs)
        yield ports, procs
    finally:
        stop_processes(procs)


def mint_token() -> str:
    from intake_api.config import IntakeSettings
    from services.http.auth import issue_token

    return issue_token(settings=IntakeSettings(), sub="bench", roles=ROLES, jurisdiction=JURISDICTION)


@contextlib.asynccontextmanager
async def bare_server(mode: str, workdir: Path, tag: str) -> AsyncIterator[Target]:
    if mode == "embedded":
        async with bare_process(workdir, f"sqlite+aiosqlite:///{workdir / 'bare.sqlite3'}") as target:
            yield target
        return
    database = f"bench_bare_{tag}"
    async with scratch_databases([database]), bare_process(workdir, PG_URL.format(db=database)) as target:
        yield target


@contextlib.asynccontextmanager
async def bare_process(workdir: Path, database_url: str) -> AsyncIterator[Target]:
    port = free_port()
    argv = uvicorn_argv("bare_app:create_app", port, "--app-dir", str(BENCH_DIR))
    proc = start_process("bare", argv, child_env(BARE_DATABASE_URL=database_url), workdir)
    try:
        await wait_ready([f"http://127.0.0.1:{port}/readyz"], [proc])
        yield Target(f"http://127.0.0.1:{port}/petitions", {}, None, [proc])
    finally:
        stop_processes([proc])


# -- measurements ----------------------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def connection_pool() -> AsyncIterator[ConnectionPool]:
    pool = ConnectionPool()
    try:
        yield pool
    finally:
        await pool.aclose()


async def measure_throughput(target: Target, args: argparse.Namespace) -> dict:
    async with connection_pool() as pool:
        post = FreshPetitionerTarget(pool, target.post_url, target.headers)
        await closed_loop(post, clients=args.clients, seconds=args.warmup)
        with CpuMeter(target.pids) as cpu:
            result = await closed_loop(post, clients=args.clients, seconds=args.duration)
    return {**result.summary(), "cpu_cores": cpu.cores}


async def measure_delay(target: Target, args: argparse.Namespace) -> dict:
    created: dict[str, float] = {}
    async with connection_pool() as pool, httpx.AsyncClient(timeout=30) as poll_client:
        watcher = NotificationWatcher(
            poll_client, target.notifications_url, target.headers, interval=args.poll_ms / 1000
        )

        def on_created(petition_id: str, at: float) -> None:
            created[petition_id] = at
            watcher.expect(petition_id)

        poller = asyncio.create_task(watcher.run())
        try:
            post = FreshPetitionerTarget(pool, target.post_url, target.headers)
            await open_loop(post, rate=args.rate, seconds=min(args.warmup, 3.0))
            with CpuMeter(target.pids) as cpu:
                load = await open_loop(post, rate=args.rate, seconds=args.duration, on_created=on_created)
            await wait_until_seen(created, watcher.first_seen, args.delay_timeout)
        finally:
            poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poller
    summary = delay_summary(created, watcher.first_seen, args.delay_timeout)
    return {**summary, "post": load.summary(), "polling": watcher.summary(), "cpu_cores": cpu.cores}


async def wait_until_seen(created: dict[str, float], seen: dict[str, float], timeout: float) -> None:
    deadline = max(created.values(), default=time.monotonic()) + timeout
    pending = set(created)
    while pending and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        pending.difference_update(seen.keys())


def delay_summary(created: dict[str, float], seen: dict[str, float], timeout: float) -> dict:
    delays = [seen[p] - t for p, t in created.items() if p in seen and seen[p] - t <= timeout]
    return {
        "petitions": len(created),
        "arrived": len(delays),
        "missing_after_timeout": len(created) - len(delays),
        "timeout_s": timeout,
        "seen_before_201": sum(d < 0 for d in delays),
        "delay_ms": {
            "p50": ms(percentile(delays, 50)),
            "p99": ms(percentile(delays, 99)),
            "max": ms(max(delays, default=None)),
        },
    }


def log_diagnostics(procs: list[Proc]) -> dict:
    """How often each service logged a retry, relay failure or traceback during the run."""
    counts = {}
    for proc in procs:
        text = proc.log_path.read_text(errors="replace") if proc.log_path.exists() else ""
        counts[proc.name] = {marker: text.count(marker) for marker in LOG_MARKERS if marker in text}
    return counts


# -- one mode --------------------------------------------------------------------------------------------------


async def run_mode(mode: str, args: argparse.Namespace, workdir: Path) -> dict:
    tag = secrets.token_hex(4)
    background = await wait_for_idle_machine(mode, args.max_wait_idle)
    skeleton = embedded_skeleton(workdir) if mode == "embedded" else distributed_skeleton(workdir, tag)
    async with asyncio.timeout(args.duration * 6 + args.delay_timeout + 400):
        async with skeleton as target:
            print(f"[{mode}] skeleton up; delay phase at {args.rate}/s ...", flush=True)
            delay = await measure_delay(target, args)
            quiesce = await wait_quiet(target.pids)
            print(f"[{mode}] backlog done after {quiesce} s; throughput phase, {args.clients} clients ...", flush=True)
            throughput = await measure_throughput(target, args)
            diagnostics = log_diagnostics(target.procs)
        async with bare_server(mode, workdir, tag) as bare:
            print(f"[{mode}] bare baseline ...", flush=True)
            bare_throughput = await measure_throughput(bare, args)
    result = build_result(mode, args, delay, throughput, diagnostics, bare_throughput)
    result["machine"]["background_cpu_cores_before"] = background
    result["skeleton"]["quiesce_after_delay_phase_s"] = quiesce
    return result


async def wait_for_idle_machine(mode: str, max_wait: float) -> dict[str, float]:
    """The machine is shared: wait (bounded) until nothing else keeps it busy; returns the last sample."""
    deadline = time.monotonic() + max_wait
    background = await background_load()
    if background["total_busy"] > IDLE_BUSY_CORES:
        print(f"[{mode}] machine busy ({background['total_busy']} cores); waiting up to {max_wait:.0f} s", flush=True)
    while background["total_busy"] > IDLE_BUSY_CORES and time.monotonic() < deadline:
        background = await background_load()
    if background["total_busy"] > IDLE_BUSY_CORES:
        print(f"[{mode}] warning: starting on a busy machine: {background}", flush=True)
    return background


def build_result(mode: str, args, delay: dict, throughput: dict, diagnostics: dict, bare: dict) -> dict:
    ratio = round(throughput["rps"] / bare["rps"], 3) if bare["rps"] else None
    p99, post = delay["delay_ms"]["p99"], delay["post"]
    delay_met = p99 is not None and p99 < DELAY_P99_TARGET_MS and delay["missing_after_timeout"] == 0
    delay_met = delay_met and post["errors"] == 0 and post["skipped_in_flight_cap"] == 0
    delay_met = delay_met and (post["send_lag_ms_p99"] or 0) < MAX_SEND_LAG_MS  # the rate was really offered
    return {
        "mode": mode,
        "timestamp": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
        "machine": report.machine_info(),
        "parameters": parameters(args),
        "skeleton": {"throughput": throughput, "delay": delay, "log_markers": diagnostics},
        "bare": {"throughput": bare, "database": "sqlite" if mode == "embedded" else "postgresql"},
        "ratio": ratio,
        "targets": {
            "ratio_min": RATIO_TARGET,
            "ratio_met": ratio is not None and ratio >= RATIO_TARGET,
            "delay_p99_max_ms": DELAY_P99_TARGET_MS,
            "delay_met": delay_met,
        },
    }


def parameters(args: argparse.Namespace) -> dict:
    return {
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "clients": args.clients,
        "rate": args.rate,
        "poll_ms": args.poll_ms,
        "delay_timeout_s": args.delay_timeout,
        "max_wait_idle_s": args.max_wait_idle,
        "body": BODY,
        "http_client": f"httpx {httpx.__version__}: one AsyncClient per keep-alive connection (see loadgen.py)",
    }


# -- command line ----------------------------------------------------------------------------------------------


def bounded(kind: type, low: float, high: float):
    def parse(text: str):
        value = kind(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}")
        return value

    return parse


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=["embedded", "distributed", "both"], default="both")
    parser.add_argument("--duration", type=bounded(float, 1, 300), default=20.0, help="seconds per measured phase")
    parser.add_argument("--warmup", type=bounded(float, 0, 60), default=3.0, help="seconds of warm-up before each")
    parser.add_argument("--clients", type=bounded(int, 1, 256), default=32, help="closed-loop concurrent clients")
    parser.add_argument("--rate", type=bounded(float, 1, 2000), default=100.0, help="open-loop petitions/s")
    parser.add_argument("--poll-ms", type=bounded(float, 5, 1000), default=20.0, help="notification polling period")
    parser.add_argument(
        "--delay-timeout", type=bounded(float, 1, 120), default=10.0, help="seconds to wait per receipt"
    )
    parser.add_argument(
        "--max-wait-idle", type=bounded(float, 0, 1800), default=180.0, help="seconds to wait for a quiet machine"
    )
    parser.add_argument("--keep-workdir", action="store_true", help="keep the temp dir with the processes' logs")
    return parser.parse_args(argv)


async def main_async(args: argparse.Namespace) -> int:
    main_task = asyncio.current_task()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main_task.cancel)  # clean up as on Ctrl-C
    modes = ["embedded", "distributed"] if args.mode == "both" else [args.mode]
    for mode in modes:
        workdir = Path(tempfile.mkdtemp(prefix=f"bench-skeleton-{mode}-"))
        keep = args.keep_workdir
        try:
            result = await run_mode(mode, args, workdir)
        except BaseException:
            keep = True
            print(f"[{mode}] failed; logs kept in {workdir}", file=sys.stderr)
            raise
        finally:
            if not keep:
                shutil.rmtree(workdir, ignore_errors=True)
        print(report.table(result), flush=True)
        print(f"[{mode}] wrote {report.write_json(result)}; logs {'in ' + str(workdir) if keep else 'removed'}")
        print(f"updated {report.update_latest()}")
    return 0


def main() -> int:
    try:
        return asyncio.run(main_async(parse_args()))
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("interrupted; processes stopped and scratch databases/namespace removed", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
