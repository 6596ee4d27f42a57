from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from routing_svc.cases import service
from routing_svc.cases.schemas import CaseRead
from services.http.auth import Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, problem_responses
from services.http.pagination import Cursor, Limit, Page, cursor_uuid, page_of

router = APIRouter(prefix="/cases", tags=["案件"], responses=PROBLEM_RESPONSES)

CaseReader = Annotated[Principal, require_roles("handler", "department", "supervisor", "leader", "reception", "admin")]


@router.get(
    "",
    response_model=Page[CaseRead],
    operation_id="list_cases",
    summary="案件列表",
    description="本辖区的案件（社区看本社区，街道看所辖社区，区看全部），按立案先后排序，游标分页。"
    "可按 petition_id 查找某信访件对应的案件。",
)
async def list_cases(
    session: SessionDep,
    principal: CaseReader,
    petition_id: Annotated[UUID | None, Query(description="信访件 ID")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[CaseRead]:
    cases = await service.list_cases(
        session=session, principal=principal, petition_id=petition_id, after=cursor_uuid(cursor), limit=limit + 1
    )
    return page_of([CaseRead.model_validate(c) for c in cases], limit=limit)


@router.get(
    "/{case_id}",
    response_model=CaseRead,
    operation_id="get_case",
    responses=problem_responses(404),
    summary="查看案件",
    description="其他辖区的案件与不存在的案件一样返回 404。",
)
async def get_case(case_id: UUID, session: SessionDep, principal: CaseReader) -> CaseRead:
    return CaseRead.model_validate(await service.get_case(session=session, case_id=case_id, principal=principal))
