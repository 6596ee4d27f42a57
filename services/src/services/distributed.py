"""Distributed mode on one machine (``make up``): each service in its own process on its own port
(8001–8004, each under its prefix) against PostgreSQL (one database per service) and RabbitMQ.

Addresses come from the environment (``<PREFIX>DATABASE_URL``, ``<PREFIX>AMQP_URL``) with localhost
defaults. Missing databases are created, migrations run first, then the services start; Ctrl-C stops all.
"""

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass

from sqlalchemy.engine import make_url

BASE_PORT = int(os.environ.get("XINFANG_BASE_PORT", "8001"))


@dataclass(frozen=True)
class ServiceProcess:
    package: str
    name: str
    port: int

    @property
    def env_prefix(self) -> str:
        return f"{self.name.upper()}_"


SERVICES = [
    ServiceProcess("intake_api", "intake", BASE_PORT),
    ServiceProcess("routing_svc", "routing", BASE_PORT + 1),
    ServiceProcess("screening_svc", "screening", BASE_PORT + 2),
    ServiceProcess("notify_svc", "notify", BASE_PORT + 3),
]


def service_environment(service: ServiceProcess) -> dict[str, str]:
    env = dict(os.environ)
    prefix = service.env_prefix
    env.setdefault(f"{prefix}DATABASE_URL", f"postgresql+asyncpg://postgres@127.0.0.1:5432/xinfang_{service.name}")
    env.setdefault(f"{prefix}BUS", "rabbitmq")
    env.setdefault(f"{prefix}AMQP_URL", os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/"))
    return env


async def ensure_database(url: str) -> None:
    """Create the service's database when the configured user may; an existing one is left as it is."""
    import asyncpg

    parsed = make_url(url)
    connection = await asyncpg.connect(
        host=parsed.host, port=parsed.port or 5432, user=parsed.username, password=parsed.password, database="postgres"
    )
    try:
        if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", parsed.database):
            await connection.execute(f'CREATE DATABASE "{parsed.database}"')
    finally:
        await connection.close()


def migrate(service: ServiceProcess, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "services.db.migrate_cli", service.package], env=env, check=True)


def serve(service: ServiceProcess, env: dict[str, str]) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "uvicorn", f"{service.package}.main:create_app", "--factory",
        "--host", os.environ.get("HOST", "127.0.0.1"), "--port", str(service.port), "--no-access-log",
    ]  # fmt: skip
    return subprocess.Popen(command, env=env)


def main() -> None:
    environments = {s.name: service_environment(s) for s in SERVICES}
    for service in SERVICES:
        asyncio.run(ensure_database(environments[service.name][f"{service.env_prefix}DATABASE_URL"]))
        migrate(service, environments[service.name])
    processes = [serve(s, environments[s.name]) for s in SERVICES]
    for service in SERVICES:
        print(f"{service.package}: http://127.0.0.1:{service.port}/{service.name}/docs", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
        print("a service stopped; stopping the others", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=15)


if __name__ == "__main__":
    main()
