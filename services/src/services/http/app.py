"""Builds a service's FastAPI app the same way for all four: middleware, errors, health, metrics, docs,
and a lifespan that opens the database, starts the outbox relay and subscribes the consumers."""

import asyncio
import contextlib
import dataclasses
import gc
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, generate_latest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from services.contracts import CloudEvent
from services.contracts.consumers import bindings as consumer_bindings
from services.db import OutboxRelay, inbox_subscription, make_engine, make_session_factory, make_worker_engine
from services.db.inbox import BatchEffectHandler, EffectHandler
from services.http.auth import TokenVerifier
from services.http.docs import mount_docs
from services.http.errors import PROBLEM_JSON, Problem, install_error_handlers, problem_response
from services.http.middleware import BodySizeLimitMiddleware, CorrelationIdMiddleware, MetricsMiddleware
from services.messaging import InMemoryBus, MessageBus, RetryLater, Subscription
from services.settings import ServiceSettings


@dataclass
class ServiceRuntime:
    """Everything a request or consumer of one service needs; built once, in the lifespan."""

    name: str
    settings: ServiceSettings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    bus: MessageBus
    relay: OutboxRelay
    verifier: TokenVerifier
    tasks: list[asyncio.Task] = field(default_factory=list)
    relay_engine: AsyncEngine | None = None  # the relay's own connections (PostgreSQL), or None: the service's


@dataclass(frozen=True)
class ServiceDefinition:
    """What makes one service: its name (= URL prefix), settings class, migrations, routers and consumers."""

    name: str
    settings_class: type[ServiceSettings]
    service_root: Path
    title: str
    description: str
    routers: tuple[APIRouter, ...]
    handlers: Callable[[ServiceSettings], Mapping[type[CloudEvent], EffectHandler]] | None = None
    # the same effects for several events in one transaction (group commit, ADR 0036); None: one event at a time
    batch_handler: Callable[[ServiceSettings], BatchEffectHandler] | None = None
    on_started: Callable[[ServiceRuntime], Awaitable[None]] | None = None
    version: str = "1.0.0"
    openapi_tags: tuple[dict, ...] = ()

    @property
    def prefix(self) -> str:
        return f"/{self.name}"

    def subscriptions(self, runtime: "ServiceRuntime") -> list[Subscription]:
        """The service's one queue (named after it): its handlers, each run once, with its inbox."""
        if self.handlers is None:
            return []
        subscription = inbox_subscription(
            consumer=self.name,
            session_factory=runtime.session_factory,
            handlers=self.handlers(runtime.settings),
            after_commit=runtime.relay.kick,
            prefetch=runtime.settings.bus_prefetch,
            batch_handler=self.batch_handler(runtime.settings) if self.batch_handler else None,
        )
        return [subscription]


def build_bus(settings: ServiceSettings) -> MessageBus:
    if settings.bus == "rabbitmq":
        from services.messaging.rabbitmq import RabbitMQBus

        return RabbitMQBus(
            url=settings.amqp_url,
            namespace=settings.bus_namespace,
            delivery_limit=settings.bus_delivery_limit,
            prefetch=settings.bus_prefetch,
        )
    return InMemoryBus(namespace=settings.bus_namespace, delivery_limit=settings.bus_delivery_limit)


def create_service_app(
    definition: ServiceDefinition, *, settings: ServiceSettings, bus: MessageBus | None = None
) -> FastAPI:
    """``bus`` is given in embedded mode (one shared in-memory bus); otherwise the app builds and owns one."""
    prefix = definition.prefix
    app = FastAPI(
        title=definition.title,
        description=definition.description,
        version=definition.version,
        openapi_url=f"{prefix}/openapi.json",
        docs_url=None,
        redoc_url=None,
        openapi_tags=list(definition.openapi_tags) or None,
        lifespan=_lifespan(definition, settings, bus),
        separate_input_output_schemas=False,
    )
    registry = CollectorRegistry()
    app.state.registry = registry
    app.state.verifier = TokenVerifier(settings)
    install_error_handlers(app)
    app.add_middleware(MetricsMiddleware, registry=registry)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(CorrelationIdMiddleware)
    _add_operations(app, prefix)
    for router in definition.routers:
        app.include_router(router, prefix=f"{prefix}/v1")
    mount_docs(app, base=prefix, title=definition.title, openapi_urls=[(definition.name, f"{prefix}/openapi.json")])
    _document_problems_as_problem_json(app)
    return app


def _document_problems_as_problem_json(app: FastAPI) -> None:
    """FastAPI writes a ``responses`` model's schema under the route's media type (application/json); errors are
    sent as application/problem+json, so the ``Problem`` schema is moved there, where clients and schema-driven
    tests look for it."""
    generate = app.openapi

    def openapi() -> dict:
        document = generate()
        for path_item in document.get("paths", {}).values():
            for operation in path_item.values():
                for response in operation.get("responses", {}).values():
                    content = response.get("content", {})
                    if PROBLEM_JSON in content and not content[PROBLEM_JSON] and "application/json" in content:
                        content[PROBLEM_JSON] = content.pop("application/json")
        return document

    app.openapi = openapi


def _lifespan(definition: ServiceDefinition, settings: ServiceSettings, given_bus: MessageBus | None):
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = await _start(definition, settings, given_bus, app)
        try:
            yield
        finally:
            await _stop(runtime, owns_bus=given_bus is None)

    return lifespan


