"""Composition root of notify_svc.

How to extend this service (the webhooks domain does exactly this):

- ``SINKS``: consumed events (``CONSUMED_BY["notify"]``) go to every sink in order, inside the consumer's transaction
  (inbox rows + effects commit together; a sink that raises rolls back all of them). Events that arrive together are
  handed over together (group commit, ADR 0036): a sink is ``async def sink(session, events, settings) -> None`` and
  gets the events in delivery order, one or many; a batch that fails is handled again one event at a time, and an
  event that fails alone is redelivered. Notifications are the first sink; append yours: ``SINKS.append(my_sink)``.
- ``ROUTERS``: every router is served under ``/notify/v1``; append yours.
- ``STARTERS``: ``async def start(runtime) -> None`` run once the service is up (seed data, background tasks:
  append ``asyncio.create_task(...)`` to ``runtime.tasks`` so the service cancels it on stop); append yours.
- ``TAGS``: the OpenAPI tags, in display order.
"""

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.channels.router import router as sms_outbox_router
from notify_svc.config import NotifySettings
from notify_svc.contacts.router import router as staff_router
from notify_svc.db import SERVICE_ROOT
from notify_svc.demo import seed_start_data
from notify_svc.inbox.router import router as inbox_router
from notify_svc.notification_rules.router import router as rules_router
from notify_svc.notifications.consumers import when_events_arrived_record_notifications
from notify_svc.notifications.dispatcher import run_dispatcher
from notify_svc.notifications.repository import version_read_once
from notify_svc.notifications.router import router as notifications_router
from notify_svc.templates.router import router as templates_router
from notify_svc.webhooks.consumers import when_events_consumed_fan_out_to_webhooks
from notify_svc.webhooks.delivery import start_deliverer
from notify_svc.webhooks.router import router as webhooks_router
from services.contracts import CloudEvent
from services.contracts.consumers import CONSUMED_BY
from services.db.inbox import BatchEffectHandler, EffectHandler
from services.http.app import ServiceDefinition, ServiceRuntime, create_service_app
from services.messaging import MessageBus

EventSink = Callable[[AsyncSession, Sequence[CloudEvent], NotifySettings], Awaitable[None]]
Starter = Callable[[ServiceRuntime], Awaitable[None]]


async def start_dispatcher(runtime: ServiceRuntime) -> None:
    if runtime.settings.dispatcher_enabled:
        runtime.tasks.append(asyncio.create_task(run_dispatcher(runtime), name="notify-dispatcher"))


SINKS: list[EventSink] = [when_events_arrived_record_notifications, when_events_consumed_fan_out_to_webhooks]
ROUTERS: list = [notifications_router, inbox_router, templates_router, rules_router, staff_router, sms_outbox_router]
ROUTERS.append(webhooks_router)
STARTERS: list[Starter] = [seed_start_data, start_dispatcher, start_deliverer]
TAGS: list[dict] = [
    {"name": "通知", "description": "短信、邮件与站内通知的记录、失败重试、记录型短信发件箱"},
    {"name": "站内信", "description": "工作人员的站内通知：交办、提醒、超期预警、督办"},
    {"name": "通知模板", "description": "中文 Jinja2 模板，版本化，保存时校验变量"},
    {"name": "通知规则", "description": "事件类型 → 接收人、通道、模板"},
    {"name": "工作人员通讯录", "description": "各单位承办人、督办人员、网格团队的通知方式"},
    {"name": "Webhook", "description": "向职能部门与合作单位推送的签名 Webhook：订阅、密钥轮换、投递日志、重新投递"},
    {"name": "运维", "description": "健康检查"},
]


def batch_handler(settings: NotifySettings) -> BatchEffectHandler:
    """Every sink for a batch of events."""

    async def handle(session: AsyncSession, events: Sequence[CloudEvent]) -> None:
        with version_read_once(session):  # the sinks only read the directory: one read of its version per batch
            for sink in SINKS:
                await sink(session, events, settings)

    return handle


def handlers(settings: NotifySettings) -> Mapping[type[CloudEvent], EffectHandler]:
    """One handler per consumed event type: every sink for the event alone."""
    handle_batch = batch_handler(settings)

    async def handle(session: AsyncSession, event: CloudEvent) -> None:
        await handle_batch(session, [event])

    return {event_class: handle for event_class in CONSUMED_BY["notify"]}


async def on_started(runtime: ServiceRuntime) -> None:
    for start in STARTERS:
        await start(runtime)


def definition() -> ServiceDefinition:
    return ServiceDefinition(
        name="notify",
        settings_class=NotifySettings,
        service_root=SERVICE_ROOT,
        title="通知服务 notify_svc",
        description="向信访人、工作人员发送通知，向职能部门与合作单位推送签名 Webhook。所有接口位于 /notify/v1 之下。",
        routers=tuple(ROUTERS),
        handlers=handlers,
        batch_handler=batch_handler,
        on_started=on_started,
        openapi_tags=tuple(TAGS),
    )


DEFINITION = definition()


def create_app(settings: NotifySettings | None = None, bus: MessageBus | None = None) -> FastAPI:
    return create_service_app(definition(), settings=settings or NotifySettings(), bus=bus)
