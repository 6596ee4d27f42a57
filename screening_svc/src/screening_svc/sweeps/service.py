"""Use cases of sweeps: record one (its week must be open), read them, and the weekly compliance report."""

from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from screening_svc.grids import repository as grids
from screening_svc.grids.exceptions import UnknownGrid
from screening_svc.grids.models import Grid
from screening_svc.grids.rules import Scope, local_date
from screening_svc.residents import repository as residents
from screening_svc.sweeps import repository, rules
from screening_svc.sweeps.exceptions import SweepNotFound, SweptInFuture, UnknownResident, WeekClosed, WeekStillOpen
from screening_svc.sweeps.models import ResidentVisit, Sweep
from screening_svc.sweeps.schemas import ComplianceReport, GridGap, ResidentGap, SweepCreate, SweepRead
from services.contracts.screening import SweepCompleted, SweepCompletedData, SweepMissed, SweepMissedData
from services.db import add_event
from services.ids import uuid7


async def record_sweep(
    *, session: AsyncSession, request: SweepCreate, scope: Scope, swept_by: str, now: datetime, grace_days: int
) -> SweepRead:
    grid = await grids.get_visible(session, code=request.grid_code, scope=scope)
    if grid is None:
        raise UnknownGrid()
    swept_at = request.swept_at or now
    if rules.in_future(swept_at, now):
        raise SweptInFuture()
    week = rules.iso_week(local_date(swept_at))
    if rules.is_closed(week, now, grace_days):
        raise WeekClosed(f"{week} 已于 {rules.closes_at(week, grace_days).isoformat()} 关闭")
    await _check_residents(session, grid_code=grid.code, resident_ids=request.resident_ids)
    sweep = _new_sweep(request, grid=grid, week=week, swept_at=swept_at, swept_by=swept_by, now=now)
    visits = [
        ResidentVisit(sweep_id=sweep.id, resident_id=r, visited_on=local_date(swept_at))
        for r in dict.fromkeys(request.resident_ids)
    ]
    await repository.add(session, sweep, visits)
    await session.flush()
    await add_event(session, _completed(sweep, grid=grid, residents_visited=len(visits)))
    return _read(sweep, [v.resident_id for v in visits])


async def _check_residents(session: AsyncSession, *, grid_code: str, resident_ids: list[UUID]) -> None:
    known = await residents.ids_in_grid(session, grid_code=grid_code, resident_ids=resident_ids)
    for index, resident_id in enumerate(resident_ids):
        if resident_id not in known:
            raise UnknownResident(index)


def _new_sweep(
    request: SweepCreate, *, grid: Grid, week: str, swept_at: datetime, swept_by: str, now: datetime
) -> Sweep:
    return Sweep(
        id=uuid7(),
        grid_code=grid.code,
        week=week,
        swept_by=swept_by,
        swept_at=swept_at,
        households_visited=request.households_visited,
        findings=request.findings,
        notes=request.notes,
        created_at=now,
    )


def _completed(sweep: Sweep, *, grid: Grid, residents_visited: int) -> SweepCompleted:
    data = SweepCompletedData(
        sweep_id=sweep.id,
        grid_id=grid.id,
        community_code=grid.community_code,
        week=sweep.week,
        households_visited=sweep.households_visited,
        residents_visited=residents_visited,
        findings=sweep.findings,
        occurred_at=sweep.swept_at,
    )
    return SweepCompleted.create(subject=str(grid.id), data=data)


def _read(sweep: Sweep, resident_ids: list[UUID]) -> SweepRead:
    fields = {name: getattr(sweep, name) for name in SweepRead.model_fields if name != "resident_ids"}
    return SweepRead.model_validate(fields | {"resident_ids": resident_ids})


async def get_sweep(*, session: AsyncSession, sweep_id: UUID, scope: Scope) -> SweepRead:
    sweep = await repository.get_visible(session, sweep_id=sweep_id, scope=scope)
    if sweep is None:
        raise SweepNotFound()
    return _read(sweep, (await repository.visited_residents(session, [sweep.id]))[sweep.id])


