"""Composition root of routing_svc."""

from fastapi import FastAPI

from routing_svc.cases import consumers as case_consumers
from routing_svc.cases.router import router as cases_router
from routing_svc.config import RoutingSettings
from routing_svc.db import SERVICE_ROOT
from routing_svc.demo import seed_demo_jurisdictions
from routing_svc.jurisdictions.router import router as jurisdictions_router
from services.http.app import ServiceDefinition, ServiceRuntime, create_service_app
from services.messaging import MessageBus


async def on_started(runtime: ServiceRuntime) -> None:
    if runtime.settings.demo_data:
        await seed_demo_jurisdictions(runtime)


DEFINITION = ServiceDefinition(
    name="routing",
    settings_class=RoutingSettings,
    service_root=SERVICE_ROOT,
    title="分级流转服务 routing_svc",
    description="社区 → 街道 → 区三级流转、法定时限、闭环管理。所有接口位于 /routing/v1 之下。",
    routers=(cases_router, jurisdictions_router),
    handlers=case_consumers.handlers,
    on_started=on_started,
    openapi_tags=(
        {"name": "案件", "description": "由信访件或网格排查发现的矛盾生成的案件"},
        {"name": "辖区", "description": "区、街道、社区三级辖区"},
        {"name": "运维", "description": "健康检查"},
    ),
)


def create_app(settings: RoutingSettings | None = None, bus: MessageBus | None = None) -> FastAPI:
    return create_service_app(DEFINITION, settings=settings or RoutingSettings(), bus=bus)
