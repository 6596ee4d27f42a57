"""routing_svc.clocks.calendar: the official 2026 schedule, entered schedules for later years, unknown years."""

from datetime import date, timedelta

import pytest

from routing_svc.clocks.calendar import (
    CalendarUnknown,
    ChineseHolidayCalendar,
    LayeredCalendar,
    ProvisionalCalendar,
    ScheduleOverlay,
    YearSchedule,
    check_year_schedule,
    official_calendar,
)

PACKAGE = ChineseHolidayCalendar()
# A schedule entered for the tests, shaped like an official one; not the State Council's 2027 schedule.
SCHEDULE_2027 = YearSchedule(
    year=2027,
    holidays=frozenset({date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3)}),
    working_days=frozenset({date(2027, 1, 9)}),
    names={date(2027, 1, 1): "元旦", date(2027, 1, 2): "元旦"},
)


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


@pytest.mark.parametrize("day", days(date(2026, 2, 15), date(2026, 2, 23)))
def test_spring_festival_2026_is_nine_days_off(day: date) -> None:
    assert PACKAGE.is_working_day(day) is False
    assert PACKAGE.day_off_reason(day) == "春节假日"


@pytest.mark.parametrize("day", days(date(2026, 10, 1), date(2026, 10, 7)))
def test_national_day_2026_is_seven_days_off(day: date) -> None:
    assert PACKAGE.is_working_day(day) is False
    assert PACKAGE.day_off_reason(day) == "国庆节假日"


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 4),  # Sunday after New Year's Day
        date(2026, 2, 14),  # Saturday before the Spring Festival
        date(2026, 2, 28),  # Saturday after it
        date(2026, 5, 9),  # Saturday after Labour Day
        date(2026, 9, 20),  # Sunday before National Day
        date(2026, 10, 10),  # Saturday after it
    ],
)
def test_adjusted_weekend_days_of_2026_are_working_days(day: date) -> None:
    assert day.weekday() >= 5
    assert PACKAGE.is_working_day(day) is True


@pytest.mark.parametrize(
    ("day", "working", "reason"),
    [
        (date(2026, 1, 1), False, "元旦假日"),
        (date(2026, 2, 13), True, None),  # Friday before the Spring Festival
        (date(2026, 2, 24), True, None),  # first working day after it
        (date(2026, 4, 6), False, "清明假日"),
        (date(2026, 5, 5), False, "劳动节假日"),
        (date(2026, 6, 19), False, "端午假日"),
        (date(2026, 9, 25), False, "中秋假日"),
        (date(2026, 10, 8), True, None),  # first working day after National Day
        (date(2026, 10, 11), False, "休息日（星期日）"),
        (date(2026, 11, 28), False, "休息日（星期六）"),
        (date(2026, 11, 30), True, None),
    ],
)
def test_package_days_of_2026(day: date, working: bool, reason: str | None) -> None:
    assert PACKAGE.is_working_day(day) is working
    if reason is not None:
        assert PACKAGE.day_off_reason(day) == reason


def test_package_knows_its_years_only() -> None:
    assert PACKAGE.knows_year(2004) and PACKAGE.knows_year(2026)
    assert not PACKAGE.knows_year(2003)
    assert not PACKAGE.knows_year(2099)


def test_package_does_not_know_2027_yet() -> None:
    """A tripwire: when chinese-calendar ships 2027, the year-boundary tests should gain its real dates."""
    assert not PACKAGE.knows_year(2027)


@pytest.mark.parametrize("calendar", [PACKAGE, ScheduleOverlay(), LayeredCalendar(), official_calendar()])
def test_unknown_year_raises_with_the_year(calendar) -> None:
    with pytest.raises(CalendarUnknown) as caught:
        calendar.is_working_day(date(2099, 3, 2))
    assert caught.value.year == 2099
    with pytest.raises(CalendarUnknown):
        calendar.day_off_reason(date(2099, 3, 1))


