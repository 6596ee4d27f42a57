from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import ColumnElement, delete, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from screening_svc.grids.models import Grid
from screening_svc.grids.rules import Scope
from screening_svc.teams.models import GridAssignment, TeamMember


def in_scope(scope: Scope) -> ColumnElement[bool]:
    """Members of the communities a caller's jurisdiction covers, and the caller as a member."""
    if scope.everything:
        return true()
    conditions: list[ColumnElement[bool]] = []
    if scope.jurisdiction:
        conditions.append(TeamMember.community_code.startswith(scope.jurisdiction, autoescape=True))
    if scope.member_id is not None:
        conditions.append(TeamMember.id == scope.member_id)
    return or_(*conditions) if conditions else false()


async def list_members(
    session: AsyncSession, *, scope: Scope, grid_code: str | None, after: UUID | None, limit: int
) -> Sequence[TeamMember]:
    statement = select(TeamMember).where(in_scope(scope)).order_by(TeamMember.id).limit(limit)
    if grid_code is not None:
        served = select(GridAssignment.member_id).where(GridAssignment.grid_code == grid_code)
        statement = statement.where(TeamMember.id.in_(served))
    if after is not None:
        statement = statement.where(TeamMember.id > after)
    return (await session.scalars(statement)).all()


async def get_visible(session: AsyncSession, *, member_id: UUID, scope: Scope) -> TeamMember | None:
    return await session.scalar(select(TeamMember).where(TeamMember.id == member_id, in_scope(scope)))


async def members_of_grid(session: AsyncSession, grid_code: str) -> Sequence[TeamMember]:
    statement = (
        select(TeamMember)
        .join(GridAssignment, GridAssignment.member_id == TeamMember.id)
        .where(GridAssignment.grid_code == grid_code)
        .order_by(TeamMember.role, TeamMember.id)
    )
    return (await session.scalars(statement)).all()


async def grid_codes_of(session: AsyncSession, member_ids: list[UUID]) -> dict[UUID, list[str]]:
    statement = (
        select(GridAssignment.member_id, GridAssignment.grid_code)
        .where(GridAssignment.member_id.in_(member_ids))
        .order_by(GridAssignment.grid_code)
    )
    served: dict[UUID, list[str]] = {member_id: [] for member_id in member_ids}
    for member_id, grid_code in (await session.execute(statement)).all():
        served[member_id].append(grid_code)
    return served


async def codes_in_community(session: AsyncSession, *, codes: list[str], community_code: str) -> set[str]:
    statement = select(Grid.code).where(Grid.code.in_(codes), Grid.community_code == community_code)
    return set((await session.scalars(statement)).all())


async def existing_ids(session: AsyncSession, member_ids: list[UUID]) -> set[UUID]:
    return set((await session.scalars(select(TeamMember.id).where(TeamMember.id.in_(member_ids)))).all())


async def replace_assignments(session: AsyncSession, *, member_id: UUID, grid_codes: list[str]) -> None:
    await session.execute(delete(GridAssignment).where(GridAssignment.member_id == member_id))
    session.add_all([GridAssignment(member_id=member_id, grid_code=code) for code in dict.fromkeys(grid_codes)])


def add(session: AsyncSession, member: TeamMember) -> None:
    session.add(member)
