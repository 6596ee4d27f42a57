"""Every query of home visits."""

from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.reception.home_visits.models import HomeVisit


def add(session: AsyncSession, visit: HomeVisit) -> None:
    session.add(visit)


async def get(session: AsyncSession, visit_id: UUID) -> HomeVisit | None:
    return await session.get(HomeVisit, visit_id)


async def advance(session: AsyncSession, visit_id: UUID, *, from_statuses: frozenset[str], **values) -> bool:
    """Change a visit only if it is still in one of ``from_statuses`` (two cadres completing it at once)."""
    statement = (
        update(HomeVisit)
        .where(HomeVisit.id == visit_id, HomeVisit.status.in_(from_statuses))
        .values(**values)
        .execution_options(synchronize_session="fetch")
    )
    return (await session.execute(statement)).rowcount == 1


async def page(
    session: AsyncSession, *, jurisdiction: str | None, status: str | None, after: UUID | None, limit: int
) -> list[HomeVisit]:
    statement = select(HomeVisit)
    if jurisdiction is not None:
        statement = statement.where(HomeVisit.jurisdiction_code.startswith(jurisdiction, autoescape=True))
    if status is not None:
        statement = statement.where(HomeVisit.status == status)
    if after is not None:
        statement = statement.where(HomeVisit.id > after)
    return list((await session.scalars(statement.order_by(HomeVisit.id).limit(limit + 1))).all())
