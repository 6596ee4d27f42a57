"""Composition root of intake_api: the one place that picks adapters."""

from fastapi import FastAPI

from intake_api.config import IntakeSettings
from intake_api.db import SERVICE_ROOT
from intake_api.demo import seed_demo_petitions
from intake_api.petitions.consumers import HANDLERS as PETITION_HANDLERS
from intake_api.petitions.router import router as petitions_router
from services.http.app import ServiceDefinition, ServiceRuntime, create_service_app
from services.messaging import MessageBus


async def on_started(runtime: ServiceRuntime) -> None:
    if runtime.settings.demo_data:
        await seed_demo_petitions(runtime)


DEFINITION = ServiceDefinition(
    name="intake",
    settings_class=IntakeSettings,
    service_root=SERVICE_ROOT,
    title="信访受理服务 intake_api",
    description="登记各渠道信访事项、四个当场、信访人查询办理进展。所有接口位于 /intake/v1 之下。",
    routers=(petitions_router,),
    handlers=lambda settings: PETITION_HANDLERS,
    on_started=on_started,
    openapi_tags=({"name": "信访件", "description": "登记与查看信访事项"}, {"name": "运维", "description": "健康检查"}),
)


def create_app(settings: IntakeSettings | None = None, bus: MessageBus | None = None) -> FastAPI:
    return create_service_app(DEFINITION, settings=settings or IntakeSettings(), bus=bus)
