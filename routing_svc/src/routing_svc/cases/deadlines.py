"""The statutory clocks of a case: start, stop, extend, and when the scheduler must look next (pure + row helpers).

Obligations (register and route, handle, answer a review or re-review) are reminded before they lapse and, when
they lapse, make the case overdue, escalate it and put it under supervision. Windows (object, request a review or
re-review) only bound what the petitioner or unit may still do; the scheduler never reads them.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache

from routing_svc.cases.models import Case, CaseClock
from routing_svc.clocks import (
    BUREAU_TZ,
    ClockKind,
    ClockLimits,
    ClockRule,
    ClockState,
    DueDate,
    HolidayCalendar,
    clock_rule,
    compute_due,
    end_of_day,
    local_date,
)
from services.ids import uuid7

OBLIGATIONS = frozenset(
    {ClockKind.REGISTER_AND_ROUTE, ClockKind.HANDLE, ClockKind.REVIEW_ANSWER, ClockKind.RE_REVIEW_ANSWER}
)
WINDOWS = frozenset({ClockKind.OBJECT, ClockKind.REVIEW_REQUEST, ClockKind.RE_REVIEW_REQUEST})
ONE_MICROSECOND = timedelta(microseconds=1)
DEFAULT_LIMITS = ClockLimits()


def reminder_at(due_at: datetime, lead_days: int) -> datetime:
    """The start of the local day `lead_days` before the due day: when a reminder with that lead goes out."""
    due_day = local_date(due_at)
    return end_of_day(due_day - timedelta(days=lead_days + 1)) + ONE_MICROSECOND


def next_check(
    *, kind: str, due_at: datetime, leads: Sequence[int], reminded: Sequence[int], stopped: bool, lapsed: bool
) -> datetime | None:
    """When the scheduler must look at a clock next: its earliest unsent reminder, else its lapse; None when there is
    nothing left to do (stopped, lapsed, or a window)."""
    if stopped or lapsed or kind not in OBLIGATIONS:
        return None
    pending = [reminder_at(due_at, lead) for lead in leads if lead not in reminded]
    return min([*pending, due_at + ONE_MICROSECOND])


def due_reminders(*, due_at: datetime, leads: Sequence[int], reminded: Sequence[int], now: datetime) -> list[int]:
    """The leads whose reminder is due at `now` and not yet sent (largest lead first)."""
    return sorted((lead for lead in leads if lead not in reminded and reminder_at(due_at, lead) <= now), reverse=True)


def start_clock(
    *,
    case_id,
    kind: ClockKind,
    unit_code: str,
    started_at: datetime,
    calendar: HolidayCalendar,
    leads: Sequence[int],
    round_: int = 1,
    limits: ClockLimits | None = None,
) -> CaseClock:
    due = compute_due(kind=kind, started_at=started_at, calendar=calendar, limits=limits)
    return CaseClock(
        id=uuid7(),
        case_id=case_id,
        kind=kind.value,
        round=round_,
        unit_code=unit_code,
        started_at=started_at,
        due_at=due.due_at,
        extension_days=0,
        reminded_leads=[],
        calendar_missing=due.provisional,
        next_check_at=next_check(kind=kind, due_at=due.due_at, leads=leads, reminded=(), stopped=False, lapsed=False),
    )


# the clock kinds whose outcomes the KPIs count, and the case columns that keep the counts (ADR 0033)
OUTCOME_COLUMNS = {
    ClockKind.REGISTER_AND_ROUTE.value: ("route_decided", "route_in_time"),
    ClockKind.HANDLE.value: ("handle_decided", "handle_in_time"),
}
OUTCOME_COUNTS = tuple(name for columns in OUTCOME_COLUMNS.values() for name in columns)


def outcome(clock: CaseClock) -> tuple[int, int]:
    """What a clock adds to its case's KPI counts: decided (stopped or lapsed), and in time (stopped by its due)."""
    stopped = clock.stopped_at is not None
    return int(stopped or clock.lapsed_at is not None), int(stopped and clock.stopped_at <= clock.due_at)


def tally(case: Case, clock: CaseClock, before: tuple[int, int]) -> None:
    """Move the case's counts of this clock's kind by what the clock's outcome changed since `before`."""
    columns = OUTCOME_COLUMNS.get(clock.kind)
    if columns is None:
        return
    for column, old, new in zip(columns, before, outcome(clock), strict=True):
        if new != old:
            setattr(case, column, (getattr(case, column) or 0) + new - old)


def stop_clock(clock: CaseClock, *, at: datetime, case: Case) -> None:
    before = outcome(clock)
    clock.stopped_at = at
    clock.next_check_at = None
    tally(case, clock, before)


def lapse_clock(clock: CaseClock, *, at: datetime, case: Case) -> None:
    before = outcome(clock)
    clock.lapsed_at, clock.next_check_at = at, None
    tally(case, clock, before)


