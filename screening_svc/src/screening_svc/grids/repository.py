from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from screening_svc.grids.models import Grid


async def list_grids(
    session: AsyncSession, *, jurisdiction: str | None, after: str | None, limit: int
) -> Sequence[Grid]:
    statement = select(Grid).order_by(Grid.code).limit(limit)
    if jurisdiction is not None:
        statement = statement.where(Grid.community_code.startswith(jurisdiction, autoescape=True))
    if after is not None:
        statement = statement.where(Grid.code > after)
    return (await session.scalars(statement)).all()


async def count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(Grid)) or 0


def add_all(session: AsyncSession, grids: list[Grid]) -> None:
    session.add_all(grids)
