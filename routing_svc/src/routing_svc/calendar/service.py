"""The official calendar: schedules entered through the API layered over the `chinese-calendar` package, and the
due date of a limit of N calendar or working days under the clock engine's rules.

The cases domain gets the calendar to pass to `routing_svc.clocks.compute_due` from `holiday_calendar` (through
`cases.directory`): one source for both."""

from datetime import UTC, date, datetime
from functools import lru_cache

from sqlalchemy.ext.asyncio import AsyncSession

from routing_svc.calendar import repository
from routing_svc.calendar.exceptions import CalendarUnknownYears, CalendarYearNotEntered, InvalidSchedule
from routing_svc.calendar.models import CalendarDay, CalendarYear
from routing_svc.calendar.schemas import DeadlineRead, Holiday, Shift, YearScheduleRead, YearScheduleWrite
from routing_svc.clocks import (
    DayCount,
    DueShift,
    HolidayCalendar,
    YearSchedule,
    check_year_schedule,
    end_of_day,
    official_calendar,
)
from routing_svc.clocks.calendar import ProvisionalCalendar
from routing_svc.clocks.rules import count_days, next_working_day


async def holiday_calendar(session: AsyncSession) -> HolidayCalendar:
    """The official calendar, for due dates here and for the cases' clocks alike: the years entered through the API
    first (they win, e.g. a correction; a year entered with no day is known, with only weekends off), then the
    package's. The same rows give the same calendar object, so that what is computed on a calendar can be cached by
    it (`cases.deadlines.view`)."""
    return _calendar_of(tuple(await repository.entered_schedules(session)))


@lru_cache(maxsize=8)
def _calendar_of(rows: tuple[tuple, ...]) -> HolidayCalendar:
    by_year: dict[int, list[tuple]] = {}
    for year, day, kind, name in rows:
        entries = by_year.setdefault(year, [])
        if day is not None:
            entries.append((day, kind, name))
    schedules = [
        YearSchedule(
            year=year,
            holidays=frozenset(day for day, kind, _ in entries if kind == "holiday"),
            working_days=frozenset(day for day, kind, _ in entries if kind == "working"),
            names={day: name for day, kind, name in entries if kind == "holiday" and name},
        )
        for year, entries in by_year.items()
    ]
    return official_calendar(schedules)


async def put_year(*, session: AsyncSession, year: int, request: YearScheduleWrite, by: str) -> YearScheduleRead:
    holidays = {h.date: h.name for h in request.holidays}
    error = check_year_schedule(year, holidays=holidays, working_days=request.working_days)
    if error is not None:
        raise InvalidSchedule.of(error)
    days = [CalendarDay(day=d, year=year, kind="holiday", name=name) for d, name in holidays.items()]
    days += [CalendarDay(day=d, year=year, kind="working", name=None) for d in set(request.working_days)]
    entered = CalendarYear(year=year, entered_by=by, entered_at=datetime.now(UTC))
    await repository.replace_year(session, year=entered, days=days)
    await session.flush()
    return await get_year(session=session, year=year)


async def get_year(*, session: AsyncSession, year: int) -> YearScheduleRead:
    entered = await repository.get_year(session, year)
    if entered is None:
        raise CalendarYearNotEntered(f"{year} 年的节假日安排未通过接口录入（可能由内置日历提供）")
    days = await repository.days_of(session, years=[year])
    return YearScheduleRead(
        year=year,
        holidays=[Holiday(date=d.day, name=d.name) for d in days if d.kind == "holiday"],
        working_days=[d.day for d in days if d.kind == "working"],
        entered_by=entered.entered_by,
        entered_at=entered.entered_at,
    )


async def deadline(
    *, session: AsyncSession, start: date, days: int, kind: DayCount, allow_provisional: bool
) -> DeadlineRead:
    calendar = ProvisionalCalendar(await holiday_calendar(session))
    last, _ = count_days(event_date=start, days=days, count=kind, calendar=calendar)
    due = next_working_day(last, calendar=calendar)
    shift = DueShift(last, due, calendar.day_off_reason(last)) if due != last else None
    missing = sorted(calendar.missing_years)
    if missing and not allow_provisional:
        raise CalendarUnknownYears.of(missing)
    return DeadlineRead(
        from_date=start,
        days=days,
        kind=kind.value,
        due_date=due,
        due_at=end_of_day(due),
        shift=Shift(original=last, due_date=due, reason=shift.reason, text=shift.text) if shift else None,
        provisional=bool(missing),
        calendar_missing_years=missing,
        explanation=_explain(start, days, kind, shift, missing, due),
    )


def _explain(start: date, days: int, kind: DayCount, shift: DueShift | None, missing: list[int], due: date) -> list:
    unit = "个工作日" if kind is DayCount.WORKING else "日"
    lines = [f"自 {start.isoformat()} 的次日起算，期限 {days} {unit}"]
    lines += [shift.text] if shift else []
    if missing:
        years = "、".join(str(year) for year in missing)
        lines.append(f"{years} 年节假日安排尚未掌握，暂按周六、周日休息推算，届满日待官方安排公布后复核")
    return [*lines, f"期限于 {due.isoformat()} 24 时届满"]