def extend_clock(
    clock: CaseClock, *, days: int, calendar: HolidayCalendar, leads: Sequence[int], limits: ClockLimits | None = None
) -> None:
    kind = ClockKind(clock.kind)
    due = compute_due(kind=kind, started_at=clock.started_at, calendar=calendar, limits=limits, extension_days=days)
    clock.extension_days, clock.due_at, clock.calendar_missing = days, due.due_at, due.provisional
    clock.next_check_at = next_check(
        kind=kind,
        due_at=due.due_at,
        leads=leads,
        reminded=clock.reminded_leads,
        stopped=False,
        lapsed=clock.lapsed_at is not None,
    )


def earliest_obligation(clocks: Sequence[CaseClock]) -> datetime | None:
    """The case's next due moment: its earliest running obligation (for the queue's due-soon/overdue filters)."""
    running = [c.due_at for c in clocks if c.stopped_at is None and c.kind in OBLIGATIONS]
    return min(running) if running else None


@dataclass(frozen=True, slots=True)
class ClockView:
    kind: str
    name: str
    legal_basis: str
    obligation: bool
    started_at: datetime
    due_at: datetime
    days_left: int
    state: str
    calendar_note: str | None


def view(clock: CaseClock, *, now: datetime, calendar: HolidayCalendar, limits: ClockLimits | None = None) -> ClockView:
    """The full view: the due date recomputed through the calendar (with the note when a year's schedule is missing).
    The states of `clock_status` (case clocks have no pauses); the due date is cached per start day and calendar."""
    kind = ClockKind(clock.kind)
    if limits is None:
        due = due_on(kind, local_date(clock.started_at), clock.extension_days, calendar)
    else:
        started, extension = clock.started_at, clock.extension_days
        due = compute_due(kind=kind, started_at=started, calendar=calendar, limits=limits, extension_days=extension)
    days_left = (due.due_date - local_date(now)).days
    state = stored_state(clock, now=now, due_at=due.due_at, days_left=days_left, limits=limits)
    note = next((line for line in due.explanation if "尚未掌握" in line), None) if due.provisional else None
    return _clock_view(clock, clock_rule(kind, limits), due.due_at, days_left, state.value, note)


@lru_cache(maxsize=4096)
def due_on(kind: ClockKind, day: date, extension_days: int, calendar: HolidayCalendar) -> DueDate:
    """`compute_due` under the regulation's limits of a clock started on local `day` (only the day counts), cached:
    the same calendar object stands for the same schedules (`directory.holiday_calendar`)."""
    started = datetime.combine(day, time(12), tzinfo=BUREAU_TZ)
    return compute_due(kind=kind, started_at=started, calendar=calendar, extension_days=extension_days)


def stored_view(clock: CaseClock, *, now: datetime, limits: ClockLimits | None = None) -> ClockView:
    """The view from the stored due moment, without walking the calendar (lists): the states and lead times of
    `clock_status` (case clocks have no pauses). A clock flagged calendar_missing needs the full view for its note."""
    kind = ClockKind(clock.kind)
    stopped = clock.stopped_at is not None and clock.stopped_at <= now
    days_left = (local_date(clock.due_at) - local_date(clock.stopped_at if stopped else now)).days
    state = stored_state(clock, now=now, due_at=clock.due_at, days_left=days_left, limits=limits)
    due_at = clock.due_at.astimezone(BUREAU_TZ)  # presented like the full view's end_of_day
    rule = default_rule(kind) if limits is None else clock_rule(kind, limits)
    return _clock_view(clock, rule, due_at, days_left, state.value, None)


@cache
def default_rule(kind: ClockKind) -> ClockRule:
    """The rule of a kind under the regulation's limits (built once: a list builds one view per clock)."""
    return clock_rule(kind, DEFAULT_LIMITS)


def stored_state(
    clock: CaseClock, *, now: datetime, due_at: datetime, days_left: int, limits: ClockLimits | None
) -> ClockState:
    if clock.lapsed_at is not None:
        return ClockState.OVERDUE
    if clock.stopped_at is not None and clock.stopped_at <= now:
        return ClockState.STOPPED
    if now > due_at:
        return ClockState.OVERDUE
    lead_days = (limits or DEFAULT_LIMITS).lead_days(ClockKind(clock.kind))
    return ClockState.DUE_SOON if days_left <= lead_days else ClockState.RUNNING


def _clock_view(clock: CaseClock, rule: ClockRule, due_at: datetime, days_left: int, state: str, note: str | None):
    kind = ClockKind(clock.kind)
    return ClockView(
        kind.value, rule.name, rule.legal_basis, kind in OBLIGATIONS, clock.started_at, due_at, days_left, state, note
    )
