"""CPU and statements of notify's webhook path, in-process on PostgreSQL (a micro-measurement for issue 6).

    .venv/bin/python bench/notify_webhooks_cpu.py [--events 400] [--subscribers 5] [--repeat 3]

On a scratch database (migrated): ``--subscribers`` subscriptions to ``petition.registered`` pointing at the webhook
receivers of ``notify_fakes.py`` (a separate process, so the receiver's CPU is not counted), then per repetition:

- **fan-out**: ``--events`` events, each through ``webhooks.service.fan_out`` in its own transaction, as the
  consumer's sink runs it (the consumer's other work is not included);
- **delivery**: ``deliver_due`` until everything is delivered (claims, signing, HTTP, outcomes and their events).

Prints the process CPU time (``time.process_time``) per event and per delivery, the wall time, and the SQL statements
executed per event and per delivery (an executemany counts once). Medians over the repetitions.
"""

import argparse
import asyncio
import json
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

from procs import PG_URL, child_env, free_port, scratch_databases, start_process, stop_processes
from sqlalchemy import event, func, select

from notify_svc.config import NotifySettings
from notify_svc.db import SERVICE_ROOT
from notify_svc.webhooks import service
from notify_svc.webhooks.delivery import deliver_due
from notify_svc.webhooks.models import Delivery
from notify_svc.webhooks.schemas import SubscriptionCreate
from services.db import make_engine, make_session_factory
from services.db.migrate import upgrade
from services.http.auth import Principal
from services.testing import petition_registered_event

BENCH_DIR = Path(__file__).resolve().parent
ADMIN = Principal(sub="bench", roles=frozenset({"admin"}), jurisdiction=None)
REGISTERED = "xinfang.petition.registered.v1"


async def wait_port(port: int) -> None:
    for _ in range(200):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.05)
    raise TimeoutError(f"port {port} not listening")


async def measure(args: argparse.Namespace, database: str, hook_ports: list[int]) -> list[dict]:
    url = PG_URL.format(db=database)
    await asyncio.to_thread(upgrade, SERVICE_ROOT, url)
    settings = NotifySettings(
        database_url=url, environment="test", webhook_allowlist=["127.0.0.1/32"], webhook_allow_http=True
    )
    engine = make_engine(url, pool_size=10)
    statements = [0]
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *_: statements.__setitem__(0, statements[0] + 1))
    sessions = make_session_factory(engine)
    async with sessions() as session, session.begin():
        for n, port in enumerate(hook_ports, start=1):
            body = SubscriptionCreate(
                owner=f"BENCH-{n}", url=f"http://127.0.0.1:{port}/h/{n}", event_types=[REGISTERED]
            )
            await service.create_subscription(session=session, principal=ADMIN, body=body, settings=settings)
    rows = []
    try:
        for _ in range(args.repeat):
            events = [petition_registered_event() for _ in range(args.events)]
            cpu, wall, before = time.process_time(), time.perf_counter(), statements[0]
            for item in events:
                async with sessions() as session, session.begin():
                    await service.fan_out(session=session, event=item, base_url="https://xinfang.example.cn")
            fan_cpu, fan_wall, fan_statements = (
                time.process_time() - cpu,
                time.perf_counter() - wall,
                statements[0] - before,
            )
            cpu, wall, before = time.process_time(), time.perf_counter(), statements[0]
            outcome = await deliver_due(sessions, settings=settings)
            hook_cpu, hook_wall, hook_statements = (
                time.process_time() - cpu,
                time.perf_counter() - wall,
                statements[0] - before,
            )
            async with sessions() as session:
                pending = await session.scalar(
                    select(func.count()).select_from(Delivery).where(Delivery.status != "delivered")
                )
            made = sum(outcome.values())
            rows.append({
                "fan_out_cpu_ms_per_event": 1000 * fan_cpu / args.events,
                "fan_out_statements_per_event": fan_statements / args.events,
                "fan_out_wall_s": fan_wall,
                "delivery_cpu_ms_per_delivery": 1000 * hook_cpu / max(made, 1),
                "delivery_statements_per_delivery": hook_statements / max(made, 1),
                "delivery_wall_s": hook_wall,
                "deliveries": made,
                "outcomes": dict(outcome),
                "not_delivered": pending,
            })  # fmt: skip
            print(json.dumps(rows[-1]), flush=True)
    finally:
        await engine.dispose()
    return rows


async def main_async(args: argparse.Namespace) -> None:
    database = f"bench_notify_cpu_{secrets.token_hex(4)}"
    hook_ports = [free_port() for _ in range(args.subscribers)]
    workdir = Path(tempfile.mkdtemp(prefix="notify-webhooks-cpu-"))
    fakes_argv = [
        sys.executable, str(BENCH_DIR / "notify_fakes.py"), "--out", str(workdir / "receipts.json"),
        "--sms-port", str(free_port()), "--smtp-port", str(free_port()), "--hook-ports", ",".join(map(str, hook_ports)),
    ]  # fmt: skip
    fakes = start_process("fakes", fakes_argv, child_env(), workdir)
    try:
        for port in hook_ports:
            await wait_port(port)
        async with scratch_databases([database]):
            rows = await measure(args, database, hook_ports)
    finally:
        stop_processes([fakes])
    keys = [k for k, v in rows[0].items() if isinstance(v, float)]
    print(json.dumps({k: round(statistics.median(r[k] for r in rows), 3) for k in keys}, indent=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=400)
    parser.add_argument("--subscribers", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile the run; print the top functions")
    args = parser.parse_args()
    if not args.profile:
        asyncio.run(main_async(args))
        return
    import cProfile
    import pstats

    profiler = cProfile.Profile(time.process_time)
    profiler.runcall(asyncio.run, main_async(args))
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumtime").print_stats("notify_svc|check_url|stream|keyed_headers", 30)


if __name__ == "__main__":
    main()
