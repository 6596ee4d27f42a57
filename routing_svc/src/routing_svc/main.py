"""Composition root of routing_svc."""

from fastapi import FastAPI

from routing_svc.calendar.router import router as calendar_router
from routing_svc.callbacks.router import router as callbacks_router
from routing_svc.cases import consumers as case_consumers
from routing_svc.cases import demo as demo_cases
from routing_svc.cases.action_router import router as case_actions_router
from routing_svc.cases.queue_router import router as queue_router
from routing_svc.cases.router import router as cases_router
from routing_svc.catalogue.router import router as categories_router
from routing_svc.config import RoutingSettings
from routing_svc.db import SERVICE_ROOT
from routing_svc.demo import publish_reference_snapshots, seed_demo_organisation
from routing_svc.figures.router import router as figures_router
from routing_svc.jurisdictions.router import departments_router, reference_router
from routing_svc.jurisdictions.router import router as jurisdictions_router
from routing_svc.scheduler import runner as scheduler
from routing_svc.supervision.router import router as supervision_router
from services.http.app import ServiceDefinition, ServiceRuntime, create_service_app
from services.messaging import MessageBus


async def on_started(runtime: ServiceRuntime) -> None:
    settings = runtime.settings
    if settings.demo_data:
        await seed_demo_organisation(runtime)
    if settings.demo_data or settings.publish_reference_on_start:
        await publish_reference_snapshots(runtime)
    scheduler.start(runtime)
    demo_cases.start(runtime)  # demo mode: takes the cases of intake's demo petitions along the lifecycle


DEFINITION = ServiceDefinition(
    name="routing",
    settings_class=RoutingSettings,
    service_root=SERVICE_ROOT,
    title="分级流转服务 routing_svc",
    description="社区 → 街道 → 区三级流转、法定时限、闭环管理。所有接口位于 /routing/v1 之下。",
    routers=(
        cases_router,
        case_actions_router,
        queue_router,
        supervision_router,
        callbacks_router,
        jurisdictions_router,
        departments_router,
        categories_router,
        calendar_router,
        reference_router,
        figures_router,
    ),
    handlers=case_consumers.handlers,
    on_started=on_started,
    openapi_tags=(
        {"name": "案件", "description": "由信访件或网格排查发现的矛盾生成的案件"},
        {"name": "督办", "description": "督办单（第40条）与挂牌督办"},
        {"name": "部门回调", "description": "职能部门以签名回调回传办理结果"},
        {"name": "辖区", "description": "区、街道、社区三级辖区及地址别名"},
        {"name": "部门", "description": "职能部门及其设置层级"},
        {"name": "分类目录", "description": "信访事项分类目录与分级主管部门（谁主管、谁负责）"},
        {"name": "法定节假日", "description": "官方节假日安排与期限计算"},
        {"name": "统计", "description": "考核指标与年度信访情况统计（第四十一条）"},
        {"name": "参考数据", "description": "向受理、排查服务发布辖区与分类目录快照"},
        {"name": "运维", "description": "健康检查"},
    ),
)


def create_app(settings: RoutingSettings | None = None, bus: MessageBus | None = None) -> FastAPI:
    return create_service_app(DEFINITION, settings=settings or RoutingSettings(), bus=bus)
