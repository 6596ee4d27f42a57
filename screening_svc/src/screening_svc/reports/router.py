from datetime import UTC, datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from screening_svc.dependencies import Settings
from screening_svc.grids.rules import MANAGER_ROLES, covers, local_date, scope_of
from screening_svc.reports import documents, early_warning, rules, service
from screening_svc.reports.exceptions import InvalidPeriod, JurisdictionNotFound, JurisdictionRequired
from screening_svc.reports.schemas import Cadence, ReportPublish, ReportRead, WarningList
from services.http.auth import Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, problem_responses
from services.http.idempotency import IdempotencyKey, idempotent_create

router = APIRouter(tags=["周排查、月研判、季通报"], responses=PROBLEM_RESPONSES)

Reader = Annotated[Principal, require_roles(*MANAGER_ROLES)]
Publisher = Annotated[Principal, require_roles("supervisor", "leader", "admin")]
Jurisdiction = Annotated[
    str | None, Query(pattern=r"^\d{6}(\d{3}(\d{3})?)?$", description="区、街道或社区代码（默认调用者辖区）")
]
Period = Annotated[str | None, Query(description="周期：2026-W10、2026-03 或 2026-Q1（默认当前周期）")]
Format = Annotated[Literal["json", "html"] | None, Query(description="html 返回可读文档（也可 Accept: text/html）")]
_HTML = {200: {"content": {"text/html": {}}, "description": "JSON 报告，或 HTML 可读文档（含图表）"}}


def _place(principal: Principal, jurisdiction: str | None) -> str:
    code = jurisdiction or principal.jurisdiction
    if not code:
        raise JurisdictionRequired()
    if not covers(scope_of(principal), code):
        raise JurisdictionNotFound()
    return code


def _period(cadence: str, period: str | None, *, pointer: str | None = None) -> str:
    if period is None:
        return rules.period_of(cadence, local_date(datetime.now(UTC)))
    try:
        rules.period_days(cadence, period)
    except ValueError:
        raise InvalidPeriod(pointer=pointer, parameter=None if pointer else "period") from None
    return period


def _wants_html(request: Request, format_: str | None) -> bool:
    return format_ == "html" or (format_ is None and "text/html" in request.headers.get("accept", ""))


def _respond(report: ReportRead, request: Request, format_: str | None):
    return HTMLResponse(documents.render(report)) if _wants_html(request, format_) else report


async def _generate(session, settings, cadence: str, period: str, place: str) -> ReportRead:
    return await service.generate(
        session=session, cadence=cadence, period=period, jurisdiction=place, now=datetime.now(UTC),
        grace_days=settings.sweep_grace_days, rising_minimum=settings.warning_rising_minimum,
    )  # fmt: skip


@router.get(
    "/reports/published/{report_id}",
    response_model=ReportRead,
    operation_id="get_published_report",
    responses=problem_responses(404) | _HTML,
    summary="查看已发布的报告",
    description="发布时保存的报告快照（JSON，或 format=html 的可读文档）。不在调用者辖区内返回 404。",
)
async def get_published_report(
    report_id: UUID, request: Request, session: SessionDep, principal: Reader, format: Format = None
):
    report = await service.get_published(session=session, report_id=report_id, scope=scope_of(principal))
    return _respond(report, request, format)


@router.get(
    "/reports/{cadence}",
    response_model=ReportRead,
    operation_id="get_report",
    responses=problem_responses(404, 422) | _HTML,
    summary="生成周排查、月研判或季通报报告",
    description="按当前数据为辖区生成报告：weekly 周排查（发现、排查、缺口）；monthly 月研判（分类别与分网格走势、"
    "热点、发现数上升的网格、重点人员走访覆盖、志愿服务与法治宣传）；quarterly 季通报（社区与街道排名、基层化解率"
    "对照 90% 目标、排查合规率）。format=html 或 Accept: text/html 返回含 SVG 图表的可读文档。",
)
async def get_report(
    cadence: Cadence,
    request: Request,
    session: SessionDep,
    principal: Reader,
    settings: Settings,
    period: Period = None,
    jurisdiction: Jurisdiction = None,
    format: Format = None,
):
    place = _place(principal, jurisdiction)
    report = await _generate(session, settings, cadence, _period(cadence, period), place)
    return _respond(report, request, format)


@router.post(
    "/reports/{cadence}/publish",
    status_code=201,
    response_model=ReportRead,
    operation_id="publish_report",
    responses=problem_responses(404, 415, 422),
    summary="发布报告",
    description="生成并保存报告快照，发出 xinfang.briefing.published.v1（href 指向快照）。支持 Idempotency-Key。",
)
async def publish_report(
    cadence: Cadence,
    body: ReportPublish,
    request: Request,
    session: SessionDep,
    principal: Publisher,
    settings: Settings,
    key: IdempotencyKey = None,
):
    place = _place(principal, body.jurisdiction)
    period = _period(cadence, body.period, pointer="/period")

    async def create() -> ReportRead:
        report = await _generate(session, settings, cadence, period, place)
        return await service.publish(session=session, report=report, published_by=principal.sub, now=datetime.now(UTC))

    return await idempotent_create(session, key=key, principal=principal.sub, request=request, body=body, create=create)


@router.get(
    "/warnings",
    response_model=WarningList,
    operation_id="list_warnings",
    responses=problem_responses(404, 422),
    summary="矛盾风险预警",
    description="针对事项、地点与类别的预警（不针对人员）：同一社区在设定天数内同类问题达到阈值；网格发现数连续"
    "数周上升。阈值可配置（SCREENING_WARNING_*）。",
)
async def list_warnings(
    session: SessionDep, principal: Reader, settings: Settings, jurisdiction: Jurisdiction = None
) -> WarningList:
    thresholds = rules.WarningThresholds(
        cluster_count=settings.warning_cluster_count, cluster_days=settings.warning_cluster_days,
        rising_weeks=settings.warning_rising_weeks, rising_minimum=settings.warning_rising_minimum,
    )  # fmt: skip
    return await early_warning.warnings(
        session=session, jurisdiction=_place(principal, jurisdiction), now=datetime.now(UTC), thresholds=thresholds
    )
