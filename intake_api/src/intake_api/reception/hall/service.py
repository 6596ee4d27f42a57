"""Use cases of the hall: check in, call, complete, mark a no-show, and the queue board."""

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.config import IntakeSettings
from intake_api.reception import rules as shared
from intake_api.reception import service as reception
from intake_api.reception.appointments import repository as appointments
from intake_api.reception.exceptions import LinkedPetitionUnknown
from intake_api.reception.hall import repository, rules
from intake_api.reception.hall.exceptions import AppointmentNotForCheckIn, TicketNotFound, TicketTransitionRefused
from intake_api.reception.hall.models import QueueTicket
from intake_api.reception.hall.schemas import Board, BoardRoom, BoardTicket, CheckIn
from services import pii
from services.http.auth import Principal
from services.ids import uuid7


async def check_in(
    *, session: AsyncSession, request: CheckIn, principal: Principal, settings: IntakeSettings
) -> QueueTicket:
    """A queue ticket in the room the visitor's needs call for; priority for the elderly, minors, the disabled,
    the seriously ill and people in distress."""
    petitioner_id = await _appointment_petitioner(session, request) or request.petitioner_id
    petitioner = await reception.optional_petitioner(session=session, petitioner_id=petitioner_id)
    needs = sorted(set(request.special_needs) | set(petitioner.special_needs if petitioner else ()))
    placement = rules.place(needs)
    now = datetime.now(UTC)
    day = shared.local_day(now)
    sequence = await repository.next_number(session, day=day, room=placement.room)
    ticket = QueueTicket(
        id=uuid7(), day=day, number=rules.ticket_number(placement.room, sequence), room=placement.room,
        priority=placement.priority, priority_reason=placement.priority_reason, name_masked=pii.mask_name(request.name),
        special_needs=needs, party_size=request.party_size, petitioner_id=petitioner_id,
        appointment_id=request.appointment_id, status="waiting", jurisdiction_code=settings.district_code,
        checked_in_by=principal.sub, checked_in_at=now, updated_at=now,
    )  # fmt: skip
    repository.add(session, ticket)
    return ticket


async def _appointment_petitioner(session: AsyncSession, request: CheckIn) -> UUID | None:
    """The person of the booked appointment the visitor arrives for (it must be theirs if both are given)."""
    if request.appointment_id is None:
        return None
    appointment = await appointments.get(session, request.appointment_id)
    if appointment is None or appointment.status != "booked":
        raise AppointmentNotForCheckIn()
    if request.petitioner_id is not None and appointment.petitioner_id != request.petitioner_id:
        raise AppointmentNotForCheckIn()
    return appointment.petitioner_id


async def get_ticket(*, session: AsyncSession, ticket_id: UUID, principal: Principal) -> QueueTicket:
    ticket = await repository.get(session, ticket_id)
    if ticket is None or not shared.staff_covers(principal, ticket.jurisdiction_code):
        raise TicketNotFound()
    return ticket


async def call(*, session: AsyncSession, ticket_id: UUID, principal: Principal) -> QueueTicket:
    ticket = await get_ticket(session=session, ticket_id=ticket_id, principal=principal)
    now = datetime.now(UTC)
    wait = rules.waiting_seconds(ticket.checked_in_at, now)
    await _move(session, ticket, "call", status="called", staff_id=principal.sub, called_at=now, wait_seconds=wait)
    return ticket


async def complete(
    *, session: AsyncSession, ticket_id: UUID, petition_id: UUID | None, principal: Principal
) -> QueueTicket:
    """The reception ended; linked to the petition registered or handled in it."""
    ticket = await get_ticket(session=session, ticket_id=ticket_id, principal=principal)
    petitioner_id = await _received_petitioner(session, ticket, petition_id=petition_id, principal=principal)
    now = datetime.now(UTC)
    values = {"status": "completed", "petition_id": petition_id, "petitioner_id": petitioner_id, "finished_at": now}
    await _move(session, ticket, "complete", **values)
    return ticket


async def _received_petitioner(
    session: AsyncSession, ticket: QueueTicket, *, petition_id: UUID | None, principal: Principal
) -> UUID | None:
    """The person received: the petitioner of the linked petition, which must be the ticket's if it names one."""
    if petition_id is None:
        return ticket.petitioner_id
    petition = await reception.linked_petition(session=session, petition_id=petition_id, principal=principal)
    if ticket.petitioner_id is not None and petition.petitioner_id != ticket.petitioner_id:
        raise LinkedPetitionUnknown()
    return petition.petitioner_id


async def no_show(*, session: AsyncSession, ticket_id: UUID, principal: Principal) -> QueueTicket:
    ticket = await get_ticket(session=session, ticket_id=ticket_id, principal=principal)
    await _move(session, ticket, "no_show", status="no_show", finished_at=datetime.now(UTC))
    return ticket


async def _move(session: AsyncSession, ticket: QueueTicket, action: str, **values) -> None:
    if not rules.allowed(action, ticket.status):
        raise TicketTransitionRefused(action=action, status=ticket.status)
    values["updated_at"] = values.get("called_at") or values.get("finished_at")
    if not await repository.transition(session, ticket.id, from_statuses=rules.TRANSITIONS[action], **values):
        raise TicketTransitionRefused(action=action, status="已被他人更改")


async def board(*, session: AsyncSession, principal: Principal) -> Board:
    now = datetime.now(UTC)
    day = shared.local_day(now)
    jurisdiction = shared.jurisdiction_scope(principal)
    tickets = await repository.on_board(session, day=day, jurisdiction=jurisdiction)
    rooms = [_room(room, [t for t in tickets if t.room == room], now=now) for room in rules.ROOMS]
    return Board(day=day, generated_at=now, rooms=rooms)


def _room(room: str, tickets: list[QueueTicket], *, now: datetime) -> BoardRoom:
    shown = [
        _board_ticket(t, now=now) for t in sorted(tickets, key=lambda t: rules.board_order(t.priority, t.checked_in_at))
    ]
    waiting = sum(1 for t in tickets if t.status == "waiting")
    return BoardRoom(room=room, room_name=rules.room_name(room), waiting=waiting, tickets=shown)


def _board_ticket(ticket: QueueTicket, *, now: datetime) -> BoardTicket:
    seconds = ticket.wait_seconds if ticket.status == "called" else rules.waiting_seconds(ticket.checked_in_at, now)
    return BoardTicket(
        number=ticket.number, name_masked=ticket.name_masked, priority=ticket.priority,
        priority_reason=ticket.priority_reason, status=ticket.status, waiting_minutes=shared.whole_minutes(seconds),
    )  # fmt: skip
