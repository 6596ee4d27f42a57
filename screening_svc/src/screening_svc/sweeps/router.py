from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request

from screening_svc.dependencies import Settings
from screening_svc.grids.rules import MANAGER_ROLES, scope_of
from screening_svc.sweeps import rules, service
from screening_svc.sweeps.exceptions import InvalidWeek
from screening_svc.sweeps.schemas import ComplianceReport, SweepCreate, SweepRead
from services.http.auth import CurrentPrincipal, Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, problem_responses
from services.http.idempotency import IdempotencyKey, idempotent_create
from services.http.pagination import Cursor, Limit, Page, cursor_uuid, page_of

router = APIRouter(prefix="/sweeps", tags=["排查"], responses=PROBLEM_RESPONSES)

Sweeper = Annotated[Principal, require_roles("grid_worker", *MANAGER_ROLES)]
Week = Annotated[str, Query(pattern=rules.WEEK_PATTERN, description="ISO 周，如 2026-W10（北京时间）")]
OptionalWeek = Annotated[str | None, Query(pattern=rules.WEEK_PATTERN, description="只看该 ISO 周")]
GridFilter = Annotated[str | None, Query(pattern=r"^\d{14}$", description="只看该网格")]


def _checked(week: str) -> str:
    try:
        rules.week_monday(week)
    except ValueError:
        raise InvalidWeek() from None
    return week


@router.post(
    "",
    status_code=201,
    response_model=SweepRead,
    operation_id="record_sweep",
    responses=problem_responses(409, 415),
    summary="登记拉网式排查",
    description="网格员登记一次排查：走访户数、走访的重点人员、发现的问题。所属 ISO 周由排查时间（北京时间）决定；"
    "该周关闭（周日后宽限期届满）后再登记返回 409。发出 xinfang.sweep.completed.v1。支持 Idempotency-Key。",
)
async def record_sweep(
    body: SweepCreate,
    session: SessionDep,
    principal: Sweeper,
    settings: Settings,
    request: Request,
    key: IdempotencyKey = None,
):
    async def create() -> SweepRead:
        return await service.record_sweep(
            session=session,
            request=body,
            scope=scope_of(principal),
            swept_by=principal.sub,
            now=datetime.now(UTC),
            grace_days=settings.sweep_grace_days,
        )

    return await idempotent_create(session, key=key, principal=principal.sub, request=request, body=body, create=create)


@router.get(
    "",
    response_model=Page[SweepRead],
    operation_id="list_sweeps",
    summary="排查记录列表",
    description="调用者范围内网格的排查记录，可按网格与 ISO 周筛选，游标分页。",
)
async def list_sweeps(
    session: SessionDep,
    principal: CurrentPrincipal,
    grid_code: GridFilter = None,
    week: OptionalWeek = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[SweepRead]:
    sweeps = await service.list_sweeps(
        session=session,
        scope=scope_of(principal),
        grid_code=grid_code,
        week=_checked(week) if week else None,
        after=cursor_uuid(cursor),
        limit=limit + 1,
    )
    return page_of(sweeps, limit=limit)


@router.get(
    "/compliance",
    response_model=ComplianceReport,
    operation_id="sweep_compliance",
    summary="每周排查合规情况",
    description="某 ISO 周调用者范围内（可再按辖区代码收窄）未完成规定排查次数的网格，以及未在走访周期内走访的"
    "重点人员（只列引用 ID）。每周、每月走访周期分别按该周、截至该周日的 30 天计算。",
)
async def sweep_compliance(
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: Settings,
    week: Week,
    jurisdiction: Annotated[
        str | None, Query(pattern=r"^\d{6,12}$", description="只看该辖区（区、街道或社区）")
    ] = None,
) -> ComplianceReport:
    return await service.compliance(
        session=session,
        scope=scope_of(principal),
        jurisdiction=jurisdiction,
        week=_checked(week),
        now=datetime.now(UTC),
        grace_days=settings.sweep_grace_days,
    )


@router.get(
    "/{sweep_id}",
    response_model=SweepRead,
    operation_id="get_sweep",
    responses=problem_responses(404),
    summary="查看排查记录",
    description="一次排查的记录。不在范围内或不存在均返回 404。",
)
async def get_sweep(sweep_id: UUID, session: SessionDep, principal: CurrentPrincipal) -> SweepRead:
    return await service.get_sweep(session=session, sweep_id=sweep_id, scope=scope_of(principal))
