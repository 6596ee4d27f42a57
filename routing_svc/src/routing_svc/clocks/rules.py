"""The statutory clock engine, pure: due dates with their explanation, a clock's state at a moment, extension checks.

Conventions (DESIGN.md §3; Civil Code Arts. 201, 203):
- Events are timezone-aware datetimes, converted to the bureau's local date (Asia/Shanghai) before counting.
- Counting starts on the day after the event. Calendar-day limits: the N-th counted day after the event date; if it
  is not a working day the due day moves to the next working day (the shift and its reason are recorded).
  Working-day limits: the N-th working day after the event date.
- Paused days (inclusive date ranges, e.g. hearing time for a re-review) are not counted, and the due day never
  falls on one.
- An approved extension adds its days to the limit, counted from the same event; the shift applies at the end.
- The due moment is the end of the due day, 23:59:59.999999 local time (the Civil Code's 二十四时); a clock is in time
  up to and including that moment.
- A year no calendar source knows is guessed by the Monday-to-Friday rule and flagged in `calendar_missing_years`,
  with a Chinese explanation line: a flag rather than an exception, so that a case can still be displayed with a
  provisional deadline. Callers that must not guess refuse a result whose `provisional` is true.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from routing_svc.clocks.calendar import HolidayCalendar, ProvisionalCalendar
from routing_svc.clocks.kinds import EXTENDABLE_CLOCKS, ClockKind, ClockLimits, ClockRule, DayCount, clock_rule

BUREAU_TZ = ZoneInfo("Asia/Shanghai")
ONE_DAY = timedelta(days=1)
MAX_SPAN_DAYS = 3660  # guards against a calendar without working days


@dataclass(frozen=True, slots=True)
class Pause:
    """Days not counted, both ends inclusive; `end` is None while the pause lasts (a hearing under way)."""

    start: date
    end: date | None = None
    reason: str = "听证"

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValueError("pause ends before it starts")

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def closed_by(self, day: date) -> "Pause":
        """This pause, an open one taken to last through `day` (at least its first day)."""
        return self if self.end is not None else replace(self, end=max(day, self.start))


@dataclass(frozen=True, slots=True)
class DueShift:
    """The due day moved off a rest day or holiday."""

    original: date
    due_date: date
    reason: str

    @property
    def text(self) -> str:
        return f"期限届满日 {self.original.isoformat()} 为{self.reason}，顺延至 {self.due_date.isoformat()}"


@dataclass(frozen=True, slots=True)
class DueDate:
    """A clock's due day and how it was reached (Chinese explanation lines, ready for display)."""

    kind: ClockKind
    event_date: date
    days: int
    count: DayCount
    due_date: date
    shift: DueShift | None = None
    paused_days: int = 0
    calendar_missing_years: tuple[int, ...] = ()
    explanation: tuple[str, ...] = ()

    @property
    def due_at(self) -> datetime:
        return end_of_day(self.due_date)

    @property
    def provisional(self) -> bool:
        return bool(self.calendar_missing_years)


