from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from screening_svc.findings.models import Finding
from screening_svc.grids.models import Grid
from screening_svc.grids.repository import in_scope
from screening_svc.grids.rules import Scope


def _visible(scope: Scope):
    return select(Finding).join(Grid, Grid.code == Finding.grid_code).where(in_scope(scope))


async def list_findings(
    session: AsyncSession, *, scope: Scope, grid_code: str | None, outcome: str | None, after: UUID | None, limit: int
) -> Sequence[Finding]:
    statement = _visible(scope).order_by(Finding.id).limit(limit)
    if grid_code is not None:
        statement = statement.where(Finding.grid_code == grid_code)
    if outcome is not None:
        statement = statement.where(Finding.outcome == outcome)
    if after is not None:
        statement = statement.where(Finding.id > after)
    return (await session.scalars(statement)).all()


async def get_visible(session: AsyncSession, *, finding_id: UUID, scope: Scope) -> Finding | None:
    return await session.scalar(_visible(scope).where(Finding.id == finding_id))


async def get_for_update(session: AsyncSession, finding_id: UUID) -> Finding | None:
    return await session.scalar(select(Finding).where(Finding.id == finding_id).with_for_update())


def add(session: AsyncSession, finding: Finding) -> None:
    session.add(finding)
