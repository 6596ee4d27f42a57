"""Composition root of intake_api: the one place that picks adapters."""

import asyncio

from fastapi import FastAPI

from intake_api.attachments.router import router as attachments_router
from intake_api.attachments.storage import LocalDiskStorage
from intake_api.config import IntakeSettings
from intake_api.db import SERVICE_ROOT
from intake_api.demo import seed_demo
from intake_api.guide.router import router as guide_router
from intake_api.onsite.demo import seed_onsite_demo
from intake_api.onsite.router import OPENAPI_TAGS as ONSITE_TAGS
from intake_api.onsite.router import router as onsite_router
from intake_api.petitioners.router import router as petitioners_router
from intake_api.petitions import similarity
from intake_api.petitions.consumers import HANDLERS as PETITION_HANDLERS
from intake_api.petitions.router import router as petitions_router
from intake_api.reception.demo import seed_demo_reception
from intake_api.reception.router import OPENAPI_TAGS as RECEPTION_TAGS
from intake_api.reception.router import router as reception_router
from intake_api.reference.consumers import HANDLERS as REFERENCE_HANDLERS
from services.http.app import ServiceDefinition, ServiceRuntime, create_service_app
from services.messaging import MessageBus

ROUTERS = (
    petitions_router,
    petitioners_router,
    attachments_router,
    reception_router,
    onsite_router,
    guide_router,
)
HANDLERS = {**PETITION_HANDLERS, **REFERENCE_HANDLERS}
TAGS = (
    {"name": "信访件", "description": "登记、查看、撤回信访事项，凭查询码查询进展"},
    {"name": "信访人", "description": "信访人信息（脱敏）与经审计的明文查看"},
    {"name": "附件", "description": "信访件附件的上传与下载"},
    *RECEPTION_TAGS,
    *ONSITE_TAGS,
    {"name": "运维", "description": "健康检查"},
)


async def on_started(runtime: ServiceRuntime) -> None:
    await asyncio.to_thread(similarity.warm_up)  # jieba's dictionary: 1–2 s, once, not on the first petition
    if runtime.settings.demo_data:
        await seed_demo(runtime)
        await seed_demo_reception(runtime)
        await seed_onsite_demo(runtime)


DEFINITION = ServiceDefinition(
    name="intake",
    settings_class=IntakeSettings,
    service_root=SERVICE_ROOT,
    title="信访受理服务 intake_api",
    description="登记各渠道信访事项、四个当场、信访人查询办理进展。所有接口位于 /intake/v1 之下。"
    "身份证号与手机号加密存储、响应脱敏，明文查看须经授权并审计。",
    routers=ROUTERS,
    handlers=lambda settings: HANDLERS,
    on_started=on_started,
    openapi_tags=TAGS,
)


def create_app(settings: IntakeSettings | None = None, bus: MessageBus | None = None) -> FastAPI:
    settings = settings or IntakeSettings()
    app = create_service_app(DEFINITION, settings=settings, bus=bus)
    app.state.attachment_storage = LocalDiskStorage(settings.attachments_dir)
    return app