def local_date(moment: datetime, tz: ZoneInfo = BUREAU_TZ) -> date:
    """The bureau's calendar date of a timezone-aware moment."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: clock events must be timezone-aware")
    return moment.astimezone(tz).date()


def end_of_day(day: date, tz: ZoneInfo = BUREAU_TZ) -> datetime:
    """The last instant of a local day: the due moment of a clock due that day."""
    return datetime.combine(day, time.max, tzinfo=tz)


def is_paused(day: date, pauses: Iterable[Pause]) -> bool:
    return any(pause.covers(day) for pause in pauses)


def _step(day: date, event_date: date) -> date:
    day += ONE_DAY
    if (day - event_date).days > MAX_SPAN_DAYS:
        raise ValueError("no working day within the counting horizon: check the holiday schedules")
    return day


def count_days(
    *, event_date: date, days: int, count: DayCount, calendar: HolidayCalendar, pauses: Sequence[Pause] = ()
) -> tuple[date, int]:
    """The N-th counted day after the event date, and how many paused days were skipped on the way."""
    if days < 1:
        raise ValueError("a limit counts at least one day")
    day, left, paused = event_date, days, 0
    while left:
        day = _step(day, event_date)
        if is_paused(day, pauses):
            paused += 1
        elif count is DayCount.CALENDAR or calendar.is_working_day(day):
            left -= 1
    return day, paused


def next_working_day(day: date, *, calendar: HolidayCalendar, pauses: Sequence[Pause] = ()) -> date:
    """`day` itself when it is a working day and not paused, else the first such day after it."""
    start = day
    while is_paused(day, pauses) or not calendar.is_working_day(day):
        day = _step(day, start)
    return day


def compute_due(
    *,
    kind: ClockKind,
    started_at: datetime,
    calendar: HolidayCalendar,
    limits: ClockLimits | None = None,
    pauses: Sequence[Pause] = (),
    extension_days: int = 0,
) -> DueDate:
    """The due day of a clock started by the event at `started_at`, with the explanation of every adjustment."""
    rule = clock_rule(kind, limits)
    _require_computable(rule, pauses, extension_days)
    provisional = ProvisionalCalendar(calendar)
    event = local_date(started_at)
    days = rule.days + extension_days
    last, paused = count_days(event_date=event, days=days, count=rule.count, calendar=provisional, pauses=pauses)
    due = next_working_day(last, calendar=provisional, pauses=pauses)
    shift = DueShift(last, due, provisional.day_off_reason(last)) if due != last else None
    missing = tuple(sorted(provisional.missing_years))
    skipped = [pause for pause in pauses if pause.start <= last and pause.end is not None and pause.end > event]
    lines = _explain(rule, event=event, extension_days=extension_days, paused=paused, pauses=skipped)
    lines += ((shift.text,) if shift else ()) + _missing_note(missing) + (f"期限于 {due.isoformat()} 24 时届满",)
    return DueDate(kind, event, days, rule.count, due, shift, paused, missing, lines)


def _require_computable(rule: ClockRule, pauses: Sequence[Pause], extension_days: int) -> None:
    if rule.kind is ClockKind.EXTENSION:
        raise ValueError("an extension is not a clock of its own: pass extension_days to the handle clock")
    if extension_days < 0 or (extension_days and rule.kind not in EXTENDABLE_CLOCKS):
        raise ValueError(f"extension_days not allowed here: {rule.kind} {extension_days}")
    if any(pause.end is None for pause in pauses):
        raise ValueError("open pause: close it first (clock_status closes it at the moment asked about)")


def _explain(
    rule: ClockRule, *, event: date, extension_days: int, paused: int, pauses: Sequence[Pause]
) -> tuple[str, ...]:
    unit = "个工作日" if rule.count is DayCount.WORKING else "日"
    lines = [f"自{rule.starts_after}之日 {event.isoformat()} 的次日起算，期限 {rule.days} {unit}"]
    if extension_days:
        lines.append(f"经批准延长办理期限 {extension_days} 日")
    if paused:
        reasons = "、".join(dict.fromkeys(pause.reason for pause in pauses))
        lines.append(f"{reasons}期间共 {paused} 日不计入期限")
    return tuple(lines)


def _missing_note(missing: tuple[int, ...]) -> tuple[str, ...]:
    if not missing:
        return ()
    years = "、".join(str(year) for year in missing)
    return (f"{years} 年节假日安排尚未掌握，暂按周六、周日休息推算，届满日待官方安排公布后复核",)


class ClockState(StrEnum):
    RUNNING = "running"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    STOPPED = "stopped"
    PAUSED = "paused"


@dataclass(frozen=True, slots=True)
class ClockStatus:
    """A clock at a moment. `days_left`: calendar days from that local date to the due day (negative when late)."""

    state: ClockState
    due: DueDate
    days_left: int
    stopped_in_time: bool | None = None


def clock_status(
    *,
    kind: ClockKind,
    started_at: datetime,
    at: datetime,
    calendar: HolidayCalendar,
    limits: ClockLimits | None = None,
    pauses: Sequence[Pause] = (),
    extension_days: int = 0,
    stopped_at: datetime | None = None,
) -> ClockStatus:
    """The state of a clock at `at`: stopped, overdue, paused, due_soon or running (checked in that order)."""
    limits = limits or ClockLimits()
    local_date(at)
    stopped = stopped_at is not None and stopped_at <= at
    moment = stopped_at if stopped and stopped_at is not None else at
    today = local_date(moment)
    closed = tuple(pause.closed_by(today) for pause in pauses)
    due = compute_due(
        kind=kind, started_at=started_at, calendar=calendar, limits=limits, pauses=closed, extension_days=extension_days
    )
    days_left = (due.due_date - today).days
    if stopped:
        return ClockStatus(ClockState.STOPPED, due, days_left, stopped_in_time=moment <= due.due_at)
    return ClockStatus(_open_state(due, at=at, pauses=closed, lead_days=limits.lead_days(kind)), due, days_left)


def _open_state(due: DueDate, *, at: datetime, pauses: Sequence[Pause], lead_days: int) -> ClockState:
    today = local_date(at)
    if at > due.due_at:
        return ClockState.OVERDUE
    if is_paused(today, pauses):
        return ClockState.PAUSED
    if (due.due_date - today).days <= lead_days:
        return ClockState.DUE_SOON
    return ClockState.RUNNING


class ExtensionError(StrEnum):
    NOT_EXTENDABLE = "clock_not_extendable"
    ALREADY_EXTENDED = "extension_already_granted"
    DAYS_NOT_POSITIVE = "extension_days_not_positive"
    TOO_LONG = "extension_too_long"
    REASON_MISSING = "extension_reason_missing"
    AFTER_DUE = "extension_after_due"


EXTENSION_ERROR_TITLES: dict[ExtensionError, str] = {
    ExtensionError.NOT_EXTENDABLE: "该期限不能延长",
    ExtensionError.ALREADY_EXTENDED: "办理期限已延长过，不能再次延长",
    ExtensionError.DAYS_NOT_POSITIVE: "延长天数必须大于零",
    ExtensionError.TOO_LONG: "延长期限超过规定上限",
    ExtensionError.REASON_MISSING: "延长办理期限须说明理由并告知信访人",
    ExtensionError.AFTER_DUE: "办理期限已届满，不能再延长",
}


def check_extension(
    *,
    kind: ClockKind,
    days: int,
    reason: str,
    granted_days: Sequence[int] = (),
    limits: ClockLimits | None = None,
    requested_at: datetime | None = None,
    current_due_at: datetime | None = None,
) -> ExtensionError | None:
    """Whether an extension may be granted (Art. 34): the first error code found, or None."""
    limits = limits or ClockLimits()
    late = requested_at is not None and current_due_at is not None and requested_at > current_due_at
    checks = (
        (kind not in EXTENDABLE_CLOCKS, ExtensionError.NOT_EXTENDABLE),
        (len(granted_days) >= limits.extension_max_count, ExtensionError.ALREADY_EXTENDED),
        (days < 1, ExtensionError.DAYS_NOT_POSITIVE),
        (sum(granted_days) + days > limits.extension_max_days, ExtensionError.TOO_LONG),
        (not reason.strip(), ExtensionError.REASON_MISSING),
        (late, ExtensionError.AFTER_DUE),
    )
    return next((error for failed, error in checks if failed), None)
