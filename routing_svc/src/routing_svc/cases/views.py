"""Case views: the row, its running clocks (computed at the moment asked) and what may be done next.

Lists (queue, search) read each clock's stored due moment; the single-case view recomputes it through the holiday
calendar (as does a list for a clock whose due date was a guess over a year without an official schedule).

A report about officials (Art. 30) never shows who reported: petitioner_ref and phone are left out for everyone.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from routing_svc.cases import deadlines, directory, lifecycle, repository
from routing_svc.cases.models import Case, CaseClock
from routing_svc.cases.schemas import CaseRead, ClockRead
from routing_svc.clocks import HolidayCalendar


def case_view(
    case: Case, clocks: Sequence[CaseClock], *, now: datetime, calendar: HolidayCalendar | None, full: bool = True
) -> CaseRead:
    """`full` recomputes every running clock's due date through `calendar`; otherwise the stored due moments are used,
    except for clocks flagged calendar_missing (their note needs the calendar)."""
    view = CaseRead.model_validate(case)
    running = [_clock_view(c, now=now, calendar=calendar, full=full) for c in clocks if c.stopped_at is None]
    view.clocks = [ClockRead.model_validate(clock, from_attributes=True) for clock in running]
    view.allowed_actions = [a.value for a in lifecycle.requestable_actions(lifecycle.State(case.status))]
    if case.kind == "report":
        view.petitioner_ref, view.phone_masked = None, None
    return view


def _clock_view(clock: CaseClock, *, now: datetime, calendar: HolidayCalendar | None, full: bool):
    if calendar is not None and (full or clock.calendar_missing):
        return deadlines.view(clock, now=now, calendar=calendar)
    return deadlines.stored_view(clock, now=now)


async def case_views(session: AsyncSession, cases: Sequence[Case], *, full: bool = False) -> list[CaseRead]:
    """Views of several cases with their clocks read in one query and the calendar read at most once: only when
    `full` (single-case view) or when a clock's due date was a guess (calendar_missing)."""
    clocks = await repository.clocks_of(session, [case.id for case in cases], running=True)
    now = datetime.now(UTC)
    guessed = any(clock.calendar_missing for of_case in clocks.values() for clock in of_case)
    calendar = await directory.holiday_calendar(session) if full or guessed else None
    return [case_view(case, clocks[case.id], now=now, calendar=calendar, full=full) for case in cases]