@pytest.mark.parametrize(
    ("day", "working", "reason"),
    [
        (date(2027, 1, 1), False, "元旦假日"),
        (date(2027, 1, 3), False, "法定节假日"),  # a holiday entered without a name
        (date(2027, 1, 4), True, None),
        (date(2027, 1, 9), True, None),  # an adjusted working Saturday
        (date(2027, 1, 10), False, "休息日（星期日）"),
        (date(2027, 1, 16), False, "休息日（星期六）"),
    ],
)
def test_entered_schedule_answers_for_its_year(day: date, working: bool, reason: str | None) -> None:
    calendar = official_calendar([SCHEDULE_2027])
    assert calendar.knows_year(2027)
    assert calendar.is_working_day(day) is working
    if reason is not None:
        assert calendar.day_off_reason(day) == reason


def test_package_still_answers_beside_an_entered_schedule() -> None:
    calendar = official_calendar([SCHEDULE_2027])
    assert calendar.is_working_day(date(2026, 10, 1)) is False
    assert calendar.day_off_reason(date(2026, 10, 1)) == "国庆节假日"


def test_entered_schedule_wins_over_the_package_for_the_whole_year() -> None:
    correction = YearSchedule(year=2026, holidays=frozenset({date(2026, 10, 8)}))
    calendar = official_calendar([correction])
    assert calendar.is_working_day(date(2026, 10, 8)) is False
    assert calendar.is_working_day(date(2026, 10, 1)) is True  # the entered year replaces the package's year


@pytest.mark.parametrize(
    ("holidays", "working_days", "code"),
    [
        ({date(2027, 10, 1)}, {date(2027, 9, 26)}, None),
        (set(), set(), None),
        ({date(2026, 12, 31)}, set(), "schedule_date_outside_year"),
        (set(), {date(2028, 1, 1)}, "schedule_date_outside_year"),
        ({date(2027, 10, 2)}, {date(2027, 10, 2)}, "schedule_date_both_holiday_and_working"),
        (set(), {date(2027, 10, 8)}, "schedule_working_day_not_weekend"),  # a Friday is a working day anyway
    ],
)
def test_year_schedule_checks(holidays: set[date], working_days: set[date], code: str | None) -> None:
    assert check_year_schedule(2027, holidays=holidays, working_days=working_days) == code
    if code is None:
        assert YearSchedule(2027, frozenset(holidays), frozenset(working_days)).year == 2027
    else:
        with pytest.raises(ValueError, match=code):
            YearSchedule(2027, frozenset(holidays), frozenset(working_days))


def test_year_schedule_accepts_plain_sets() -> None:
    schedule = YearSchedule(2027, {date(2027, 1, 1)}, {date(2027, 1, 9)})  # type: ignore[arg-type]
    assert isinstance(schedule.holidays, frozenset) and isinstance(schedule.working_days, frozenset)


def test_a_year_cannot_be_entered_twice() -> None:
    with pytest.raises(ValueError):
        ScheduleOverlay([SCHEDULE_2027, SCHEDULE_2027])


def test_provisional_calendar_guesses_weekdays_and_records_the_years() -> None:
    calendar = ProvisionalCalendar(official_calendar())
    assert calendar.is_working_day(date(2027, 1, 1)) is True  # a Friday, guessed
    assert calendar.is_working_day(date(2027, 1, 2)) is False  # a Saturday, guessed
    assert calendar.day_off_reason(date(2099, 1, 3)) == "休息日（星期六）"
    assert calendar.missing_years == {2027, 2099}


def test_provisional_calendar_does_not_flag_known_years() -> None:
    calendar = ProvisionalCalendar(official_calendar([SCHEDULE_2027]))
    assert calendar.is_working_day(date(2026, 10, 1)) is False
    assert calendar.is_working_day(date(2027, 1, 1)) is False
    assert calendar.day_off_reason(date(2027, 1, 1)) == "元旦假日"
    assert calendar.knows_year(2027) and not calendar.knows_year(2028)
    assert calendar.missing_years == set()
