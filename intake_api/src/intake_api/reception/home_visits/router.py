from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request

from intake_api.dependencies import Settings
from intake_api.reception import rules as shared
from intake_api.reception.home_visits import service
from intake_api.reception.home_visits.schemas import (
    HomeVisitCompletion,
    HomeVisitCreate,
    HomeVisitRead,
    HomeVisitSchedule,
)
from services.http.auth import Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, problem_responses
from services.http.idempotency import IdempotencyKey, idempotent_create
from services.http.pagination import Cursor, Limit, Page, cursor_uuid, page_of

router = APIRouter(prefix="/home-visits", tags=["上门接访"], responses=PROBLEM_RESPONSES)

Requester = Annotated[Principal, require_roles(*shared.STAFF_ROLES, "petitioner")]
Staff = Annotated[Principal, require_roles(*shared.STAFF_ROLES)]
StatusFilter = Annotated[Literal["requested", "scheduled", "completed"] | None, Query(description="按状态筛选")]


@router.post(
    "",
    status_code=201,
    response_model=HomeVisitRead,
    operation_id="request_home_visit",
    responses=problem_responses(415),
    summary="申请上门接访",
    description="残疾人、重病患者及行动不便的老年人申请上门接访：信访人本人申请，"
    "或工作人员代为申请（须填 petitioner_id）。发布 xinfang.home_visit.requested.v1。支持 Idempotency-Key。",
)
async def request_home_visit(
    body: HomeVisitCreate, session: SessionDep, principal: Requester, settings: Settings, request: Request,
    key: IdempotencyKey = None,
):  # fmt: skip
    async def create() -> HomeVisitRead:
        visit = await service.request_visit(session=session, request=body, principal=principal, settings=settings)
        return HomeVisitRead.model_validate(visit)

    return await idempotent_create(session, key=key, principal=principal.sub, request=request, body=body, create=create)


@router.get(
    "",
    response_model=Page[HomeVisitRead],
    operation_id="list_home_visits",
    summary="上门接访列表",
    description="本辖区的上门接访申请（游标分页），可按状态筛选，供安排干部。",
)
async def list_home_visits(
    session: SessionDep, principal: Staff, status: StatusFilter = None, limit: Limit = 20, cursor: Cursor = None
) -> Page[HomeVisitRead]:
    rows = await service.list_visits(
        session=session, principal=principal, status=status, after=cursor_uuid(cursor), limit=limit
    )
    return page_of([HomeVisitRead.model_validate(row) for row in rows], limit=limit)


@router.get(
    "/{visit_id}",
    response_model=HomeVisitRead,
    operation_id="get_home_visit",
    responses=problem_responses(404),
    summary="查看上门接访",
    description="工作人员查看本辖区的上门接访；信访人只能查看本人的申请。",
)
async def get_home_visit(visit_id: UUID, session: SessionDep, principal: Requester) -> HomeVisitRead:
    return HomeVisitRead.model_validate(
        await service.get_visit(session=session, visit_id=visit_id, principal=principal)
    )


@router.post(
    "/{visit_id}/schedule",
    response_model=HomeVisitRead,
    operation_id="schedule_home_visit",
    responses=problem_responses(404, 409, 415),
    summary="安排上门接访",
    description="指派上门接访干部并约定时间；尚未上门的可以重新安排。已完成的返回 409。",
)
async def schedule_home_visit(
    visit_id: UUID, body: HomeVisitSchedule, session: SessionDep, principal: Staff
) -> HomeVisitRead:
    visit = await service.schedule(session=session, visit_id=visit_id, request=body, principal=principal)
    return HomeVisitRead.model_validate(visit)


@router.post(
    "/{visit_id}/complete",
    response_model=HomeVisitRead,
    operation_id="complete_home_visit",
    responses=problem_responses(404, 409, 415),
    summary="上门接访完成",
    description="记录上门接访结果并关联上门时登记的信访件；只有已安排的可以完成，否则 409。"
    "发布 xinfang.home_visit.completed.v1。",
)
async def complete_home_visit(
    visit_id: UUID, body: HomeVisitCompletion, session: SessionDep, principal: Staff
) -> HomeVisitRead:
    visit = await service.complete(session=session, visit_id=visit_id, request=body, principal=principal)
    return HomeVisitRead.model_validate(visit)
