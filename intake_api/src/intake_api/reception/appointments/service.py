"""Use cases of appointments: sessions created by staff, booked and cancelled by petitioners or on their behalf.
Never more bookings than seats: a seat is taken by a conditional UPDATE before the booking is written."""

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.config import IntakeSettings
from intake_api.petitioners import repository as petitioners
from intake_api.reception import rules as shared
from intake_api.reception import service as reception
from intake_api.reception.appointments import events, repository, rules
from intake_api.reception.appointments.exceptions import (
    AlreadyBooked,
    AppointmentNotCancellable,
    AppointmentNotFound,
    InvalidSession,
    SessionFull,
    SessionNotFound,
    SessionStarted,
    SessionUnknown,
)
from intake_api.reception.appointments.models import Appointment, ReceptionSession
from intake_api.reception.appointments.schemas import AppointmentCreate, SessionCreate
from services.db import add_event
from services.http.auth import Principal
from services.ids import uuid7


async def create_session(
    *, session: AsyncSession, request: SessionCreate, principal: Principal, settings: IntakeSettings
) -> ReceptionSession:
    now = datetime.now(UTC)
    errors = rules.session_time_errors(starts_at=request.starts_at, ends_at=request.ends_at, now=now)
    if errors:
        raise InvalidSession(errors=errors)
    slot = ReceptionSession(
        id=uuid7(), **request.model_dump(), booked=0, jurisdiction_code=settings.district_code,
        created_by=principal.sub, created_at=now,
    )  # fmt: skip
    repository.add(session, slot)
    return slot


async def get_session(*, session: AsyncSession, session_id: UUID) -> ReceptionSession:
    slot = await repository.get_session(session, session_id)
    if slot is None:
        raise SessionNotFound()
    return slot


async def upcoming_sessions(*, session: AsyncSession, after: UUID | None, limit: int) -> list[ReceptionSession]:
    now = datetime.now(UTC)
    return await repository.upcoming_sessions(session, after=after, limit=limit, jurisdiction=None, now=now)


async def book(
    *, session: AsyncSession, request: AppointmentCreate, principal: Principal, settings: IntakeSettings
) -> Appointment:
    """A seat in the session for the petitioner (their own, or named by staff); 409 when full, started or
    already booked by them. Stages ``xinfang.appointment.booked.v1``."""
    petitioner = await reception.acting_petitioner(
        session=session, principal=principal, petitioner_id=request.petitioner_id
    )
    slot = await repository.get_session(session, request.session_id)
    if slot is None:
        raise SessionUnknown()
    now = datetime.now(UTC)
    await _bookable(session, slot, petitioner_id=petitioner.id, now=now)
    if not await repository.take_seat(session, slot.id):
        raise SessionFull(f"该场次共 {slot.capacity} 个名额，已约满")
    appointment = Appointment(
        id=uuid7(), session_id=slot.id, petitioner_id=petitioner.id, matter=request.matter, status="booked",
        booked_by=principal.sub, created_at=now,
    )  # fmt: skip
    repository.add(session, appointment)
    sealed = reception.sealed_contact(petitioner, settings=settings)
    await add_event(session, events.booked(appointment, slot, sealed=sealed, now=now))
    await repository.refresh(session, slot)
    return appointment


async def _bookable(session: AsyncSession, slot: ReceptionSession, *, petitioner_id: UUID, now: datetime) -> None:
    if not rules.still_open(slot.starts_at, now):
        raise SessionStarted()
    if await repository.active_booking(session, session_id=slot.id, petitioner_id=petitioner_id) is not None:
        raise AlreadyBooked()
    if not rules.has_seat(booked=slot.booked, capacity=slot.capacity):
        raise SessionFull(f"该场次共 {slot.capacity} 个名额，已约满")


async def get_appointment(*, session: AsyncSession, appointment_id: UUID, principal: Principal) -> Appointment:
    """Staff of the bureau see every appointment; a petitioner only their own (others: 404)."""
    appointment = await repository.get(session, appointment_id)
    if appointment is None or not await _may_see(session, appointment, principal):
        raise AppointmentNotFound()
    return appointment


async def _may_see(session: AsyncSession, appointment: Appointment, principal: Principal) -> bool:
    if shared.is_staff(principal):
        slot = await repository.get_session(session, appointment.session_id)
        return slot is not None and shared.staff_covers(principal, slot.jurisdiction_code)
    return await reception.owns(session=session, principal=principal, petitioner_id=appointment.petitioner_id)


async def cancel(
    *, session: AsyncSession, appointment_id: UUID, reason: str, principal: Principal, settings: IntakeSettings
) -> Appointment:
    """Frees the seat; 409 once cancelled or once the session started. Stages ``xinfang.appointment.cancelled.v1``."""
    appointment = await get_appointment(session=session, appointment_id=appointment_id, principal=principal)
    slot = await repository.get_session(session, appointment.session_id)
    now = datetime.now(UTC)
    if appointment.status != "booked" or not rules.still_open(slot.starts_at, now):
        raise AppointmentNotCancellable()
    by = "staff" if shared.is_staff(principal) else "petitioner"
    if not await repository.cancel(session, appointment.id, cancelled_at=now, cancelled_by=by, cancel_reason=reason):
        raise AppointmentNotCancellable()
    await repository.free_seat(session, slot.id)
    petitioner = await petitioners.get(session, appointment.petitioner_id)
    sealed = reception.sealed_contact(petitioner, settings=settings)
    await add_event(session, events.cancelled(appointment, slot, sealed=sealed, now=now, by=by, reason=reason))
    return appointment
