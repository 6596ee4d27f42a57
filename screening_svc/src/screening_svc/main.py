"""Composition root of screening_svc."""

import asyncio
import logging
from datetime import UTC, datetime

from fastapi import FastAPI

from screening_svc.config import ScreeningSettings
from screening_svc.db import SERVICE_ROOT
from screening_svc.demo import seed_demo_data
from screening_svc.findings.consumers import HANDLERS as FINDING_HANDLERS
from screening_svc.findings.router import router as findings_router
from screening_svc.grids.router import router as grids_router
from screening_svc.publicity.router import router as publicity_router
from screening_svc.reference.consumers import HANDLERS as REFERENCE_HANDLERS
from screening_svc.reports.router import router as reports_router
from screening_svc.residents.router import router as residents_router
from screening_svc.risk.router import router as risk_router
from screening_svc.sweeps import rules as sweep_rules
from screening_svc.sweeps.router import router as sweeps_router
from screening_svc.sweeps.service import close_week
from screening_svc.teams.router import router as teams_router
from screening_svc.volunteer_services.router import router as volunteer_services_router
from services.http.app import ServiceDefinition, ServiceRuntime, create_service_app
from services.messaging import MessageBus

log = logging.getLogger(__name__)


async def on_started(runtime: ServiceRuntime) -> None:
    if runtime.settings.demo_data:
        await seed_demo_data(runtime)
    if runtime.settings.week_close_job:
        runtime.tasks.append(asyncio.create_task(close_weeks(runtime), name="screening:close-weeks"))


async def close_weeks(runtime: ServiceRuntime) -> None:
    """End-of-week job: close the last closed week now and then every poll (idempotent, so replicas may overlap)."""
    settings = runtime.settings
    while True:
        now = datetime.now(UTC)
        try:
            week = sweep_rules.last_closed_week(now, settings.sweep_grace_days)
            if await close_week(runtime.session_factory, week, now, grace_days=settings.sweep_grace_days):
                runtime.relay.kick()
        except Exception:
            log.warning("closing the week failed, will retry", exc_info=True)
        await asyncio.sleep(settings.week_close_poll_seconds)


def handlers(settings: ScreeningSettings) -> dict:
    return {**FINDING_HANDLERS, **REFERENCE_HANDLERS}


DEFINITION = ServiceDefinition(
    name="screening",
    settings_class=ScreeningSettings,
    service_root=SERVICE_ROOT,
    title="网格排查服务 screening_svc",
    description="网格、周排查、微诉求与政策风险评估（源头预防）。所有接口位于 /screening/v1 之下。",
    routers=(
        grids_router,
        teams_router,
        residents_router,
        sweeps_router,
        findings_router,
        volunteer_services_router,
        publicity_router,
        reports_router,
        risk_router,
    ),
    handlers=handlers,
    on_started=on_started,
    openapi_tags=(
        {"name": "网格", "description": "网格与每周排查要求"},
        {"name": "网格力量", "description": "网格员、信访信息员、志愿者"},
        {"name": "重点人员", "description": "独居老人、困难家庭、信访老户等重点人员名册（加密保存）"},
        {"name": "排查", "description": "每周拉网式排查与合规情况"},
        {"name": "微诉求与微矛盾", "description": "网格发现、就地化解、分级上交与案件闭环"},
        {"name": "志愿服务", "description": "政策宣讲、法律咨询、心理疏导"},
        {"name": "法治宣传", "description": "信访法治宣传活动与宣传内容目录"},
        {"name": "周排查、月研判、季通报", "description": "由数据生成的周、月、季报告（JSON 或含图表的 HTML）与预警"},
        {"name": "政策风险评估", "description": "重大政策与项目的社会稳定风险评估、一户一档、实施后监测"},
        {"name": "运维", "description": "健康检查"},
    ),
)


def create_app(settings: ScreeningSettings | None = None, bus: MessageBus | None = None) -> FastAPI:
    return create_service_app(DEFINITION, settings=settings or ScreeningSettings(), bus=bus)
