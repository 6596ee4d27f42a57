from collections.abc import Sequence

from sqlalchemy import ColumnElement, false, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from screening_svc.grids.models import Grid
from screening_svc.grids.rules import Scope
from screening_svc.teams.models import GridAssignment


def in_scope(scope: Scope) -> ColumnElement[bool]:
    """SQL condition on ``Grid``: the grids a caller may see (jurisdiction prefix or team membership)."""
    if scope.everything:
        return true()
    conditions: list[ColumnElement[bool]] = []
    if scope.jurisdiction:
        conditions.append(Grid.community_code.startswith(scope.jurisdiction, autoescape=True))
    if scope.member_id is not None:
        served = select(GridAssignment.grid_code).where(GridAssignment.member_id == scope.member_id)
        conditions.append(Grid.code.in_(served))
    return or_(*conditions) if conditions else false()


async def list_grids(session: AsyncSession, *, scope: Scope, after: str | None, limit: int) -> Sequence[Grid]:
    statement = select(Grid).where(in_scope(scope)).order_by(Grid.code).limit(limit)
    if after is not None:
        statement = statement.where(Grid.code > after)
    return (await session.scalars(statement)).all()


async def get_visible(session: AsyncSession, *, code: str, scope: Scope) -> Grid | None:
    return await session.scalar(select(Grid).where(Grid.code == code, in_scope(scope)))


async def visible_codes(session: AsyncSession, *, codes: list[str], scope: Scope) -> set[str]:
    statement = select(Grid.code).where(Grid.code.in_(codes), in_scope(scope))
    return set((await session.scalars(statement)).all())


async def codes_in_community(session: AsyncSession, community_code: str) -> list[str]:
    return list((await session.scalars(select(Grid.code).where(Grid.community_code == community_code))).all())


async def count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(Grid)) or 0


def add(session: AsyncSession, grid: Grid) -> None:
    session.add(grid)


def add_all(session: AsyncSession, grids: list[Grid]) -> None:
    session.add_all(grids)
