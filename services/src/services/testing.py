"""Test support shared by every service's tests and the cross-service suites (a pytest plugin).

Two backends run the same tests: ``memory`` (SQLite files + the in-memory bus) and ``real`` (PostgreSQL +
RabbitMQ on their standard local ports). With ``XINFANG_REQUIRE_REAL=1`` (CI) an unreachable real service
fails the run instead of skipping it.
"""

import asyncio
import contextlib
import importlib
import inspect
import os
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest
from fastapi import FastAPI

from services import embedded
from services.contracts.intake import PetitionRegistered, PetitionRegisteredData
from services.db import make_engine, make_session_factory
from services.db.migrate import upgrade
from services.http.app import ServiceDefinition
from services.http.auth import issue_token
from services.messaging import InMemoryBus, MessageBus
from services.settings import ServiceSettings

Backend = Literal["memory", "real"]
REQUIRE_REAL = os.environ.get("XINFANG_REQUIRE_REAL") == "1"
PG_HOST = os.environ.get("XINFANG_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("XINFANG_TEST_PG_PORT", "5432"))
AMQP_URL = os.environ.get("XINFANG_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
# service name (its URL prefix) -> composition root, in embedded mode's start order (consumers before intake)
SERVICE_MODULES = {module.split("_")[0]: module for module in embedded.SERVICE_MODULES}


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


async def eventually(check: Callable[[], Any], *, timeout: float = 15.0, interval: float = 0.05) -> Any:
    """Poll ``check`` (sync or async) until it returns something truthy; fail the test on timeout."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"condition not met within {timeout}s: {getattr(check, '__name__', check)}")
        await asyncio.sleep(interval)


# -- real services ------------------------------------------------------------------------------------------


async def postgres_reachable() -> bool:
    import asyncpg

    try:
        connection = await asyncpg.connect(host=PG_HOST, port=PG_PORT, user="postgres", database="postgres", timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    await connection.close()
    return True


async def rabbitmq_reachable(url: str = AMQP_URL) -> bool:
    import aio_pika

    try:
        connection = await aio_pika.connect(url, timeout=3)
    except Exception:  # noqa: BLE001 - any failure means unreachable
        return False
    await connection.close()
    return True


async def require_real_services() -> None:
    missing = [
        name
        for name, ok in (("PostgreSQL", await postgres_reachable()), ("RabbitMQ", await rabbitmq_reachable()))
        if not ok
    ]
    if not missing:
        return
    message = f"{' and '.join(missing)} not reachable on 127.0.0.1"
    if REQUIRE_REAL:
        pytest.fail(f"{message}, and XINFANG_REQUIRE_REAL=1 forbids skipping")
    pytest.skip(message)


def postgres_url(database: str) -> str:
    return f"postgresql+asyncpg://postgres@{PG_HOST}:{PG_PORT}/{database}"


async def create_database(name: str) -> str:
    await _admin(f'CREATE DATABASE "{name}"')
    return postgres_url(name)


async def drop_database(name: str) -> None:
    await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _admin(sql: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(host=PG_HOST, port=PG_PORT, user="postgres", database="postgres", timeout=5)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def delete_bus_namespace(namespace: str, url: str = AMQP_URL) -> None:
    """Remove every queue and exchange a test namespace declared on the real broker."""
    import aio_pika

    from services.contracts.consumers import bindings

    queues = [f"{namespace}.{consumer}{suffix}" for consumer in bindings() for suffix in ("", ".dlq")]
    connection = await aio_pika.connect(url, timeout=5)
    async with connection:
        channel = await connection.channel()
        for queue in [*queues, f"{namespace}.archive"]:
            await channel.queue_delete(queue)
        for exchange in (namespace, f"{namespace}.dlx"):
            await channel.exchange_delete(exchange)


# -- running the system in-process --------------------------------------------------------------------------


def definition(name: str) -> ServiceDefinition:
    return importlib.import_module(SERVICE_MODULES[name]).DEFINITION


@dataclass
class Databases:
    """One database per service: SQLite files under a folder, or fresh PostgreSQL databases."""

    backend: Backend
    urls: dict[str, str]
    created: list[str] = field(default_factory=list)

    @classmethod
    async def create(
        cls, backend: Backend, folder: Path, names: tuple[str, ...] = tuple(SERVICE_MODULES)
    ) -> "Databases":
        if backend == "memory":
            return cls(backend, {n: f"sqlite+aiosqlite:///{folder / n}.sqlite3" for n in names})
        created = [unique(f"xt_{n}_") for n in names]
        urls = {n: await create_database(db) for n, db in zip(names, created, strict=True)}
        return cls(backend, urls, created)

    async def migrate(self) -> None:
        for name, url in self.urls.items():
            await asyncio.to_thread(upgrade, definition(name).service_root, url)

    async def drop(self) -> None:
        for database in self.created:
            await drop_database(database)


@dataclass
class RunningSystem:
    apps: dict[str, FastAPI]
    clients: dict[str, httpx.AsyncClient]
    settings: dict[str, ServiceSettings]
    bus: MessageBus | None

    def token(self, *roles: str, sub: str = "tester", jurisdiction: str | None = "320599") -> dict[str, str]:
        settings = next(iter(self.settings.values()))
        token = issue_token(settings=settings, sub=sub, roles=list(roles), jurisdiction=jurisdiction)
        return {"Authorization": f"Bearer {token}"}

    def runtime(self, name: str) -> Any:
        return self.apps[name].state.runtime


def service_settings(
    name: str, *, backend: Backend, database_url: str, namespace: str, amqp_url: str, **extra: Any
) -> ServiceSettings:
    settings_class = definition(name).settings_class
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": database_url,
        "bus": "memory" if backend == "memory" else "rabbitmq",
        "bus_namespace": namespace,
        "amqp_url": amqp_url,
        "bus_delivery_limit": 3,
        "relay_poll_seconds": 0.05,
        "db_pool_size": 5,  # several systems share one PostgreSQL (max_connections 100) during a run
        **extra,
    }
    if "demo_data" in settings_class.model_fields:
        values.setdefault("demo_data", True)
    return settings_class(**values)


@contextlib.asynccontextmanager
async def run_system(
    databases: Databases, *, namespace: str, amqp_url: str = AMQP_URL, **extra: Any
) -> AsyncIterator[RunningSystem]:
    """Start every service's app with its lifespan (consumers, relay) and an httpx client for each."""
    bus = InMemoryBus(namespace=namespace, delivery_limit=3) if databases.backend == "memory" else None
    settings = {
        name: service_settings(
            name, backend=databases.backend, database_url=url, namespace=namespace, amqp_url=amqp_url, **extra
        )
        for name, url in databases.urls.items()
    }
    apps = {name: importlib.import_module(SERVICE_MODULES[name]).create_app(settings[name], bus) for name in settings}
    async with contextlib.AsyncExitStack() as stack:
        if bus is not None:
            await bus.start()
            stack.push_async_callback(bus.close)
        clients = {}
        for name, app in apps.items():
            await stack.enter_async_context(app.router.lifespan_context(app))
            transport = httpx.ASGITransport(app=app)
            clients[name] = await stack.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url="http://test")
            )
        yield RunningSystem(apps=apps, clients=clients, settings=settings, bus=bus)


