"""Every query of the hall."""

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.reception.hall.models import HallCounter, QueueTicket
from services.db import is_postgres


async def next_number(session: AsyncSession, *, day: date, room: str) -> int:
    """One atomic upsert: the first ticket of the day and room inserts 1, every later one increments under the
    row's lock, so concurrent check-ins never share a number (both backends support ``ON CONFLICT``)."""
    dialect = postgresql if is_postgres(session) else sqlite
    statement = dialect.insert(HallCounter).values(day=day, room=room, last=1)
    statement = statement.on_conflict_do_update(
        index_elements=[HallCounter.day, HallCounter.room], set_={"last": HallCounter.last + 1}
    ).returning(HallCounter.last)
    return (await session.execute(statement)).scalar_one()


def add(session: AsyncSession, ticket: QueueTicket) -> None:
    session.add(ticket)


async def get(session: AsyncSession, ticket_id: UUID) -> QueueTicket | None:
    return await session.get(QueueTicket, ticket_id)


async def transition(session: AsyncSession, ticket_id: UUID, *, from_statuses: frozenset[str], **values: Any) -> bool:
    """Change a ticket only if it is still in one of ``from_statuses``: two clerks calling the same ticket at
    once cannot both succeed."""
    statement = (
        update(QueueTicket)
        .where(QueueTicket.id == ticket_id, QueueTicket.status.in_(from_statuses))
        .values(**values)
        .execution_options(synchronize_session="fetch")
    )
    return (await session.execute(statement)).rowcount == 1


async def on_board(session: AsyncSession, *, day: date, jurisdiction: str | None) -> list[QueueTicket]:
    statement = select(QueueTicket).where(QueueTicket.day == day, QueueTicket.status.in_(("waiting", "called")))
    if jurisdiction is not None:
        statement = statement.where(QueueTicket.jurisdiction_code.startswith(jurisdiction, autoescape=True))
    statement = statement.order_by(QueueTicket.priority.desc(), QueueTicket.checked_in_at, QueueTicket.id)
    return list((await session.scalars(statement)).all())
