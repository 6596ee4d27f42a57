from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Request

from intake_api.dependencies import Settings
from intake_api.reception import rules as shared
from intake_api.reception.hall import service
from intake_api.reception.hall.schemas import Board, CheckIn, TicketCompletion, TicketRead
from services.http.auth import Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, problem_responses
from services.http.idempotency import IdempotencyKey, idempotent_create

router = APIRouter(prefix="/hall", tags=["接待大厅"], responses=PROBLEM_RESPONSES)

Receptionist = Annotated[Principal, require_roles(*shared.RECEPTION_ROLES)]
Staff = Annotated[Principal, require_roles(*shared.STAFF_ROLES)]


@router.post(
    "/tickets",
    status_code=201,
    response_model=TicketRead,
    operation_id="check_in_visitor",
    responses=problem_responses(409, 415),
    summary="来访取号",
    description="为来访群众取排队号（按日、按接待室编号，如 A012）。"
    "老年人、未成年人、残疾人、重病患者和情绪激动者优先，并分到老年人专区、未成年人接待室、无障碍接待室、情绪疏导室；"
    "其余到综合接待区。支持 Idempotency-Key。",
)
async def check_in_visitor(
    body: CheckIn, session: SessionDep, principal: Receptionist, settings: Settings, request: Request,
    key: IdempotencyKey = None,
):  # fmt: skip
    async def create() -> TicketRead:
        ticket = await service.check_in(session=session, request=body, principal=principal, settings=settings)
        return _read(ticket)

    return await idempotent_create(session, key=key, principal=principal.sub, request=request, body=body, create=create)


@router.get(
    "/board",
    response_model=Board,
    operation_id="get_queue_board",
    summary="排队看板",
    description="今日各接待室的等候情况：排队号、脱敏姓名、已等候分钟数；优先接待者在前，其余按取号先后。",
)
async def get_queue_board(session: SessionDep, principal: Staff) -> Board:
    return await service.board(session=session, principal=principal)


@router.get(
    "/tickets/{ticket_id}",
    response_model=TicketRead,
    operation_id="get_ticket",
    responses=problem_responses(404),
    summary="查看排队号",
    description="返回排队号及其状态、叫号人、等候时长。",
)
async def get_ticket(ticket_id: UUID, session: SessionDep, principal: Staff) -> TicketRead:
    return _read(await service.get_ticket(session=session, ticket_id=ticket_id, principal=principal))


@router.post(
    "/tickets/{ticket_id}/call",
    response_model=TicketRead,
    operation_id="call_ticket",
    responses=problem_responses(404, 409),
    summary="叫号",
    description="接访人员叫号开始接待，记录等候时长。只有等候中的号可以叫；否则 409。",
)
async def call_ticket(ticket_id: UUID, session: SessionDep, principal: Receptionist) -> TicketRead:
    return _read(await service.call(session=session, ticket_id=ticket_id, principal=principal))


@router.post(
    "/tickets/{ticket_id}/complete",
    response_model=TicketRead,
    operation_id="complete_ticket",
    responses=problem_responses(404, 409, 415),
    summary="接待完毕",
    description="结束接待并关联本次登记的信访件。只有已叫号的号可以结束；否则 409。",
)
async def complete_ticket(
    ticket_id: UUID, body: TicketCompletion, session: SessionDep, principal: Receptionist
) -> TicketRead:
    ticket = await service.complete(
        session=session, ticket_id=ticket_id, petition_id=body.petition_id, principal=principal
    )
    return _read(ticket)


@router.post(
    "/tickets/{ticket_id}/no-show",
    response_model=TicketRead,
    operation_id="mark_ticket_no_show",
    responses=problem_responses(404, 409),
    summary="过号",
    description="叫号未到或离开的号标记为过号。等候中或已叫号的号可以过号；否则 409。",
)
async def mark_ticket_no_show(ticket_id: UUID, session: SessionDep, principal: Receptionist) -> TicketRead:
    return _read(await service.no_show(session=session, ticket_id=ticket_id, principal=principal))


def _read(ticket) -> TicketRead:
    return TicketRead.model_validate(ticket)