PETITION = {
    # A letter without an ID number: every registration is a petitioner of its own, so tests that register this
    # body many times never trip intake's repeat and Art. 19/36 checks (which match petitioners by ID number).
    "channel": "letter",
    "petitioner": {"name": "张三", "phone": "13812345678"},
    "category_code": "0301",
    "content": "小区东门外道路施工三个月未完工，夜间施工噪音扰民，请求督促施工单位按期完工。",
    "address": "清河区长桥街道柳岸社区柳岸路 18 号",
    "community_code": "320599001001",
    "truth_declared": True,
}


class TcpProxy:
    """A loopback TCP proxy a test can cut (live connections are closed and new ones refused until restored) or hold
    (connections stay open but nothing is passed on, a broker that stopped answering, until released)."""

    def __init__(self, *, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._open = True
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._links: set[asyncio.StreamWriter] = set()

    def hold(self) -> None:
        self._flowing.clear()

    def release(self) -> None:
        self._flowing.set()

    async def start(self) -> "TcpProxy":
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def cut(self) -> None:
        self._open = False
        for writer in list(self._links):
            writer.transport.abort()
        self._links.clear()

    def restore(self) -> None:
        self._open = True

    async def stop(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _accept(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        if not self._open:
            client_writer.transport.abort()
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.transport.abort()
            return
        self._links.update((client_writer, upstream_writer))
        await asyncio.gather(
            self._pipe(client_reader, upstream_writer),
            self._pipe(upstream_reader, client_writer),
            return_exceptions=True,
        )

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                await self._flowing.wait()
                writer.write(data)
                await writer.drain()
        finally:
            self._links.discard(writer)
            writer.transport.abort()


def amqp_url_via(proxy: TcpProxy) -> str:
    return f"amqp://guest:guest@127.0.0.1:{proxy.port}/"


def petition_registered_event(*, subject: str | None = None, **changes: Any) -> PetitionRegistered:
    """A valid ``xinfang.petition.registered.v1`` event with a fresh petition id (its subject unless given)."""
    petition_id = uuid.uuid4()
    values: dict[str, Any] = {
        "petition_id": petition_id,
        "tracking_no": "2026-320599-000001",
        "channel": "visit",
        "category_code": "0301",
        "content": "小区路灯不亮已经一个月",
        "address": "柳岸路 1 号",
        "petitioner_ref": uuid.uuid4(),
        "phone_masked": "138****5678",
        "received_at": datetime.now(UTC),
        "kind": "complaint",
        "severity": "general",
        "summary": "小区路灯不亮",
        "first_time": True,
        "proper_level": "community",
        **changes,
    }
    return PetitionRegistered.create(subject=subject or str(petition_id), data=PetitionRegisteredData(**values))


@contextlib.asynccontextmanager
async def scratch_database(backend: str, folder: Path, *metadata: Any) -> AsyncIterator[Any]:
    """A session factory on a throw-away database (``sqlite`` file or fresh ``postgres`` database) holding
    the tables of ``metadata``; library tests use it where no service's migrations apply."""
    database = None
    if backend == "postgres":
        await require_real_services()
        database = unique("xt_lib_")
        url = await create_database(database)
    else:
        url = f"sqlite+aiosqlite:///{folder / 'scratch.sqlite3'}"
    engine = make_engine(url, pool_size=5)
    try:
        async with engine.begin() as connection:
            for tables in metadata:
                await connection.run_sync(tables.create_all)
        yield make_session_factory(engine)
    finally:
        await engine.dispose()
        if database is not None:
            await drop_database(database)
