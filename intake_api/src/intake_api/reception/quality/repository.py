"""Every query of reception quality. The per-staff report is aggregated in SQL, one grouped query per source,
each limited to the period and to the caller's jurisdiction."""

from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.petitions.models import Petition
from intake_api.reception.hall.models import QueueTicket
from intake_api.reception.quality.models import FollowUpCall, ReceptionRating, SpotCheck, StaffComplaint

Row = ReceptionRating | SpotCheck | FollowUpCall | StaffComplaint


def add(session: AsyncSession, row: Row) -> None:
    session.add(row)


async def add_rating(session: AsyncSession, rating: ReceptionRating) -> bool:
    """False when the reception was already rated (a concurrent rating may win between check and insert)."""
    session.add(rating)
    try:
        await session.flush()
    except IntegrityError:
        return False
    return True


async def rating_of(session: AsyncSession, ticket_id) -> ReceptionRating | None:
    return await session.scalar(select(ReceptionRating).where(ReceptionRating.ticket_id == ticket_id))


def _in(statement: Select, column, *, start: datetime, end: datetime, jurisdiction_column, jurisdiction: str | None):
    statement = statement.where(column >= start, column < end)
    if jurisdiction is not None:
        statement = statement.where(jurisdiction_column.startswith(jurisdiction, autoescape=True))
    return statement


async def _grouped(session: AsyncSession, statement: Select) -> dict[str, Any]:
    return {row[0]: row[1:] for row in (await session.execute(statement)).all()}


async def receptions_by_staff(session: AsyncSession, **scope) -> dict[str, Any]:
    statement = select(QueueTicket.staff_id, func.count(), func.avg(QueueTicket.wait_seconds)).where(
        QueueTicket.staff_id.is_not(None)
    )
    statement = _in(statement, QueueTicket.called_at, jurisdiction_column=QueueTicket.jurisdiction_code, **scope)
    return await _grouped(session, statement.group_by(QueueTicket.staff_id))


async def ratings_by_staff(session: AsyncSession, **scope) -> dict[str, Any]:
    columns = (
        ReceptionRating.staff_id,
        func.count(),
        func.avg(ReceptionRating.attitude),
        func.avg(ReceptionRating.efficiency),
    )
    statement = select(*columns).join(QueueTicket, QueueTicket.id == ReceptionRating.ticket_id)
    statement = _in(statement, ReceptionRating.created_at, jurisdiction_column=QueueTicket.jurisdiction_code, **scope)
    return await _grouped(session, statement.group_by(ReceptionRating.staff_id))


async def spot_checks_by_staff(session: AsyncSession, **scope) -> dict[str, Any]:
    statement = select(SpotCheck.staff_id, func.count(), func.avg(SpotCheck.score)).join(
        QueueTicket, QueueTicket.id == SpotCheck.ticket_id
    )
    statement = _in(statement, SpotCheck.created_at, jurisdiction_column=QueueTicket.jurisdiction_code, **scope)
    return await _grouped(session, statement.group_by(SpotCheck.staff_id))


async def follow_ups_by_staff(session: AsyncSession, **scope) -> dict[str, Any]:
    satisfied = func.sum(case((FollowUpCall.satisfaction.in_(("satisfied", "basically_satisfied")), 1), else_=0))
    statement = select(FollowUpCall.staff_id, func.count(), satisfied).join(
        QueueTicket, QueueTicket.id == FollowUpCall.ticket_id
    )
    statement = _in(statement, FollowUpCall.created_at, jurisdiction_column=QueueTicket.jurisdiction_code, **scope)
    return await _grouped(session, statement.group_by(FollowUpCall.staff_id))


async def complaints_by_staff(session: AsyncSession, **scope) -> dict[str, Any]:
    statement = select(StaffComplaint.staff_id, func.count())
    statement = _in(statement, StaffComplaint.created_at, jurisdiction_column=StaffComplaint.jurisdiction_code, **scope)
    return await _grouped(session, statement.group_by(StaffComplaint.staff_id))


async def petitions_by_registrar(session: AsyncSession, **scope) -> dict[str, Any]:
    """Petitions staff registered (online ones are the petitioners' own) and how many ended on the spot."""
    on_spot = func.sum(case((Petition.status == "resolved_on_spot", 1), else_=0))
    statement = select(Petition.registered_by, func.count(), on_spot).where(Petition.channel != "online")
    statement = _in(statement, Petition.created_at, jurisdiction_column=Petition.jurisdiction_code, **scope)
    return await _grouped(session, statement.group_by(Petition.registered_by))
