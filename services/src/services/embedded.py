"""Embedded mode: all four services in one process, SQLite per service, one in-memory bus, demo data.

``python -m services.embedded`` (what ``make run`` does) serves them at http://127.0.0.1:8000, each under
its own prefix, with ``/docs`` listing every service and ``POST /auth/dev-token`` to try the API.
"""

import asyncio
import contextlib
import importlib
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.types import ASGIApp, Receive, Scope, Send

from services.db.migrate import upgrade
from services.http.app import ServiceDefinition
from services.http.auth import MAX_SUBJECT_LENGTH, ROLES, Role, issue_token
from services.http.docs import mount_docs
from services.http.errors import install_error_handlers
from services.http.models import RequestModel
from services.logging import configure_logging
from services.messaging import InMemoryBus
from services.settings import ServiceSettings

# Started in this order: intake last, so every consumer is subscribed before demo petitions are published.
SERVICE_MODULES = ("routing_svc.main", "notify_svc.main", "screening_svc.main", "intake_api.main")


@dataclass
class MountedService:
    definition: ServiceDefinition
    settings: ServiceSettings
    app: FastAPI


class DevTokenRequest(RequestModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"sub": "reception-01", "roles": ["reception"], "jurisdiction": "320599"}]},
    )

    sub: str = Field(min_length=1, max_length=MAX_SUBJECT_LENGTH, description="用户标识")
    roles: list[Role] = Field(min_length=1, description=f"角色，取值：{', '.join(ROLES)}")
    jurisdiction: str | None = Field(default=None, max_length=32, description="辖区代码或部门 ID")


class DevToken(BaseModel):
    access_token: str
    token_type: str = "bearer"


def load_services(data_dir: Path, bus: InMemoryBus) -> list[MountedService]:
    mounted = []
    for module_name in SERVICE_MODULES:
        module = importlib.import_module(module_name)
        definition: ServiceDefinition = module.DEFINITION
        settings = _embedded_settings(definition, data_dir)
        mounted.append(MountedService(definition, settings, module.create_app(settings, bus)))
    return mounted


def _embedded_settings(definition: ServiceDefinition, data_dir: Path) -> ServiceSettings:
    overrides: dict = {"database_url": f"sqlite+aiosqlite:///{data_dir / definition.name}.sqlite3", "bus": "memory"}
    if "demo_data" in definition.settings_class.model_fields:
        overrides["demo_data"] = True
    return definition.settings_class(environment="development", **overrides)


class PrefixDispatcher:
    """Sends each request to the service whose prefix it starts with; everything else to the root app."""

    def __init__(self, root: ASGIApp, services: dict[str, ASGIApp]) -> None:
        self.root = root
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            first = "/" + scope["path"].lstrip("/").split("/", 1)[0]
            if first in self.services:
                return await self.services[first](scope, receive, send)
        await self.root(scope, receive, send)


def create_embedded_app(data_dir: Path | None = None) -> PrefixDispatcher:
    data_dir = (data_dir or Path(os.environ.get("XINFANG_DATA_DIR", "data"))).resolve()
    bus = InMemoryBus()
    services = load_services(data_dir, bus)
    root = _root_app(services, bus)
    return PrefixDispatcher(root, {s.definition.prefix: s.app for s in services})


def _root_app(services: list[MountedService], bus: InMemoryBus) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        for service in services:
            await asyncio.to_thread(upgrade, service.definition.service_root, service.settings.database_url)
        await bus.start()
        async with contextlib.AsyncExitStack() as stack:
            for service in services:
                await stack.enter_async_context(service.app.router.lifespan_context(service.app))
            yield
        await bus.close()

    root = FastAPI(
        title="智慧信访平台（嵌入式运行）", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    install_error_handlers(root)
    urls = [(s.definition.title, f"{s.definition.prefix}/openapi.json") for s in reversed(services)]
    mount_docs(root, base="", title="智慧信访平台 API", openapi_urls=urls)
    _add_root_routes(root, services[0].settings)
    return root


def _add_root_routes(root: FastAPI, settings: ServiceSettings) -> None:
    @root.get("/", include_in_schema=False)
    async def index() -> RedirectResponse:
        return RedirectResponse("/docs")

    @root.post("/auth/dev-token", response_model=DevToken, summary="签发开发令牌（仅嵌入式模式）")
    async def dev_token(body: DevTokenRequest) -> DevToken:
        token = issue_token(settings=settings, sub=body.sub, roles=list(body.roles), jurisdiction=body.jurisdiction)
        return DevToken(access_token=token)


def main() -> None:
    import uvicorn

    configure_logging(os.environ.get("LOG_LEVEL", "INFO"))
    port = int(os.environ.get("PORT", "8000"))
    uvicorn.run(create_embedded_app(), host=os.environ.get("HOST", "127.0.0.1"), port=port, log_config=None)


if __name__ == "__main__":
    main()
