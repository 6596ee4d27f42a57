"""Queries of sweeps and of the weekly compliance report; the report reads indexes only (ADR 0017):
``ix_sweeps_week_grid`` for the grids, ``ix_resident_visits_resident_day`` for the residents."""

from collections.abc import Sequence
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import ColumnElement, Date, Row, and_, case, exists, func, literal, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from screening_svc.grids.models import Grid
from screening_svc.grids.repository import in_scope
from screening_svc.grids.rules import Scope
from screening_svc.residents.models import SpecialResident
from screening_svc.sweeps.models import ResidentVisit, Sweep, SweepGapSent


def _visible(scope: Scope):
    return select(Sweep).join(Grid, Grid.code == Sweep.grid_code).where(in_scope(scope))


async def list_sweeps(
    session: AsyncSession, *, scope: Scope, grid_code: str | None, week: str | None, after: UUID | None, limit: int
) -> Sequence[Sweep]:
    statement = _visible(scope).order_by(Sweep.id).limit(limit)
    if grid_code is not None:
        statement = statement.where(Sweep.grid_code == grid_code)
    if week is not None:
        statement = statement.where(Sweep.week == week)
    if after is not None:
        statement = statement.where(Sweep.id > after)
    return (await session.scalars(statement)).all()


async def get_visible(session: AsyncSession, *, sweep_id: UUID, scope: Scope) -> Sweep | None:
    return await session.scalar(_visible(scope).where(Sweep.id == sweep_id))


async def visited_residents(session: AsyncSession, sweep_ids: list[UUID]) -> dict[UUID, list[UUID]]:
    statement = select(ResidentVisit.sweep_id, ResidentVisit.resident_id).where(ResidentVisit.sweep_id.in_(sweep_ids))
    visited: dict[UUID, list[UUID]] = {sweep_id: [] for sweep_id in sweep_ids}
    for sweep_id, resident_id in (await session.execute(statement.order_by(ResidentVisit.resident_id))).all():
        visited[sweep_id].append(resident_id)
    return visited


async def add(session: AsyncSession, sweep: Sweep, visits: list[ResidentVisit]) -> None:
    session.add(sweep)
    await session.flush()  # the visits refer to it (no ORM relationship orders the inserts)
    session.add_all(visits)


def _in_place(scope: Scope, jurisdiction: str | None) -> ColumnElement[bool]:
    narrowed = Grid.community_code.startswith(jurisdiction, autoescape=True) if jurisdiction else true()
    return and_(in_scope(scope), narrowed)


def _grids_due(scope: Scope, jurisdiction: str | None, monday: date):
    return select(Grid.code).where(_in_place(scope, jurisdiction), Grid.active_from <= monday)


async def grids_due_count(session: AsyncSession, *, scope: Scope, jurisdiction: str | None, monday: date) -> int:
    statement = _grids_due(scope, jurisdiction, monday)
    return await session.scalar(select(func.count()).select_from(statement.subquery())) or 0


async def grids_short(
    session: AsyncSession, *, scope: Scope, jurisdiction: str | None, week: str, monday: date
) -> Sequence[Row]:
    """Grids due this week (in place) with fewer sweeps in the week than they owe (``ix_sweeps_week_grid``)."""
    done = func.count(Sweep.id)
    statement = (
        _grids_due(scope, jurisdiction, monday)
        .add_columns(Grid.id, Grid.community_code, Grid.name, Grid.sweeps_per_week, done.label("done"))
        .outerjoin(Sweep, and_(Sweep.grid_code == Grid.code, Sweep.week == week))
        .group_by(Grid.code, Grid.id, Grid.community_code, Grid.name, Grid.sweeps_per_week)
        .having(done < Grid.sweeps_per_week)
        .order_by(Grid.code)
    )
    return (await session.execute(statement)).all()


def _window_start(windows: dict[str, tuple[date, date]]) -> ColumnElement[date]:
    """The first day of each resident's visit window (by its interval)."""
    starts = {interval: literal(start, Date()) for interval, (start, _) in windows.items()}
    return case(starts, value=SpecialResident.visit_interval)


def _due(scope: Scope, jurisdiction: str | None, windows: dict[str, tuple[date, date]]):
    """Residents in place who owe a visit in their window (registered by its first day)."""
    return (
        select(SpecialResident.id)
        .join(Grid, Grid.code == SpecialResident.grid_code)
        .where(_in_place(scope, jurisdiction), SpecialResident.registered_on <= _window_start(windows))
    )


async def residents_due_count(
    session: AsyncSession, *, scope: Scope, jurisdiction: str | None, windows: dict[str, tuple[date, date]]
) -> int:
    statement = _due(scope, jurisdiction, windows)
    return await session.scalar(select(func.count()).select_from(statement.subquery())) or 0


async def resident_gaps(
    session: AsyncSession, *, scope: Scope, jurisdiction: str | None, windows: dict[str, tuple[date, date]]
) -> Sequence[Row]:
    """Residents due with no visit in their own window. One ``NOT EXISTS`` whose window start depends on the
    interval: PostgreSQL runs it as a hash anti-join over one index-only range scan of the visits of the widest
    window (``ix_resident_visits_day_resident``), not as a look-up per resident."""
    earliest, end = min(start for start, _ in windows.values()), max(end for _, end in windows.values())
    visited = exists().where(
        ResidentVisit.resident_id == SpecialResident.id,
        ResidentVisit.visited_on >= earliest,
        ResidentVisit.visited_on <= end,
        ResidentVisit.visited_on >= _window_start(windows),
    )
    statement = (
        _due(scope, jurisdiction, windows)
        .add_columns(SpecialResident.grid_code, Grid.id, Grid.community_code, SpecialResident.category,
                     SpecialResident.visit_interval)
        .where(~visited)
        .order_by(SpecialResident.grid_code, SpecialResident.id)
    )  # fmt: skip
    return (await session.execute(statement)).all()


async def sent_gaps(session: AsyncSession, week: str) -> set[tuple[str, str]]:
    statement = select(SweepGapSent.gap, SweepGapSent.subject).where(SweepGapSent.week == week)
    return set((await session.execute(statement)).all())


def record_gap_sent(session: AsyncSession, *, week: str, gap: str, subject: str, at: datetime) -> None:
    session.add(SweepGapSent(week=week, gap=gap, subject=subject, sent_at=at))
