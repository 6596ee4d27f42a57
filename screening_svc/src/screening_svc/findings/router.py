from datetime import UTC, datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request

from screening_svc.findings import service
from screening_svc.findings.schemas import FindingCreate, FindingRead
from screening_svc.grids.rules import scope_of
from services.http.auth import CurrentPrincipal, Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, problem_responses
from services.http.idempotency import IdempotencyKey, idempotent_create
from services.http.pagination import Cursor, Limit, Page, cursor_uuid, page_of

router = APIRouter(prefix="/findings", tags=["微诉求与微矛盾"], responses=PROBLEM_RESPONSES)

Reporter = Annotated[Principal, require_roles("grid_worker", "informant", "admin")]


@router.post(
    "",
    status_code=201,
    response_model=FindingRead,
    operation_id="report_finding",
    responses=problem_responses(415),
    summary="上报微诉求或微矛盾",
    description="网格员、信访信息员上报所在网格发现的微诉求、微矛盾（涉及人数只计数）。轻微的当场化解并记录措施"
    "（xinfang.conflict.resolved_on_spot.v1）；一般、复杂、疑难的分别上交社区、街道、区级统筹"
    "（xinfang.conflict.escalated.v1，由 routing_svc 立案）；每次上报另发 xinfang.conflict.reported.v1。"
    "网格不在范围内、分类不在目录中时返回 422。支持 Idempotency-Key。",
)
async def report_finding(
    body: FindingCreate, session: SessionDep, principal: Reporter, request: Request, key: IdempotencyKey = None
):
    async def create() -> FindingRead:
        return await service.report_finding(
            session=session, request=body, scope=scope_of(principal), reported_by=principal.sub, now=datetime.now(UTC)
        )

    return await idempotent_create(session, key=key, principal=principal.sub, request=request, body=body, create=create)


@router.get(
    "",
    response_model=Page[FindingRead],
    operation_id="list_findings",
    summary="排查发现列表",
    description="调用者范围内网格的微诉求与微矛盾及其案件办理情况，可按网格与处置方式筛选，游标分页。",
)
async def list_findings(
    session: SessionDep,
    principal: CurrentPrincipal,
    grid_code: Annotated[str | None, Query(pattern=r"^\d{14}$", description="只看该网格")] = None,
    outcome: Annotated[Literal["resolved_on_spot", "escalated"] | None, Query(description="处置方式")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[FindingRead]:
    found = await service.list_findings(
        session=session,
        scope=scope_of(principal),
        grid_code=grid_code,
        outcome=outcome,
        after=cursor_uuid(cursor),
        limit=limit + 1,
    )
    return page_of(found, limit=limit)


@router.get(
    "/{finding_id}",
    response_model=FindingRead,
    operation_id="get_finding",
    responses=problem_responses(404),
    summary="查看排查发现及其案件进展",
    description="一条微诉求或微矛盾：当场化解的措施，或上交后案件所处状态、承办单位、层级及办结方式（闭环回到网格）。"
    "不在范围内或不存在均返回 404。",
)
async def get_finding(finding_id: UUID, session: SessionDep, principal: CurrentPrincipal) -> FindingRead:
    return await service.get_finding(session=session, finding_id=finding_id, scope=scope_of(principal))
