from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from routing_svc.cases.models import Case


def add(session: AsyncSession, case: Case) -> None:
    session.add(case)


async def get_by_petition(session: AsyncSession, petition_id: UUID) -> Case | None:
    return await session.scalar(select(Case).where(Case.petition_id == petition_id))


async def get(session: AsyncSession, case_id: UUID) -> Case | None:
    return await session.get(Case, case_id)


async def list_cases(
    session: AsyncSession, *, jurisdiction: str | None, petition_id: UUID | None, after: UUID | None, limit: int
) -> Sequence[Case]:
    """Newest first is not needed by any caller yet; ids are time-ordered, so id order is registration order."""
    statement = select(Case).order_by(Case.id).limit(limit)
    if jurisdiction is not None:
        statement = statement.where(Case.unit_code.startswith(jurisdiction, autoescape=True))
    if petition_id is not None:
        statement = statement.where(Case.petition_id == petition_id)
    if after is not None:
        statement = statement.where(Case.id > after)
    return (await session.scalars(statement)).all()
