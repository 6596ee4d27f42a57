"""Notify fan-out benchmark: events from the bus to SMS, e-mail, the staff inbox and 5 webhook subscribers.

    .venv/bin/python bench/notify_fanout.py [--events 10000] [--rate 200] [--variants healthy,slow,dead]
                                            [--notify-procs 1] [--drain-timeout 180] [--max-wait-idle 60]
                                            [--profile] [--keep-workdir]

Per variant, on a fresh scratch database and RabbitMQ namespace:

1. notify_svc's migrations on `bench_notify_<rand>`; the fakes (`notify_fakes.py`: SMS gateway, SMTP server, webhook
   receivers, all timestamping receipt); `--notify-procs` uvicorn processes of notify_svc with the bus
   `bench-notify-<rand>`, the demo staff directory, the SMS gateway and SMTP pointed at the fakes, loopback
   allowlisted with plain http, quiet hours off (so the result does not depend on the time of day).
2. 5 webhook subscriptions (both event types) through `POST /notify/v1/webhooks/subscriptions`.
   Variant `slow`: subscriber 5 answers only after 10 s; `dead`: nobody listens on subscriber 5's port.
3. `--events` events published to the exchange at `--rate`/s (``notify_fanout_events.py``: open loop, the events
   due handed over every 20 ms, publisher confirms): pairs of `petition.registered` (contact sealed with notify's
   dev contact key, as intake seals it) and `case.assigned` for the same petition 2 s later, in the 12 demo
   communities.
   Each pair: petitioner SMS + e-mail twice, handler inbox + e-mail once; 5 webhook deliveries per event.
4. Until every notification is settled and subscribers 1–4 have every delivery (or `--drain-timeout` after the last
   publish). Delay = receipt (the fake's wall clock; inbox: the row's `sent_at`) − publish time of the event.
5. Results (``notify_fanout_report.py``; the database probes are in ``notify_fanout_db.py``):
   bench/results/notify-fanout-<UTC timestamp>.json (+ the table on stdout): delays per channel and per
   subscriber, deliveries per second, CPU by group (notify = ``services``, the fakes, others), notify's CPU per event,
   PostgreSQL transactions and tuples per event, and with ``--profile`` a CPU profile of notify (cProfile).
"""

import argparse
import asyncio
import contextlib
import json
import secrets
import shutil
import signal
import socket
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx
import report
import uvloop
from cpu import CpuMeter, background_load
from notify_fanout_db import anything_pending, database_counters, drained, outbox_delays, process_seconds, progress
from notify_fanout_events import EVENT_TYPES, build_events, publish_open_loop
from notify_fanout_report import SUBSCRIBERS, TARGET_P99_S, profile_summary, summarise, table
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

from services.messaging.rabbitmq import RabbitMQBus

AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
BENCH_DIR = Path(__file__).resolve().parent


# -- the system under test ------------------------------------------------------------------------------------------


