from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from screening_svc.grids.models import Grid
from screening_svc.grids.repository import in_scope
from screening_svc.grids.rules import Scope
from screening_svc.teams.models import TeamMember
from screening_svc.volunteer_services.models import VolunteerService


async def volunteers_of(session: AsyncSession, *, community_code: str, member_ids: list[UUID]) -> set[UUID]:
    statement = select(TeamMember.id).where(
        TeamMember.id.in_(member_ids), TeamMember.role == "volunteer", TeamMember.community_code == community_code
    )
    return set((await session.scalars(statement)).all())


async def list_services(
    session: AsyncSession, *, scope: Scope, grid_code: str | None, kind: str | None, after: UUID | None, limit: int
) -> Sequence[VolunteerService]:
    statement = (
        select(VolunteerService)
        .join(Grid, Grid.code == VolunteerService.grid_code)
        .where(in_scope(scope))
        .order_by(VolunteerService.id)
        .limit(limit)
    )
    if grid_code is not None:
        statement = statement.where(VolunteerService.grid_code == grid_code)
    if kind is not None:
        statement = statement.where(VolunteerService.kind == kind)
    if after is not None:
        statement = statement.where(VolunteerService.id > after)
    return (await session.scalars(statement)).all()


def add(session: AsyncSession, service: VolunteerService) -> None:
    session.add(service)
