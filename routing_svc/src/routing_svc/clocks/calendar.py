"""Holiday calendars: which local dates are working days under the official schedule (holidays and 调休 working days).

Sources are strict: asked about a year they do not know, they raise `CalendarUnknown`. `ProvisionalCalendar` wraps a
strict source for the clock engine: it answers unknown years by the plain Monday-to-Friday rule and records the years
it had to guess, so that every result built on a guess is flagged (`calendar_missing_years`), never silently wrong.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Protocol

import chinese_calendar
from chinese_calendar.constants import Holiday

WEEKDAY_NAMES = "一二三四五六日"
CHINESE_HOLIDAY_NAMES = {holiday.value: holiday.chinese for holiday in Holiday}


class CalendarUnknown(LookupError):
    """No source knows the official holiday schedule of this year."""

    def __init__(self, year: int) -> None:
        super().__init__(f"{year} 年节假日安排未知")
        self.year = year


class HolidayCalendar(Protocol):
    """Answers whether a local date is a working day; raises `CalendarUnknown` for a year it does not know."""

    def knows_year(self, year: int) -> bool: ...

    def is_working_day(self, day: date) -> bool: ...

    def day_off_reason(self, day: date) -> str: ...


def is_weekend(day: date) -> bool:
    return day.weekday() >= 5


def weekend_reason(day: date) -> str:
    """The Chinese description of an ordinary rest day, e.g. 休息日（星期六）."""
    return f"休息日（星期{WEEKDAY_NAMES[day.weekday()]}）"


def holiday_reason(name: str | None) -> str:
    """The Chinese description of a holiday, e.g. 国庆节假日; 法定节假日 when the schedule gives no name."""
    return f"{name}假日" if name else "法定节假日"


@cache
def _package_is_workday(day: date) -> bool:
    return bool(chinese_calendar.is_workday(day))  # the package scans its whole table on every call


@cache
def _package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


class ChineseHolidayCalendar:
    """The official schedules shipped in the `chinese_calendar` package."""

    def knows_year(self, year: int) -> bool:
        return _package_knows(year)

    def is_working_day(self, day: date) -> bool:
        self._require(day.year)
        return _package_is_workday(day)

    def day_off_reason(self, day: date) -> str:
        self._require(day.year)
        _, name = chinese_calendar.get_holiday_detail(day)
        if name is None:
            return weekend_reason(day)
        return holiday_reason(CHINESE_HOLIDAY_NAMES.get(name, name))

    def _require(self, year: int) -> None:
        if not self.knows_year(year):
            raise CalendarUnknown(year)


def check_year_schedule(year: int, *, holidays: Iterable[date], working_days: Iterable[date]) -> str | None:
    """Validate a year's schedule entered through the API; returns an error code or None."""
    holidays, working_days = frozenset(holidays), frozenset(working_days)
    if any(day.year != year for day in holidays | working_days):
        return "schedule_date_outside_year"
    if holidays & working_days:
        return "schedule_date_both_holiday_and_working"
    if not all(is_weekend(day) for day in working_days):
        return "schedule_working_day_not_weekend"
    return None


@dataclass(frozen=True, slots=True)
class YearSchedule:
    """One year's official schedule: holiday dates (names optional, e.g. 国庆节) and adjusted working days (调休)."""

    year: int
    holidays: frozenset[date]
    working_days: frozenset[date] = frozenset()
    names: Mapping[date, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "working_days", frozenset(self.working_days))
        error = check_year_schedule(self.year, holidays=self.holidays, working_days=self.working_days)
        if error is not None:
            raise ValueError(error)

    def is_working_day(self, day: date) -> bool:
        return day in self.working_days or (not is_weekend(day) and day not in self.holidays)


class ScheduleOverlay:
    """Official schedules entered as data (through the API), for years the package does not know yet."""

    def __init__(self, schedules: Iterable[YearSchedule] = ()) -> None:
        self._by_year: dict[int, YearSchedule] = {}
        for schedule in schedules:
            if schedule.year in self._by_year:
                raise ValueError(f"schedule for {schedule.year} given twice")
            self._by_year[schedule.year] = schedule

    def knows_year(self, year: int) -> bool:
        return year in self._by_year

    def is_working_day(self, day: date) -> bool:
        return self._schedule(day.year).is_working_day(day)

    def day_off_reason(self, day: date) -> str:
        schedule = self._schedule(day.year)
        if day in schedule.holidays:
            return holiday_reason(schedule.names.get(day))
        return weekend_reason(day)

    def _schedule(self, year: int) -> YearSchedule:
        if year not in self._by_year:
            raise CalendarUnknown(year)
        return self._by_year[year]


class LayeredCalendar:
    """The first source that knows a year answers for the whole year."""

    def __init__(self, *sources: HolidayCalendar) -> None:
        self._sources = sources

    def knows_year(self, year: int) -> bool:
        return any(source.knows_year(year) for source in self._sources)

    def is_working_day(self, day: date) -> bool:
        return self._source(day.year).is_working_day(day)

    def day_off_reason(self, day: date) -> str:
        return self._source(day.year).day_off_reason(day)

    def _source(self, year: int) -> HolidayCalendar:
        for source in self._sources:
            if source.knows_year(year):
                return source
        raise CalendarUnknown(year)


def official_calendar(schedules: Iterable[YearSchedule] = ()) -> LayeredCalendar:
    """Entered schedules first (they win, e.g. a correction), then the package's."""
    return LayeredCalendar(ScheduleOverlay(schedules), ChineseHolidayCalendar())


class ProvisionalCalendar:
    """Never raises: guesses unknown years by the Monday-to-Friday rule and records them in `missing_years`."""

    def __init__(self, calendar: HolidayCalendar) -> None:
        self._calendar = calendar
        self.missing_years: set[int] = set()

    def knows_year(self, year: int) -> bool:
        return self._calendar.knows_year(year)

    def is_working_day(self, day: date) -> bool:
        if self._calendar.knows_year(day.year):
            return self._calendar.is_working_day(day)
        self.missing_years.add(day.year)
        return not is_weekend(day)

    def day_off_reason(self, day: date) -> str:
        if self._calendar.knows_year(day.year):
            return self._calendar.day_off_reason(day)
        self.missing_years.add(day.year)
        return weekend_reason(day)
