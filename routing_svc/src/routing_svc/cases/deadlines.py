"""The statutory clocks of a case: start, stop, extend, and when the scheduler must look next (pure + row helpers).

Obligations (register and route, handle, answer a review or re-review) are reminded before they lapse and, when
they lapse, make the case overdue, escalate it and put it under supervision. Windows (object, request a review or
re-review) only bound what the petitioner or unit may still do; the scheduler never reads them.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from routing_svc.cases.models import CaseClock
from routing_svc.clocks import (
    BUREAU_TZ,
    ClockKind,
    ClockLimits,
    ClockRule,
    ClockState,
    HolidayCalendar,
    clock_rule,
    clock_status,
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


def stop_clock(clock: CaseClock, *, at: datetime) -> None:
    clock.stopped_at = at
    clock.next_check_at = None


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
    """The full view: the due date recomputed through the calendar (with the note when a year's schedule is missing)."""
    kind = ClockKind(clock.kind)
    status = clock_status(
        kind=kind,
        started_at=clock.started_at,
        at=now,
        calendar=calendar,
        limits=limits,
        extension_days=clock.extension_days,
    )
    state = ClockState.OVERDUE.value if clock.lapsed_at is not None else status.state.value
    note = (
        next((line for line in status.due.explanation if "尚未掌握" in line), None) if status.due.provisional else None
    )
    return _clock_view(clock, clock_rule(kind, limits), status.due.due_at, status.days_left, state, note)


def stored_view(clock: CaseClock, *, now: datetime, limits: ClockLimits | None = None) -> ClockView:
    """The view from the stored due moment, without walking the calendar (lists): the states and lead times of
    `clock_status` (case clocks have no pauses). A clock flagged calendar_missing needs the full view for its note."""
    kind = ClockKind(clock.kind)
    stopped = clock.stopped_at is not None and clock.stopped_at <= now
    days_left = (local_date(clock.due_at) - local_date(clock.stopped_at if stopped else now)).days
    state = stored_state(clock, now=now, days_left=days_left, lead_days=(limits or DEFAULT_LIMITS).lead_days(kind))
    due_at = clock.due_at.astimezone(BUREAU_TZ)  # presented like the full view's end_of_day
    rule = default_rule(kind) if limits is None else clock_rule(kind, limits)
    return _clock_view(clock, rule, due_at, days_left, state.value, None)


@cache
def default_rule(kind: ClockKind) -> ClockRule:
    """The rule of a kind under the regulation's limits (built once: a list builds one view per clock)."""
    return clock_rule(kind, DEFAULT_LIMITS)


def stored_state(clock: CaseClock, *, now: datetime, days_left: int, lead_days: int) -> ClockState:
    if clock.lapsed_at is not None:
        return ClockState.OVERDUE
    if clock.stopped_at is not None and clock.stopped_at <= now:
        return ClockState.STOPPED
    if now > clock.due_at:
        return ClockState.OVERDUE
    return ClockState.DUE_SOON if days_left <= lead_days else ClockState.RUNNING


def _clock_view(clock: CaseClock, rule: ClockRule, due_at: datetime, days_left: int, state: str, note: str | None):
    kind = ClockKind(clock.kind)
    return ClockView(
        kind.value, rule.name, rule.legal_basis, kind in OBLIGATIONS, clock.started_at, due_at, days_left, state, note
    )
