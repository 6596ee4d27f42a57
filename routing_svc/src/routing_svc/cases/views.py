"""Case views: the row, its running clocks (computed at the moment asked) and what may be done next.

A report about officials (Art. 30) never shows who reported: petitioner_ref and phone are left out for everyone.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from routing_svc.cases import deadlines, directory, lifecycle, repository
from routing_svc.cases.models import Case, CaseClock
from routing_svc.cases.schemas import CaseRead, ClockRead
from routing_svc.clocks import HolidayCalendar


def case_view(case: Case, clocks: Sequence[CaseClock], *, now: datetime, calendar: HolidayCalendar) -> CaseRead:
    view = CaseRead.model_validate(case)
    running = [deadlines.view(clock, now=now, calendar=calendar) for clock in clocks if clock.stopped_at is None]
    view.clocks = [ClockRead.model_validate(clock, from_attributes=True) for clock in running]
    view.allowed_actions = [a.value for a in lifecycle.requestable_actions(lifecycle.State(case.status))]
    if case.kind == "report":
        view.petitioner_ref, view.phone_masked = None, None
    return view


async def case_views(session: AsyncSession, cases: Sequence[Case]) -> list[CaseRead]:
    """Views of several cases with their clocks read in one query and the calendar read once."""
    clocks = await repository.clocks_of(session, [case.id for case in cases])
    calendar = await directory.holiday_calendar(session)
    now = datetime.now(UTC)
    return [case_view(case, clocks[case.id], now=now, calendar=calendar) for case in cases]
