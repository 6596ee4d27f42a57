from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Request

from intake_api.dependencies import Settings
from intake_api.reception import rules as shared
from intake_api.reception.appointments import service
from intake_api.reception.appointments.schemas import (
    AppointmentCreate,
    AppointmentRead,
    Cancellation,
    SessionCreate,
    SessionRead,
)
from services.http.auth import CurrentPrincipal, Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, problem_responses
from services.http.idempotency import IdempotencyKey, idempotent_create
from services.http.pagination import Cursor, Limit, Page, cursor_uuid, page_of

router = APIRouter(prefix="/appointments", tags=["预约接访"], responses=PROBLEM_RESPONSES)

Organiser = Annotated[Principal, require_roles("reception", "leader", "supervisor", "admin")]
Booker = Annotated[Principal, require_roles(*shared.STAFF_ROLES, "petitioner")]


@router.post(
    "/sessions",
    status_code=201,
    response_model=SessionRead,
    operation_id="create_reception_session",
    responses=problem_responses(415),
    summary="发布接访场次",
    description="工作人员发布领导或部门接访场次：日期时间、接访领导或部门、地点、可预约人数。支持 Idempotency-Key。",
)
async def create_reception_session(
    body: SessionCreate, session: SessionDep, principal: Organiser, settings: Settings, request: Request,
    key: IdempotencyKey = None,
):  # fmt: skip
    async def create() -> SessionRead:
        slot = await service.create_session(session=session, request=body, principal=principal, settings=settings)
        return SessionRead.model_validate(slot)

    return await idempotent_create(session, key=key, principal=principal.sub, request=request, body=body, create=create)


@router.get(
    "/sessions",
    response_model=Page[SessionRead],
    operation_id="list_reception_sessions",
    summary="可预约的接访场次",
    description="尚未开始的接访场次及已预约人数（游标分页）。信访人与工作人员均可查看。",
)
async def list_reception_sessions(
    session: SessionDep, principal: CurrentPrincipal, limit: Limit = 20, cursor: Cursor = None
) -> Page[SessionRead]:
    rows = await service.upcoming_sessions(session=session, after=cursor_uuid(cursor), limit=limit)
    return page_of([SessionRead.model_validate(row) for row in rows], limit=limit)


@router.get(
    "/sessions/{session_id}",
    response_model=SessionRead,
    operation_id="get_reception_session",
    responses=problem_responses(404),
    summary="查看接访场次",
    description="返回接访场次及已预约人数。",
)
async def get_reception_session(session_id: UUID, session: SessionDep, principal: CurrentPrincipal) -> SessionRead:
    return SessionRead.model_validate(await service.get_session(session=session, session_id=session_id))


@router.post(
    "",
    status_code=201,
    response_model=AppointmentRead,
    operation_id="book_appointment",
    responses=problem_responses(409, 415),
    summary="预约接访",
    description="信访人为本人预约，或工作人员代为预约（须填 petitioner_id）。场次已满、已开始或本人已预约时返回 409，"
    "并发预约也不会超过名额。成功后发布 xinfang.appointment.booked.v1（通知服务据此发送确认和前一天的提醒）。"
    "支持 Idempotency-Key。",
)
async def book_appointment(
    body: AppointmentCreate, session: SessionDep, principal: Booker, settings: Settings, request: Request,
    key: IdempotencyKey = None,
):  # fmt: skip
    async def create() -> AppointmentRead:
        appointment = await service.book(session=session, request=body, principal=principal, settings=settings)
        return AppointmentRead.model_validate(appointment)

    return await idempotent_create(session, key=key, principal=principal.sub, request=request, body=body, create=create)


@router.get(
    "/{appointment_id}",
    response_model=AppointmentRead,
    operation_id="get_appointment",
    responses=problem_responses(404),
    summary="查看预约",
    description="信访人只能查看本人的预约；他人的预约返回 404。",
)
async def get_appointment(appointment_id: UUID, session: SessionDep, principal: Booker) -> AppointmentRead:
    appointment = await service.get_appointment(session=session, appointment_id=appointment_id, principal=principal)
    return AppointmentRead.model_validate(appointment)


@router.post(
    "/{appointment_id}/cancel",
    response_model=AppointmentRead,
    operation_id="cancel_appointment",
    responses=problem_responses(404, 409, 415),
    summary="取消预约",
    description="信访人取消本人预约，或工作人员代为取消；名额释放。已取消或场次已开始时返回 409。"
    "成功后发布 xinfang.appointment.cancelled.v1。",
)
async def cancel_appointment(
    appointment_id: UUID, body: Cancellation, session: SessionDep, principal: Booker, settings: Settings
) -> AppointmentRead:
    appointment = await service.cancel(
        session=session, appointment_id=appointment_id, reason=body.reason, principal=principal, settings=settings
    )
    return AppointmentRead.model_validate(appointment)
