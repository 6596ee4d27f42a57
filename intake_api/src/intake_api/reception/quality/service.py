"""Use cases of reception quality: the petitioner's rating, supervisors' spot checks, follow-up calls,
complaints about staff. A reception is a queue ticket that was called (and, to be rated, completed)."""

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.reception import rules as shared
from intake_api.reception import service as reception
from intake_api.reception.exceptions import ReceptionNotFound
from intake_api.reception.hall import repository as tickets
from intake_api.reception.hall.models import QueueTicket
from intake_api.reception.quality import repository, rules
from intake_api.reception.quality.exceptions import (
    AlreadyRated,
    InvalidQualityRecord,
    NotCheckable,
    NotRateable,
    StaffMismatch,
)
from intake_api.reception.quality.models import FollowUpCall, ReceptionRating, SpotCheck, StaffComplaint
from intake_api.reception.quality.schemas import ComplaintCreate, FollowUpCreate, RatingCreate, SpotCheckCreate
from services.contracts.intake import ReceptionRated, ReceptionRatedData
from services.db import add_event
from services.http.auth import Principal
from services.http.errors import FieldError
from services.ids import uuid7


async def reception_for(*, session: AsyncSession, ticket_id: UUID, principal: Principal) -> QueueTicket:
    """Staff of the hall's jurisdiction, or the petitioner who was received; anyone else gets 404."""
    ticket = await tickets.get(session, ticket_id)
    if ticket is None:
        raise ReceptionNotFound()
    if shared.is_staff(principal):
        visible = shared.staff_covers(principal, ticket.jurisdiction_code)
    else:
        visible = await reception.owns(session=session, principal=principal, petitioner_id=ticket.petitioner_id)
    if not visible:
        raise ReceptionNotFound()
    return ticket


async def rate(
    *, session: AsyncSession, ticket_id: UUID, request: RatingCreate, principal: Principal
) -> ReceptionRating:
    """Once per completed reception; stages ``xinfang.reception.rated.v1``."""
    ticket = await reception_for(session=session, ticket_id=ticket_id, principal=principal)
    if ticket.status not in rules.RATEABLE:
        raise NotRateable()
    if await repository.rating_of(session, ticket.id) is not None:
        raise AlreadyRated()
    now = datetime.now(UTC)
    rating = ReceptionRating(
        id=uuid7(), ticket_id=ticket.id, staff_id=ticket.staff_id, attitude=request.attitude,
        efficiency=request.efficiency, comment=request.comment, rated_by=principal.sub, created_at=now,
    )  # fmt: skip
    if not await repository.add_rating(session, rating):
        raise AlreadyRated()
    data = ReceptionRatedData(
        reception_id=ticket.id, staff_id=rating.staff_id, attitude=rating.attitude, efficiency=rating.efficiency,
        occurred_at=now,
    )  # fmt: skip
    await add_event(session, ReceptionRated.create(subject=str(ticket.id), data=data))
    return rating


async def spot_check(
    *, session: AsyncSession, ticket_id: UUID, request: SpotCheckCreate, principal: Principal
) -> SpotCheck:
    ticket = await reception_for(session=session, ticket_id=ticket_id, principal=principal)
    if ticket.status not in rules.CHECKABLE:
        raise NotCheckable()
    check = SpotCheck(
        id=uuid7(), ticket_id=ticket.id, staff_id=ticket.staff_id, score=request.score, findings=request.findings,
        checked_by=principal.sub, created_at=datetime.now(UTC),
    )  # fmt: skip
    repository.add(session, check)
    return check


async def follow_up(
    *, session: AsyncSession, ticket_id: UUID, request: FollowUpCreate, principal: Principal
) -> FollowUpCall:
    errors = rules.follow_up_errors(reached=request.reached, satisfaction=request.satisfaction)
    if errors:
        raise InvalidQualityRecord(errors=errors)
    ticket = await reception_for(session=session, ticket_id=ticket_id, principal=principal)
    if ticket.status not in rules.RATEABLE:
        raise NotRateable()
    call = FollowUpCall(
        id=uuid7(), ticket_id=ticket.id, staff_id=ticket.staff_id, reached=request.reached,
        satisfaction=request.satisfaction, notes=request.notes, called_by=principal.sub, created_at=datetime.now(UTC),
    )  # fmt: skip
    repository.add(session, call)
    return call


async def record_complaint(
    *, session: AsyncSession, request: ComplaintCreate, principal: Principal, district_code: str
) -> StaffComplaint:
    staff_id, jurisdiction = request.staff_id, district_code
    if request.ticket_id is not None:
        ticket = await _complained_reception(session, request.ticket_id, principal)
        if staff_id is not None and staff_id != ticket.staff_id:
            raise StaffMismatch()
        staff_id, jurisdiction = ticket.staff_id, ticket.jurisdiction_code
    elif staff_id is None:
        raise InvalidQualityRecord(errors=[_missing_staff()])
    complaint = StaffComplaint(
        id=uuid7(), staff_id=staff_id, ticket_id=request.ticket_id, content=request.content,
        recorded_by=principal.sub, jurisdiction_code=jurisdiction, created_at=datetime.now(UTC),
    )  # fmt: skip
    repository.add(session, complaint)
    return complaint


async def _complained_reception(session: AsyncSession, ticket_id: UUID, principal: Principal) -> QueueTicket:
    ticket = await tickets.get(session, ticket_id)
    if ticket is None or ticket.staff_id is None or not shared.staff_covers(principal, ticket.jurisdiction_code):
        raise InvalidQualityRecord(errors=[_pointer("/ticket_id", "reception_unknown", "没有该次已叫号的接待")])
    return ticket


def _missing_staff() -> FieldError:
    return _pointer("/staff_id", "missing", "未指明接待记录时须填写被投诉的工作人员")


def _pointer(pointer: str, code: str, detail: str) -> FieldError:
    return FieldError(pointer=pointer, code=code, detail=detail)
