"""Every query of cases, their steps and clocks."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from routing_svc.cases.models import Case, CaseClock, CaseStep


def add(session: AsyncSession, *rows: object) -> None:
    session.add_all(rows)


async def get_by_petition(session: AsyncSession, petition_id: UUID) -> Case | None:
    return await session.scalar(select(Case).where(Case.petition_id == petition_id))


async def get_by_finding(session: AsyncSession, finding_id: UUID) -> Case | None:
    return await session.scalar(select(Case).where(Case.finding_id == finding_id))


async def count_repeat(session: AsyncSession, case_id: UUID) -> int:
    """Add one to a case's repeat_count atomically in the database (no read-modify-write, no version bump) and return
    the new count: concurrent repeats serialise on the row instead of failing on the optimistic version."""
    table = Case.__table__
    statement = (update(table).where(table.c.id == case_id).values(repeat_count=table.c.repeat_count + 1)).returning(
        table.c.repeat_count
    )
    return (await session.execute(statement)).scalar_one()


async def get(session: AsyncSession, case_id: UUID) -> Case | None:
    return await session.get(Case, case_id)


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What a queue or list asks for; `scope` is (column, code) from `rules.scope_of`, None for everything."""

    scope: tuple[str, str] | None
    petition_id: UUID | None = None
    finding_id: UUID | None = None
    states: tuple[str, ...] = ()
    category_code: str | None = None
    due_before: datetime | None = None
    due_after: datetime | None = None
    overdue_at: datetime | None = None
    after: UUID | None = None


def _filtered(criteria: QueueFilter):
    statement = select(Case).order_by(Case.id)
    if criteria.scope is not None:
        column, code = criteria.scope
        statement = statement.where(getattr(Case, column) == code)
    if criteria.petition_id is not None:
        statement = statement.where(Case.petition_id == criteria.petition_id)
    if criteria.finding_id is not None:
        statement = statement.where(Case.finding_id == criteria.finding_id)
    if criteria.states:
        statement = statement.where(Case.status.in_(criteria.states))
    if criteria.category_code is not None:
        statement = statement.where(Case.category_code == criteria.category_code)
    if criteria.due_before is not None:
        statement = statement.where(Case.due_at <= criteria.due_before)
    if criteria.due_after is not None:
        statement = statement.where(Case.due_at >= criteria.due_after)
    if criteria.overdue_at is not None:
        statement = statement.where(Case.due_at < criteria.overdue_at)
    if criteria.after is not None:
        statement = statement.where(Case.id > criteria.after)
    return statement


async def list_cases(session: AsyncSession, criteria: QueueFilter, *, limit: int) -> Sequence[Case]:
    return (await session.scalars(_filtered(criteria).limit(limit))).all()


async def clocks_of(
    session: AsyncSession, case_ids: Sequence[UUID], *, running: bool = False
) -> dict[UUID, list[CaseClock]]:
    """The clocks of several cases (only those not stopped when `running`), in one query, each case's in start
    order."""
    found: dict[UUID, list[CaseClock]] = {case_id: [] for case_id in case_ids}
    if not case_ids:
        return found
    statement = select(CaseClock).where(CaseClock.case_id.in_(case_ids)).order_by(CaseClock.started_at, CaseClock.id)
    if running:
        statement = statement.where(CaseClock.stopped_at.is_(None))
    for clock in (await session.scalars(statement)).all():
        found[clock.case_id].append(clock)
    return found


async def running_clocks(session: AsyncSession, case_id: UUID) -> list[CaseClock]:
    statement = select(CaseClock).where(CaseClock.case_id == case_id, CaseClock.stopped_at.is_(None))
    return list((await session.scalars(statement)).all())


async def latest_clock(session: AsyncSession, case_id: UUID, kind: str) -> CaseClock | None:
    statement = (
        select(CaseClock).where(CaseClock.case_id == case_id, CaseClock.kind == kind).order_by(CaseClock.round.desc())
    )
    return await session.scalar(statement.limit(1))


async def steps_of(session: AsyncSession, case_id: UUID) -> Sequence[CaseStep]:
    statement = select(CaseStep).where(CaseStep.case_id == case_id).order_by(CaseStep.at, CaseStep.id)
    return (await session.scalars(statement)).all()
