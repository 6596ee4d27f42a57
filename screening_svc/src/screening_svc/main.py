"""Composition root of screening_svc."""

from fastapi import FastAPI

from screening_svc.config import ScreeningSettings
from screening_svc.db import SERVICE_ROOT
from screening_svc.demo import seed_demo_grids
from screening_svc.grids.router import router as grids_router
from services.http.app import ServiceDefinition, ServiceRuntime, create_service_app
from services.messaging import MessageBus


async def on_started(runtime: ServiceRuntime) -> None:
    if runtime.settings.demo_data:
        await seed_demo_grids(runtime)


DEFINITION = ServiceDefinition(
    name="screening",
    settings_class=ScreeningSettings,
    service_root=SERVICE_ROOT,
    title="网格排查服务 screening_svc",
    description="网格、周排查、微诉求与政策风险评估（源头预防）。所有接口位于 /screening/v1 之下。",
    routers=(grids_router,),
    on_started=on_started,
    openapi_tags=({"name": "网格", "description": "网格与网格力量"}, {"name": "运维", "description": "健康检查"}),
)


def create_app(settings: ScreeningSettings | None = None, bus: MessageBus | None = None) -> FastAPI:
    return create_service_app(DEFINITION, settings=settings or ScreeningSettings(), bus=bus)
