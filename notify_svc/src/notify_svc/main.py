"""Composition root of notify_svc."""

from fastapi import FastAPI

from notify_svc.config import NotifySettings
from notify_svc.db import SERVICE_ROOT
from notify_svc.notifications.consumers import HANDLERS as NOTIFICATION_HANDLERS
from notify_svc.notifications.router import router as notifications_router
from services.http.app import ServiceDefinition, create_service_app
from services.messaging import MessageBus

DEFINITION = ServiceDefinition(
    name="notify",
    settings_class=NotifySettings,
    service_root=SERVICE_ROOT,
    title="通知服务 notify_svc",
    description="向信访人、工作人员发送通知，向职能部门与合作单位推送签名 Webhook。所有接口位于 /notify/v1 之下。",
    routers=(notifications_router,),
    handlers=lambda settings: NOTIFICATION_HANDLERS,
    openapi_tags=(
        {"name": "通知", "description": "短信、邮件与站内通知记录"},
        {"name": "运维", "description": "健康检查"},
    ),
)


def create_app(settings: NotifySettings | None = None, bus: MessageBus | None = None) -> FastAPI:
    return create_service_app(DEFINITION, settings=settings or NotifySettings(), bus=bus)
