"""Every query of appointments. Seats are taken by one conditional UPDATE, so no interleaving of concurrent
bookings can exceed the capacity (the row lock on PostgreSQL, the write lock on SQLite serialise them)."""

from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.reception.appointments.models import Appointment, ReceptionSession


def add(session: AsyncSession, row: ReceptionSession | Appointment) -> None:
    session.add(row)


async def get_session(session: AsyncSession, session_id: UUID) -> ReceptionSession | None:
    return await session.get(ReceptionSession, session_id)


async def get(session: AsyncSession, appointment_id: UUID) -> Appointment | None:
    return await session.get(Appointment, appointment_id)


async def take_seat(session: AsyncSession, session_id: UUID) -> bool:
    statement = (
        update(ReceptionSession)
        .where(ReceptionSession.id == session_id, ReceptionSession.booked < ReceptionSession.capacity)
        .values(booked=ReceptionSession.booked + 1)
        .execution_options(synchronize_session=False)
    )
    return (await session.execute(statement)).rowcount == 1


async def free_seat(session: AsyncSession, session_id: UUID) -> None:
    statement = (
        update(ReceptionSession)
        .where(ReceptionSession.id == session_id, ReceptionSession.booked > 0)
        .values(booked=ReceptionSession.booked - 1)
        .execution_options(synchronize_session=False)
    )
    await session.execute(statement)


async def cancel(session: AsyncSession, appointment_id: UUID, **values) -> bool:
    """Only a booked appointment is cancelled (a concurrent second cancellation finds none)."""
    statement = (
        update(Appointment)
        .where(Appointment.id == appointment_id, Appointment.status == "booked")
        .values(status="cancelled", **values)
        .execution_options(synchronize_session="fetch")
    )
    return (await session.execute(statement)).rowcount == 1


async def active_booking(session: AsyncSession, *, session_id: UUID, petitioner_id: UUID) -> Appointment | None:
    statement = select(Appointment).where(
        Appointment.session_id == session_id, Appointment.petitioner_id == petitioner_id, Appointment.status == "booked"
    )
    return await session.scalar(statement.limit(1))


async def upcoming_sessions(
    session: AsyncSession, *, after: UUID | None, limit: int, jurisdiction: str | None, now
) -> list[ReceptionSession]:
    statement = select(ReceptionSession).where(ReceptionSession.starts_at > now)
    if jurisdiction is not None:
        statement = statement.where(ReceptionSession.jurisdiction_code.startswith(jurisdiction, autoescape=True))
    if after is not None:
        statement = statement.where(ReceptionSession.id > after)
    return list((await session.scalars(statement.order_by(ReceptionSession.id).limit(limit + 1))).all())


async def refresh(session: AsyncSession, row: ReceptionSession) -> None:
    await session.refresh(row)
