from collections.abc import Sequence
from datetime import date
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from screening_svc.grids.models import Grid
from screening_svc.grids.repository import in_scope
from screening_svc.grids.rules import Scope
from screening_svc.residents.models import SpecialResident
from screening_svc.sweeps.models import ResidentVisit


def _visible(scope: Scope):
    return select(SpecialResident).join(Grid, Grid.code == SpecialResident.grid_code).where(in_scope(scope))


async def list_residents(
    session: AsyncSession, *, scope: Scope, grid_code: str | None, after: UUID | None, limit: int
) -> Sequence[SpecialResident]:
    statement = _visible(scope).order_by(SpecialResident.id).limit(limit)
    if grid_code is not None:
        statement = statement.where(SpecialResident.grid_code == grid_code)
    if after is not None:
        statement = statement.where(SpecialResident.id > after)
    return (await session.scalars(statement)).all()


async def get_visible(session: AsyncSession, *, resident_id: UUID, scope: Scope) -> SpecialResident | None:
    return await session.scalar(_visible(scope).where(SpecialResident.id == resident_id))


async def last_visits(session: AsyncSession, resident_ids: list[UUID]) -> dict[UUID, date]:
    statement = (
        select(ResidentVisit.resident_id, func.max(ResidentVisit.visited_on))
        .where(ResidentVisit.resident_id.in_(resident_ids))
        .group_by(ResidentVisit.resident_id)
    )
    return dict((await session.execute(statement)).all())


async def ids_in_grid(session: AsyncSession, *, grid_code: str, resident_ids: list[UUID]) -> set[UUID]:
    statement = select(SpecialResident.id).where(
        SpecialResident.grid_code == grid_code, SpecialResident.id.in_(resident_ids)
    )
    return set((await session.scalars(statement)).all())


def add(session: AsyncSession, resident: SpecialResident) -> None:
    session.add(resident)
