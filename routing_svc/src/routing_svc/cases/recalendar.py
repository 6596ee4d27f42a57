"""Running clocks after the official calendar of a year was entered or corrected: their stored due moments follow.

The stored moments are what the scheduler, the queues' due filters and the lists read (`case_clocks.due_at`,
`calendar_missing`, `next_check_at`, `cases.due_at`), so a new schedule must reach them in the same transaction.
Reminders already sent stay sent and a lapse already handled stays handled (`reminded_leads`, `lapsed_at` are kept):
a correction never makes the scheduler send anything twice. A due moment that moved earlier can make a clock due at
once: the next sweep handles it as it would any other."""

from datetime import date, datetime, time

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from routing_svc.cases import deadlines, directory
from routing_svc.cases.models import Case, CaseClock
from routing_svc.cases.workflow import Policy
from routing_svc.clocks import BUREAU_TZ, ClockKind, DueDate, HolidayCalendar, compute_due, local_date
from services.db import is_postgres

_CHUNK = 500
_cases = Case.__table__
_clocks = CaseClock.__table__


async def follow_year(session: AsyncSession, *, year: int, policy: Policy) -> int:
    """Recompute every running clock that reaches into `year` (started before its end, due after its start) on the
    calendar as it now stands in this transaction; returns how many clocks changed."""
    calendar = await directory.holiday_calendar(session)
    statement = select(CaseClock).where(
        CaseClock.stopped_at.is_(None),
        CaseClock.due_at >= datetime.combine(date(year, 1, 1), time.min, tzinfo=BUREAU_TZ),
        CaseClock.started_at < datetime.combine(date(year + 1, 1, 1), time.min, tzinfo=BUREAU_TZ),
    )
    if is_postgres(session):  # a sweep or a request changing one of them waits, and then sees the new moments
        statement = statement.with_for_update()
    dues: dict[tuple, DueDate] = {}
    cases, changed = set(), 0
    for clock in (await session.scalars(statement)).all():
        key = (clock.kind, local_date(clock.started_at), clock.extension_days)
        due = dues.get(key) or dues.setdefault(key, _due(clock, calendar, policy))
        if (due.due_at, due.provisional) == (clock.due_at, clock.calendar_missing):
            continue
        clock.due_at, clock.calendar_missing = due.due_at, due.provisional
        clock.next_check_at = deadlines.next_check(
            kind=clock.kind,
            due_at=due.due_at,
            leads=policy.reminder_leads,
            reminded=clock.reminded_leads,
            stopped=False,
            lapsed=clock.lapsed_at is not None,
        )
        cases.add(clock.case_id)
        changed += 1
    await session.flush()
    await _refresh_case_dues(session, sorted(cases))
    return changed


def _due(clock: CaseClock, calendar: HolidayCalendar, policy: Policy) -> DueDate:
    return compute_due(
        kind=ClockKind(clock.kind),
        started_at=clock.started_at,
        calendar=calendar,
        limits=policy.limits,
        extension_days=clock.extension_days,
    )


async def _refresh_case_dues(session: AsyncSession, case_ids: list) -> None:
    """`cases.due_at` = the earliest running obligation, as `workflow.refresh_due` keeps it (no new version: the
    case did not change, the calendar did)."""
    earliest = (
        select(func.min(_clocks.c.due_at))
        .where(
            _clocks.c.case_id == _cases.c.id,
            _clocks.c.stopped_at.is_(None),
            _clocks.c.kind.in_([kind.value for kind in deadlines.OBLIGATIONS]),
        )
        .scalar_subquery()
    )
    for first in range(0, len(case_ids), _CHUNK):
        chunk = case_ids[first : first + _CHUNK]
        await session.execute(update(_cases).where(_cases.c.id.in_(chunk)).values(due_at=earliest))
