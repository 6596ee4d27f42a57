"""Queries of the reports and warnings: grouped counts over findings, sweeps, visits and services, narrowed by a
jurisdiction prefix on the community code (``ix_findings_community_occurred``); no row per finding leaves the DB."""

from collections.abc import Sequence
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import ColumnElement, Row, and_, case, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from screening_svc.findings.models import Finding
from screening_svc.grids.models import Grid
from screening_svc.publicity.models import PublicityEvent
from screening_svc.reference.models import ReferenceCategory, ReferenceJurisdiction
from screening_svc.reports import rules
from screening_svc.reports.models import PublishedReport
from screening_svc.residents.models import SpecialResident
from screening_svc.sweeps.models import ResidentVisit, Sweep
from screening_svc.volunteer_services.models import VolunteerService


def _prefixed(column, prefix: str) -> ColumnElement[bool]:
    """``column`` starts with ``prefix``, also as a range (LIKE alone cannot use the index outside the C collation)."""
    successor = rules.code_successor(prefix)
    bounded = [column >= prefix] + ([column < successor] if successor else [])
    return and_(*bounded, column.startswith(prefix, autoescape=True))


def _findings_in(jurisdiction: str, start: datetime, end: datetime) -> list[ColumnElement[bool]]:
    return [
        _prefixed(Finding.community_code, jurisdiction),
        Finding.occurred_at >= start,
        Finding.occurred_at < end,
    ]


def _bucket(bounds: list[datetime]) -> ColumnElement[int]:
    """Index of the first bound the finding happened before (0 before ``bounds[0]``; 0 for no bounds)."""
    if not bounds:
        return literal(0)
    return case(*[(Finding.occurred_at < bound, index) for index, bound in enumerate(bounds)], else_=len(bounds))


async def finding_counts(
    session: AsyncSession, *, jurisdiction: str, start: datetime, end: datetime, bounds: list[datetime], by: tuple
) -> Sequence[Row]:
    """(*by, bucket, n): findings per the ``by`` columns and time bucket (an index-only scan of the covering index)."""
    columns = (*(getattr(Finding, name) for name in by), _bucket(bounds).label("bucket"))
    statement = select(*columns, func.count().label("n")).where(*_findings_in(jurisdiction, start, end))
    return (await session.execute(statement.group_by(*columns))).all()


async def finding_outcomes(
    session: AsyncSession, *, jurisdiction: str, start: datetime, end: datetime, by: tuple
) -> Sequence[Row]:
    """(*by, n) where ``by`` names columns among place, category, severity, outcome, case tier and closing."""
    columns = tuple(getattr(Finding, name) for name in by)
    statement = select(*columns, func.count().label("n")).where(*_findings_in(jurisdiction, start, end))
    return (await session.execute(statement.group_by(*columns))).all()


def _grids_in(jurisdiction: str) -> ColumnElement[bool]:
    return _prefixed(Grid.community_code, jurisdiction)


async def grids(session: AsyncSession, *, jurisdiction: str, active_by: date) -> Sequence[Row]:
    statement = select(Grid.code, Grid.community_code, Grid.sweeps_per_week, Grid.active_from).where(
        _grids_in(jurisdiction), Grid.active_from <= active_by
    )
    return (await session.execute(statement)).all()


async def sweep_counts(session: AsyncSession, *, jurisdiction: str, weeks: list[str]) -> Sequence[Row]:
    """(grid_code, week, n, households) for the weeks (``ix_sweeps_week_grid``)."""
    statement = (
        select(Sweep.grid_code, Sweep.week, func.count().label("n"), func.sum(Sweep.households_visited).label("h"))
        .join(Grid, Grid.code == Sweep.grid_code)
        .where(Sweep.week.in_(weeks), _grids_in(jurisdiction))
        .group_by(Sweep.grid_code, Sweep.week)
    )
    return (await session.execute(statement)).all()


async def resident_coverage(session: AsyncSession, *, jurisdiction: str, first: date, last: date) -> Sequence[Row]:
    """(category, registered, visited): residents registered by ``first`` and those visited in [first, last]."""
    visited = (
        select(ResidentVisit.resident_id)
        .where(ResidentVisit.visited_on >= first, ResidentVisit.visited_on <= last)
        .distinct()
        .subquery()
    )
    statement = (
        select(SpecialResident.category, func.count(), func.count(visited.c.resident_id))
        .join(Grid, Grid.code == SpecialResident.grid_code)
        .outerjoin(visited, visited.c.resident_id == SpecialResident.id)
        .where(_grids_in(jurisdiction), SpecialResident.registered_on <= first)
        .group_by(SpecialResident.category)
    )
    return (await session.execute(statement)).all()


async def volunteer_services(session: AsyncSession, *, jurisdiction: str, first: date, last: date) -> Sequence[Row]:
    statement = (
        select(VolunteerService.kind, func.count(), func.coalesce(func.sum(VolunteerService.attendance), 0))
        .join(Grid, Grid.code == VolunteerService.grid_code)
        .where(_grids_in(jurisdiction), VolunteerService.held_on >= first, VolunteerService.held_on <= last)
        .group_by(VolunteerService.kind)
    )
    return (await session.execute(statement)).all()


async def publicity(session: AsyncSession, *, jurisdiction: str, first: date, last: date) -> Sequence[Row]:
    statement = (
        select(PublicityEvent.kind, func.count(), func.coalesce(func.sum(PublicityEvent.audience), 0))
        .where(_prefixed(PublicityEvent.community_code, jurisdiction))
        .where(PublicityEvent.held_on >= first, PublicityEvent.held_on <= last)
        .group_by(PublicityEvent.kind)
    )
    return (await session.execute(statement)).all()


async def place_names(session: AsyncSession, jurisdiction: str) -> dict[str, str]:
    statement = select(ReferenceJurisdiction.code, ReferenceJurisdiction.name).where(
        ReferenceJurisdiction.code.startswith(jurisdiction[:6], autoescape=True)
    )
    return {code: name for code, name in (await session.execute(statement)).all()}


async def category_names(session: AsyncSession) -> dict[str, str]:
    statement = select(ReferenceCategory.code, ReferenceCategory.name)
    return {code: name for code, name in (await session.execute(statement)).all()}


def add_published(session: AsyncSession, report: PublishedReport) -> None:
    session.add(report)


async def get_published(session: AsyncSession, report_id: UUID) -> PublishedReport | None:
    return await session.get(PublishedReport, report_id)