async def _start(definition: ServiceDefinition, settings: ServiceSettings, given_bus: MessageBus | None, app: FastAPI):
    engine = make_engine(settings.database_url, pool_size=settings.db_pool_size)
    bus = given_bus or build_bus(settings)
    if given_bus is None:
        await bus.start()
    session_factory = make_session_factory(engine)
    relay_engine = _relay_engine(settings.database_url, engine)
    relay = OutboxRelay(
        session_factory=session_factory if relay_engine is None else make_session_factory(relay_engine),
        bus=bus,
        batch_size=settings.relay_batch_size,
        poll_seconds=settings.relay_poll_seconds,
    )
    runtime = ServiceRuntime(
        definition.name, settings, engine, session_factory, bus, relay, app.state.verifier, relay_engine=relay_engine
    )
    app.state.runtime = runtime
    _register_runtime_metrics(app.state.registry, runtime)
    for consumer, event_types in consumer_bindings().items():
        await bus.declare(consumer, event_types)
    consumed = Counter(
        "events_consumed_total", "Deliveries to this service's consumer by outcome", ["type", "outcome"],
        registry=app.state.registry,
    )  # fmt: skip
    for subscription in definition.subscriptions(runtime):
        await bus.subscribe(_counted(subscription, consumed))
    if definition.on_started is not None:
        await definition.on_started(runtime)
    _freeze_startup_objects()
    runtime.tasks.append(asyncio.create_task(relay.run(), name=f"outbox-relay:{definition.name}"))
    return runtime


def _freeze_startup_objects() -> None:
    """Leave what start-up built (modules, schemas, mappers, dictionaries, reference snapshots: 150,000–200,000
    objects per service) out of the cyclic garbage collector's full collections. Each full collection walked them
    all, 90–105 ms of CPU with every request of the process waiting (a pause that lands in the tail latency
    whenever it comes); they live as long as the process anyway. Garbage already there is collected first, so
    nothing collectable is kept."""
    gc.collect()
    gc.freeze()


RELAY_POOL_SIZE = 2


def _relay_engine(url: str, engine: AsyncEngine) -> AsyncEngine | None:
    """On PostgreSQL the relay has connections of its own (``make_worker_engine``): on the service's pool it queues
    behind the consumer handlers in flight (a prefetch larger than the pool) and the requests, so a busy service would
    hold back its own events; a test holds the whole pool and sees the relay publish (ADR 0033). On SQLite it shares
    the service's engine: one writer."""
    if engine.dialect.name != "postgresql":
        return None
    return make_worker_engine(url, pool_size=RELAY_POOL_SIZE)


async def _stop(runtime: ServiceRuntime, *, owns_bus: bool) -> None:
    for task in runtime.tasks:
        task.cancel()
    await asyncio.gather(*runtime.tasks, return_exceptions=True)
    if owns_bus:
        await runtime.bus.close()
    if runtime.relay_engine is not None:
        await runtime.relay_engine.dispose()
    await runtime.engine.dispose()


def _counted(subscription: Subscription, consumed: Counter) -> Subscription:
    """Count each delivery's outcome: handled (duplicates included), retry_later, failed."""
    handler = subscription.handler

    async def handle(event: CloudEvent) -> None:
        try:
            await handler(event)
        except RetryLater:
            consumed.labels(event.type, "retry_later").inc()
            raise
        except Exception:
            consumed.labels(event.type, "failed").inc()
            raise
        consumed.labels(event.type, "handled").inc()

    return dataclasses.replace(subscription, handler=handle)


def _register_runtime_metrics(registry: CollectorRegistry, runtime: ServiceRuntime) -> None:
    published = Gauge("outbox_published_events", "Events this process's relay published", registry=registry)
    published.set_function(lambda: runtime.relay.published_total)


def _add_operations(app: FastAPI, prefix: str) -> None:
    """Routes of the app itself, not an included router: every request is matched against these first, and an
    included router cost about 15 µs per request to try (FastAPI walks its routes through a context), three plain
    routes about 2 µs."""

    @app.get(f"{prefix}/healthz", tags=["运维"], summary="存活检查", description="进程存活即返回 200。")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(
        f"{prefix}/readyz", tags=["运维"], summary="就绪检查", description="检查数据库与消息总线；任一不可用返回 503。"
    )
    async def readyz(request: Request) -> Response:
        checks = await _readiness(request.app.state.runtime)
        if all(checks.values()):
            return Response(content='{"status":"ready"}', media_type="application/json")
        detail = "不可用：" + ", ".join(name for name, ok in checks.items() if not ok)
        return problem_response(Problem(title="服务未就绪", status=503, code="not_ready", detail=detail))

    @app.get(f"{prefix}/metrics", tags=["运维"], summary="Prometheus 指标", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        return Response(generate_latest(request.app.state.registry), media_type=CONTENT_TYPE_LATEST)


async def _readiness(runtime: ServiceRuntime) -> dict[str, bool]:
    try:
        async with runtime.engine.connect() as connection:
            await asyncio.wait_for(connection.execute(text("SELECT 1")), timeout=2)
        database = True
    except Exception:
        database = False
    return {"database": database, "bus": await runtime.bus.is_ready()}