def notify_env(
    database: str, namespace: str, ports: dict[str, int], processes: int = 1, extra: list[str] | None = None
) -> dict[str, str]:
    settings = {
        "DATABASE_URL": PG_URL.format(db=database),
        "BUS": "rabbitmq",
        "BUS_NAMESPACE": namespace,
        "DEMO_DATA": "true",
        "SMS_GATEWAY_URL": f"http://127.0.0.1:{ports['sms']}/sms",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(ports["smtp"]),
        "WEBHOOK_ALLOWLIST": '["127.0.0.1/32"]',
        "WEBHOOK_ALLOW_HTTP": "true",
        "QUIET_START": "00:00",
        "QUIET_END": "00:00",
        "LOG_LEVEL": "WARNING",
        # several processes share PostgreSQL's 100 connections with everyone else on the machine
        "DB_POOL_SIZE": str(20 if processes == 1 else max(6, 20 // processes)),
    } | dict(setting.split("=", 1) for setting in extra or [])
    return child_env(**{"NOTIFY_" + key: value for key, value in settings.items()})


def admin_token() -> str:
    from notify_svc.config import NotifySettings
    from services.http.auth import issue_token

    return issue_token(settings=NotifySettings(), sub="bench", roles=["admin"], jurisdiction="320599")


async def wait_ports(ports: list[int], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    for port in ports:
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"port {port} not listening") from None
                await asyncio.sleep(0.1)


async def subscribe(base: str, hook_ports: list[int]) -> dict[str, int]:
    """Subscription id -> receiver number (1..5)."""
    headers = {"Authorization": f"Bearer {admin_token()}"}
    found = {}
    async with httpx.AsyncClient(timeout=10, headers=headers) as client:
        for number, port in enumerate(hook_ports, start=1):
            body = {
                "owner": f"BENCH-{number}",
                "url": f"http://127.0.0.1:{port}/hooks/{number}",
                "event_types": EVENT_TYPES,
                "description": f"基准测试订阅 {number}",
            }
            response = await client.post(f"{base}/notify/v1/webhooks/subscriptions", json=body)
            if response.status_code != 201:
                raise RuntimeError(f"subscription refused: {response.status_code} {response.text}")
            found[response.json()["id"]] = number
    return found


# -- one variant ----------------------------------------------------------------------------------------------------


async def run_variant(args: argparse.Namespace, variant: str, workdir: Path) -> dict:
    tag = secrets.token_hex(4)
    database, namespace = f"bench_notify_{tag}", f"bench-notify-{tag}"
    ports = {"sms": free_port(), "smtp": free_port()}
    hook_ports = [free_port() for _ in range(SUBSCRIBERS)]
    listening = hook_ports if variant != "dead" else hook_ports[:-1]
    receipts_path = workdir / f"receipts-{variant}.json"
    env = notify_env(database, namespace, ports, args.notify_procs, args.setting)
    procs: list[Proc] = []
    print(f"[{variant}] building {args.events} events …", flush=True)
    events = build_events(args.events, args.rate)
    async with scratch_databases([database]), rabbit_namespace(namespace):
        await run_checked(
            "migrate-notify", [sys.executable, "-m", "services.db.migrate_cli", "notify_svc"], env, workdir
        )
        fakes_argv = [
            sys.executable, str(BENCH_DIR / "notify_fakes.py"), "--out", str(receipts_path),
            "--sms-port", str(ports["sms"]), "--smtp-port", str(ports["smtp"]),
            "--hook-ports", ",".join(map(str, listening)),
            "--slow-port", str(hook_ports[-1] if variant == "slow" else 0), "--slow-seconds", str(args.slow_seconds),
        ]  # fmt: skip
        fakes = start_process(f"fakes-{variant}", fakes_argv, child_env(), workdir)
        bus = RabbitMQBus(url=AMQP_URL, namespace=namespace)
        conn = None
        try:
            await wait_ports([ports["sms"], ports["smtp"], *listening])
            notify_ports = [free_port() for _ in range(args.notify_procs)]
            for n, port in enumerate(notify_ports):
                argv = uvicorn_argv("notify_svc.main:create_app", port, "--no-access-log")
                if args.profile:
                    out = workdir / f"profile-{variant}-{n}.pstats"
                    argv = [sys.executable, str(BENCH_DIR / "profiled_uvicorn.py"), str(out), argv[3], str(port)]
                procs.append(start_process(f"notify-{variant}-{n}", argv, env, workdir))
            await wait_ready([f"http://127.0.0.1:{p}/notify/readyz" for p in notify_ports], procs)
            subscriptions = await subscribe(f"http://127.0.0.1:{notify_ports[0]}", hook_ports)
            healthy = {sub for sub, number in subscriptions.items() if number < SUBSCRIBERS or variant == "healthy"}
            await bus.start()
            conn = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:5432/{database}")
            before_start = await wait_for_quiet(args.max_wait_idle)
            print(f"[{variant}] others used {before_start.get('other', 0):.2f} cores before the start", flush=True)
            pids = [p.popen.pid for p in procs]
            fakes_before = process_seconds(fakes.popen.pid)
            db_before = await database_counters(conn)
            wall_start = time.time()
            with CpuMeter(pids) as meter:
                publishing = await publish_open_loop(bus, events, args.rate)
                print(f"[{variant}] published in {publishing['seconds']} s; draining …", flush=True)
                deadline = time.monotonic() + args.drain_timeout
                expected = 6 * (args.events // 2)
                while time.monotonic() < deadline:
                    if not await anything_pending(conn, healthy):
                        state = await progress(conn)
                        if drained(state, expected_notifications=expected, healthy=healthy, events=len(events)):
                            break
                    await asyncio.sleep(1.0)
                drain_seconds = round(time.time() - wall_start - publishing["seconds"], 1)
            wall = time.time() - wall_start
            db_after = await database_counters(conn)
            fakes_cores = round((process_seconds(fakes.popen.pid) - fakes_before) / wall, 2)
            cpu = dict(meter.cores) | {"fakes": fakes_cores}
            cpu["other"] = round(max(0.0, cpu.get("other", 0.0) - fakes_cores), 2)
            notifications = await conn.fetch(
                "select id::text, source_event_id, channel, status, sent_at, attempts from notifications"
            )
            deliveries = await conn.fetch(
                "select id::text, subscription_id::text as sub, source_event_id, status, attempts"
                " from webhook_deliveries"
            )
            outcome_events = await outbox_delays(conn, args.drain_timeout)
        finally:
            if conn is not None:
                await conn.close()
            with contextlib.suppress(Exception):
                await bus.close()
            stop_processes(procs)
            stop_processes([fakes])
        receipts = json.loads(receipts_path.read_text())["receipts"] if receipts_path.exists() else []
    errors = log_errors(procs)
    result = summarise(
        variant, args, publishing, notifications, deliveries, receipts, subscriptions, wall_start,
        cpu=cpu, before_start=before_start, drain_seconds=drain_seconds, log_errors=errors,
        outcome_events=outcome_events,
    )  # fmt: skip
    # CPU of notify_svc per event and per delivery actually made (all channels, every subscriber, attempts too)
    service_seconds = cpu.get("services", 0.0) * wall
    made = sum(1 for row in notifications if row["status"] == "sent") + sum(row["attempts"] for row in deliveries)
    result["notify_cpu_ms_per_event"] = round(service_seconds * 1000 / max(len(events), 1), 2)
    result["notify_cpu_ms_per_delivery_made"] = round(service_seconds * 1000 / max(made, 1), 2)
    result["deliveries_made"] = made
    # notify's database work per consumed event (pg_stat_database of the scratch database; statistics lag ~0.5 s)
    result["database_per_event"] = {
        key: round((db_after[key] - db_before[key]) / max(len(events), 1), 1) for key in db_after
    }
    if args.profile:
        paths = [workdir / f"profile-{variant}-{n}.pstats" for n in range(args.notify_procs)]
        result["profile"] = profile_summary([p for p in paths if p.exists()])  # noqa: ASYNC240 - after the run
    return result


async def wait_for_quiet(max_wait: float, below: float = 0.6) -> dict:
    """Up to ``max_wait`` s for the CPU used by others to fall below ``below`` cores; returns the last sample."""
    deadline = time.monotonic() + max_wait
    while True:
        sample = await background_load()
        if sample.get("other", 0.0) + sample.get("postgres", 0.0) < below or time.monotonic() > deadline:
            return sample


def log_errors(procs: list[Proc]) -> dict[str, int]:
    counts: Counter = Counter()
    for proc in procs:
        with contextlib.suppress(OSError):
            text = proc.log_path.read_text(errors="replace")
            for marker in ("Traceback", "handler failed", "failed, will retry", "ERROR", "WARNING"):
                counts[marker] += text.count(marker)
    return dict(counts)


async def main_async(args: argparse.Namespace) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="notify-fanout-"))
    results, failed = [], False
    try:
        for variant in args.variants.split(","):
            results.append(await run_variant(args, variant, workdir))
            print(table(results[-1:]), flush=True)
    except BaseException:
        failed = True
        raise
    finally:
        if results:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            out = {
                "benchmark": "notify-fanout",
                "timestamp": stamp,
                "machine": report.machine_info(),
                "parameters": vars(args),
                "target": {"p99_ms": TARGET_P99_S * 1000, "rate": 200},
                "results": results,
            }
            path = report.RESULTS_DIR / f"notify-fanout-{stamp}.json"
            path.write_text(json.dumps(out, indent=2, ensure_ascii=False, default=str) + "\n")
            print(f"\n{table(results)}\n\nwritten: {path.relative_to(BENCH_DIR.parent)}")
        if failed or args.keep_workdir:
            print(f"work directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--variants", default="healthy,slow,dead")
    parser.add_argument(
        "--notify-procs",
        "--processes",
        dest="notify_procs",
        type=int,
        default=1,
        help="notify_svc processes (competing consumers, claims with SKIP LOCKED)",
    )
    parser.add_argument("--drain-timeout", type=float, default=180.0)
    parser.add_argument("--slow-seconds", type=float, default=10.0)
    parser.add_argument("--max-wait-idle", type=float, default=60.0, help="wait up to this for a quiet machine")
    parser.add_argument("--profile", action="store_true", help="run notify_svc under cProfile (slower)")
    parser.add_argument("--keep-workdir", action="store_true")
    parser.add_argument(
        "--setting", action="append", default=[], metavar="NAME=VALUE",
        help="a notify setting for this run, without the NOTIFY_ prefix (e.g. WEBHOOK_ENDPOINT_CONCURRENCY=8)",
    )  # fmt: skip
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # cleanup runs on SIGTERM as on Ctrl-C
    return uvloop.run(main_async(args))  # the services run on uvloop too (uvicorn picks it)


if __name__ == "__main__":
    sys.exit(main())
