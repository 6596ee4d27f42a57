from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Response

from routing_svc.cases import repository, service, views, workflow
from routing_svc.cases.consumers import policy_of
from routing_svc.cases.schemas import CaseRead, StepRead
from routing_svc.dependencies import Settings
from services.http.auth import Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_JSON, PROBLEM_RESPONSES, Problem, problem_responses
from services.http.pagination import Cursor, Limit, Page, cursor_uuid, page_of

router = APIRouter(prefix="/cases", tags=["案件"], responses=PROBLEM_RESPONSES)

CaseReader = Annotated[Principal, require_roles("handler", "department", "supervisor", "leader", "reception", "admin")]
IfMatch = Annotated[str | None, Header(alias="If-Match", max_length=200, description="案件的 ETag（读取时的响应头）")]


async def get_policy(settings: Settings) -> workflow.Policy:
    return policy_of(settings)


PolicyDep = Annotated[workflow.Policy, Depends(get_policy)]


def _extra(status: int, description: str) -> dict:
    return {status: {"model": Problem, "description": description, "content": {PROBLEM_JSON: {}}}}


UPDATE_RESPONSES = (
    problem_responses(404, 409, 415)
    | _extra(412, "If-Match 与案件当前 ETag 不符（案件已被他人修改）")
    | _extra(428, "修改案件须携带 If-Match 请求头")
)


@router.get(
    "",
    response_model=Page[CaseRead],
    operation_id="list_cases",
    summary="案件列表",
    description="本辖区的案件（社区看本社区，街道看所辖社区，区看全部，部门看本部门），按立案先后排序，游标分页。"
    "可按 petition_id 查找某信访件对应的案件，按 finding_id 查找网格排查上交的案件。",
)
async def list_cases(
    session: SessionDep,
    principal: CaseReader,
    petition_id: Annotated[UUID | None, Query(description="信访件 ID")] = None,
    finding_id: Annotated[UUID | None, Query(description="网格排查发现 ID")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[CaseRead]:
    criteria = repository.QueueFilter(
        scope=None, petition_id=petition_id, finding_id=finding_id, after=cursor_uuid(cursor)
    )
    cases = await service.list_cases(session=session, principal=principal, criteria=criteria, limit=limit + 1)
    return page_of(await views.case_views(session, cases), limit=limit)


@router.get(
    "/{case_id}",
    response_model=CaseRead,
    operation_id="get_case",
    responses=problem_responses(404),
    summary="查看案件",
    description="案件详情，含正在运行的法定时限与当前允许的操作；响应头 ETag 用于修改时的 If-Match。"
    "其他辖区的案件与不存在的案件一样返回 404。检举控告类案件不显示信访人信息（第30条）。",
)
async def get_case(case_id: UUID, session: SessionDep, principal: CaseReader, response: Response) -> CaseRead:
    case = await service.get_case(session=session, case_id=case_id, principal=principal)
    response.headers["ETag"] = workflow.etag(case)
    return (await views.case_views(session, [case], full=True))[0]


@router.get(
    "/{case_id}/steps",
    response_model=list[StepRead],
    operation_id="list_case_steps",
    responses=problem_responses(404),
    summary="案件办理过程",
    description="案件的每一步：操作、前后状态、操作人、单位、时间及理由、答复、回访记录等详情。",
)
async def list_case_steps(case_id: UUID, session: SessionDep, principal: CaseReader) -> list[StepRead]:
    case = await service.get_case(session=session, case_id=case_id, principal=principal)
    return [StepRead.model_validate(step) for step in await repository.steps_of(session, case.id)]


def now() -> datetime:
    return datetime.now(UTC)