async def list_sweeps(
    *, session: AsyncSession, scope: Scope, grid_code: str | None, week: str | None, after: UUID | None, limit: int
) -> list[SweepRead]:
    sweeps = await repository.list_sweeps(
        session, scope=scope, grid_code=grid_code, week=week, after=after, limit=limit
    )
    visited = await repository.visited_residents(session, [s.id for s in sweeps])
    return [_read(s, visited[s.id]) for s in sweeps]


async def compliance(
    *, session: AsyncSession, scope: Scope, jurisdiction: str | None, week: str, now: datetime, grace_days: int
) -> ComplianceReport:
    monday, where = rules.week_monday(week), {"scope": scope, "jurisdiction": jurisdiction}
    grids_due = await repository.grids_due_count(session, **where, monday=monday)
    short = await repository.grids_short(session, **where, week=week, monday=monday)
    windows = {interval: rules.visit_window(week, interval) for interval in rules.INTERVAL_DAYS}
    residents_due = await repository.residents_due_count(session, **where, windows=windows)
    gaps = await repository.resident_gaps(session, **where, windows=windows)
    return ComplianceReport(
        week=week,
        closes_at=rules.closes_at(week, grace_days),
        closed=rules.is_closed(week, now, grace_days),
        grids_due=grids_due,
        grids_compliant=grids_due - len(short),
        residents_due=residents_due,
        residents_visited=residents_due - len(gaps),
        grids_not_swept=[_grid_gap(row) for row in short],
        residents_not_visited=[_resident_gap(row, windows) for row in gaps],
    )


def _grid_gap(row) -> GridGap:
    code, grid_id, community_code, name, required, done = row
    return GridGap(grid_code=code, grid_id=grid_id, community_code=community_code, name=name,
                   sweeps_required=required, sweeps_done=done)  # fmt: skip


def _resident_gap(row, windows) -> ResidentGap:
    resident_id, grid_code, grid_id, community_code, category, interval = row
    return ResidentGap(
        resident_id=resident_id,
        grid_code=grid_code,
        grid_id=grid_id,
        community_code=community_code,
        category=category,
        visit_interval=interval,
        window_from=windows[interval][0],
    )


EVERYWHERE = Scope(everything=True, jurisdiction=None, member_id=None)


async def close_week(
    session_factory: async_sessionmaker[AsyncSession], week: str, now: datetime, *, grace_days: int = 1
) -> list[SweepMissed]:
    """Stage one ``sweep.missed`` per gap of a closed week, each gap once: a second run stages nothing new."""
    if not rules.is_closed(week, now, grace_days):
        raise WeekStillOpen(f"{week} 在 {rules.closes_at(week, grace_days).isoformat()} 关闭")
    async with session_factory() as session, session.begin():
        report = await compliance(
            session=session, scope=EVERYWHERE, jurisdiction=None, week=week, now=now, grace_days=grace_days
        )
        sent = await repository.sent_gaps(session, week)
        events = [event for event in _missed_events(report, now=now) if _gap_key(event) not in sent]
        for event in events:
            gap, subject = _gap_key(event)
            repository.record_gap_sent(session, week=week, gap=gap, subject=subject, at=now)
            await add_event(session, event)
    return events


def _gap_key(event: SweepMissed) -> tuple[str, str]:
    data = event.data
    return data.gap, str(data.resident_ref or data.grid_id)


def _missed_events(report: ComplianceReport, *, now: datetime) -> list[SweepMissed]:
    sunday = rules.week_sunday(report.week)
    common = {"week": report.week, "due_by": sunday, "occurred_at": now}
    grids_ = [
        SweepMissedData(grid_id=g.grid_id, community_code=g.community_code, gap="grid_not_swept", **common)
        for g in report.grids_not_swept
    ]
    residents_ = [
        SweepMissedData(grid_id=r.grid_id, community_code=r.community_code, gap="resident_not_visited",
                        resident_ref=r.resident_id, resident_category=r.category, **common)
        for r in report.residents_not_visited
    ]  # fmt: skip
    return [SweepMissed.create(subject=str(data.grid_id), data=data) for data in grids_ + residents_]
