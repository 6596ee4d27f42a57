from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request

from routing_svc.cases.models import SupervisionOrder
from routing_svc.cases.router import CaseReader, PolicyDep
from routing_svc.supervision import service
from routing_svc.supervision.schemas import SupervisionAnswer, SupervisionCreate, SupervisionRead
from services.http.auth import Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, problem_responses
from services.http.idempotency import IdempotencyKey, idempotent_create
from services.http.pagination import Cursor, Limit, Page, cursor_uuid, page_of

router = APIRouter(tags=["督办"], responses=PROBLEM_RESPONSES)

Supervisor = Annotated[Principal, require_roles("supervisor", "leader", "admin")]
UnitStaff = Annotated[Principal, require_roles("handler", "department", "admin")]


def read(order: SupervisionOrder) -> SupervisionRead:
    return SupervisionRead.model_validate(order, from_attributes=True).model_copy(
        update={"automatic": order.clock_id is not None}
    )


@router.post(
    "/cases/{case_id}/supervise",
    status_code=201,
    response_model=SupervisionRead,
    operation_id="supervise_case",
    responses=problem_responses(404, 409, 415),
    summary="督办案件",
    description="向案件的承办单位下达督办单（第40条），写明事由与书面答复期限，可挂牌督办；"
    "发布 xinfang.case.supervised.v1。已办结的案件返回 409。支持 Idempotency-Key。",
)
async def supervise_case(
    case_id: UUID,
    body: SupervisionCreate,
    session: SessionDep,
    principal: Supervisor,
    policy: PolicyDep,
    request: Request,
    key: IdempotencyKey = None,
):
    async def create() -> SupervisionRead:
        order = await service.issue(session=session, case_id=case_id, principal=principal, request=body, policy=policy)
        await session.flush()
        return read(order)

    return await idempotent_create(session, key=key, principal=principal.sub, request=request, body=body, create=create)


@router.post(
    "/supervision-orders/{order_id}/answer",
    response_model=SupervisionRead,
    operation_id="answer_supervision_order",
    responses=problem_responses(404, 409, 415),
    summary="书面答复督办",
    description="被督办单位书面答复督办单；已答复的返回 409，其他单位的督办单返回 404。",
)
async def answer_supervision_order(
    order_id: UUID, body: SupervisionAnswer, session: SessionDep, principal: UnitStaff
) -> SupervisionRead:
    return read(await service.answer(session=session, order_id=order_id, principal=principal, request=body))


@router.get(
    "/supervision-orders",
    response_model=Page[SupervisionRead],
    operation_id="list_supervision_orders",
    summary="督办单列表（挂牌督办）",
    description="本辖区的督办单：listed=true 为挂牌督办名单，open=true 只看尚未书面答复的；游标分页。",
)
async def list_supervision_orders(
    session: SessionDep,
    principal: CaseReader,
    policy: PolicyDep,
    listed: Annotated[bool | None, Query(description="只看挂牌督办（true）或普通督办（false）")] = None,
    open_only: Annotated[bool, Query(alias="open", description="只看尚未答复的")] = False,
    case_id: Annotated[UUID | None, Query(description="某案件的督办单")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[SupervisionRead]:
    orders = await service.list_orders(
        session=session,
        principal=principal,
        policy=policy,
        listed=listed,
        open_only=open_only,
        case_id=case_id,
        after=cursor_uuid(cursor),
        limit=limit + 1,
    )
    return page_of([read(order) for order in orders], limit=limit)
