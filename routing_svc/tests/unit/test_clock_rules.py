"""routing_svc.clocks.rules: due dates under the 2026 holiday calendar, year boundaries, pauses, extensions."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from routing_svc.clocks.calendar import YearSchedule, official_calendar
from routing_svc.clocks.kinds import ClockKind, ClockLimits, DayCount
from routing_svc.clocks.rules import (
    BUREAU_TZ,
    Pause,
    compute_due,
    count_days,
    end_of_day,
    local_date,
    next_working_day,
)

CALENDAR = official_calendar()
SCHEDULE_2027 = YearSchedule(  # entered for the tests, shaped like an official schedule
    year=2027,
    holidays=frozenset({date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3)}),
    names={date(2027, 1, 1): "元旦"},
)
UTC = ZoneInfo("UTC")


def local(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=BUREAU_TZ)


def due(kind: ClockKind, event: date, **options):
    return compute_due(kind=kind, started_at=local(event), calendar=options.pop("calendar", CALENDAR), **options)


@pytest.mark.parametrize(
    ("kind", "event", "expected", "shifted_from", "reason"),
    [
        (ClockKind.REGISTER_AND_ROUTE, date(2026, 9, 15), date(2026, 9, 30), None, None),
        (ClockKind.REGISTER_AND_ROUTE, date(2026, 9, 16), date(2026, 10, 8), date(2026, 10, 1), "国庆节假日"),
        (ClockKind.REGISTER_AND_ROUTE, date(2026, 9, 5), date(2026, 9, 20), None, None),  # adjusted working Sunday
        (ClockKind.REGISTER_AND_ROUTE, date(2026, 9, 10), date(2026, 9, 28), date(2026, 9, 25), "中秋假日"),
        (ClockKind.REGISTER_AND_ROUTE, date(2026, 1, 30), date(2026, 2, 14), None, None),  # adjusted working Saturday
        (ClockKind.REGISTER_AND_ROUTE, date(2026, 1, 31), date(2026, 2, 24), date(2026, 2, 15), "春节假日"),
        (ClockKind.REGISTER_AND_ROUTE, date(2026, 2, 8), date(2026, 2, 24), date(2026, 2, 23), "春节假日"),
        (ClockKind.REGISTER_AND_ROUTE, date(2026, 2, 13), date(2026, 2, 28), None, None),  # adjusted working Saturday
        (ClockKind.REGISTER_AND_ROUTE, date(2026, 11, 13), date(2026, 11, 30), date(2026, 11, 28), "休息日（星期六）"),
        (ClockKind.REGISTER_AND_ROUTE, date(2025, 12, 17), date(2026, 1, 4), date(2026, 1, 1), "元旦假日"),
        (ClockKind.HANDLE, date(2026, 8, 2), date(2026, 10, 8), date(2026, 10, 1), "国庆节假日"),
        (ClockKind.HANDLE, date(2026, 7, 31), date(2026, 9, 29), None, None),
        (ClockKind.REVIEW_REQUEST, date(2026, 9, 1), date(2026, 10, 8), date(2026, 10, 1), "国庆节假日"),
        (ClockKind.REVIEW_ANSWER, date(2026, 9, 4), date(2026, 10, 8), date(2026, 10, 4), "国庆节假日"),
        (ClockKind.RE_REVIEW_REQUEST, date(2026, 9, 7), date(2026, 10, 8), date(2026, 10, 7), "国庆节假日"),
        (ClockKind.RE_REVIEW_ANSWER, date(2026, 1, 16), date(2026, 2, 24), date(2026, 2, 15), "春节假日"),
    ],
)
def test_calendar_day_limits(kind, event: date, expected: date, shifted_from: date | None, reason: str | None) -> None:
    result = due(kind, event)
    assert result.due_date == expected
    assert result.count is DayCount.CALENDAR
    assert result.calendar_missing_years == () and not result.provisional
    if shifted_from is None:
        assert result.shift is None
        return
    assert (result.shift.original, result.shift.due_date, result.shift.reason) == (shifted_from, expected, reason)
    assert f"期限届满日 {shifted_from} 为{reason}，顺延至 {expected}" in result.explanation


def test_explanation_reads_like_a_notice() -> None:
    assert due(ClockKind.REGISTER_AND_ROUTE, date(2026, 9, 16)).explanation == (
        "自收到信访事项之日 2026-09-16 的次日起算，期限 15 日",
        "期限届满日 2026-10-01 为国庆节假日，顺延至 2026-10-08",
        "期限于 2026-10-08 24 时届满",
    )


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (date(2026, 11, 23), date(2026, 11, 30)),  # an ordinary week and a weekend
        (date(2026, 9, 30), date(2026, 10, 13)),  # National Day week, then the working Saturday 10-10
        (date(2026, 9, 24), date(2026, 10, 9)),  # Mid-autumn and National Day
        (date(2026, 9, 18), date(2026, 9, 24)),  # the working Sunday 09-20 counts
        (date(2026, 2, 12), date(2026, 2, 26)),  # the working Saturday 02-14, then the Spring Festival
        (date(2026, 2, 14), date(2026, 2, 28)),  # event on a working Saturday; the next working Saturday is day 5
        (date(2026, 10, 1), date(2026, 10, 13)),  # event on a holiday
    ],
)
def test_working_day_limit_counts_working_days_after_the_event(event: date, expected: date) -> None:
    result = due(ClockKind.OBJECT, event)
    assert result.due_date == expected
    assert result.count is DayCount.WORKING and result.days == 5
    assert result.shift is None
    assert result.explanation[0] == f"自收到转送交办的信访事项之日 {event} 的次日起算，期限 5 个工作日"


@pytest.mark.parametrize(
    ("started_at", "event", "expected"),
    [
        (datetime(2026, 9, 15, 15, 59, tzinfo=UTC), date(2026, 9, 15), date(2026, 9, 30)),  # 23:59 in Shanghai
        (datetime(2026, 9, 15, 16, 0, tzinfo=UTC), date(2026, 9, 16), date(2026, 10, 8)),  # 00:00 the next day
        (datetime(2026, 9, 16, 0, 30, tzinfo=BUREAU_TZ), date(2026, 9, 16), date(2026, 10, 8)),
        (datetime(2026, 9, 15, 9, 0, tzinfo=ZoneInfo("America/New_York")), date(2026, 9, 15), date(2026, 9, 30)),
    ],
)
def test_events_are_counted_on_the_bureau_local_date(started_at: datetime, event: date, expected: date) -> None:
    result = compute_due(kind=ClockKind.REGISTER_AND_ROUTE, started_at=started_at, calendar=CALENDAR)
    assert (result.event_date, result.due_date) == (event, expected)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        local_date(datetime(2026, 9, 16, 10))
    with pytest.raises(ValueError):
        compute_due(kind=ClockKind.HANDLE, started_at=datetime(2026, 9, 16, 10), calendar=CALENDAR)


def test_due_moment_is_the_end_of_the_local_due_day() -> None:
    result = due(ClockKind.REGISTER_AND_ROUTE, date(2026, 9, 16))
    assert result.due_at == datetime(2026, 10, 8, 23, 59, 59, 999999, tzinfo=BUREAU_TZ)
    assert result.due_at == end_of_day(date(2026, 10, 8))
    assert result.due_at.astimezone(UTC) == datetime(2026, 10, 8, 15, 59, 59, 999999, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kind", "event", "without_2027", "with_2027"),
    [
        (ClockKind.REGISTER_AND_ROUTE, date(2026, 12, 17), date(2027, 1, 1), date(2027, 1, 4)),
        (ClockKind.REGISTER_AND_ROUTE, date(2026, 12, 20), date(2027, 1, 4), date(2027, 1, 4)),
        (ClockKind.OBJECT, date(2026, 12, 29), date(2027, 1, 5), date(2027, 1, 6)),
        (ClockKind.HANDLE, date(2026, 11, 2), date(2027, 1, 1), date(2027, 1, 4)),
    ],
)
def test_limit_crossing_2026_into_2027(kind, event: date, without_2027: date, with_2027: date) -> None:
    guessed = due(kind, event)
    assert guessed.due_date == without_2027
    assert guessed.calendar_missing_years == (2027,) and guessed.provisional
    assert "2027 年节假日安排尚未掌握，暂按周六、周日休息推算，届满日待官方安排公布后复核" in guessed.explanation
    entered = due(kind, event, calendar=official_calendar([SCHEDULE_2027]))
    assert entered.due_date == with_2027
    assert entered.calendar_missing_years == () and not entered.provisional


def test_shift_into_an_entered_year_names_the_entered_holiday() -> None:
    result = due(ClockKind.REGISTER_AND_ROUTE, date(2026, 12, 17), calendar=official_calendar([SCHEDULE_2027]))
    assert result.shift.text == "期限届满日 2027-01-01 为元旦假日，顺延至 2027-01-04"


def test_limit_ending_in_2026_is_not_flagged_though_2027_is_unknown() -> None:
    assert due(ClockKind.REGISTER_AND_ROUTE, date(2026, 12, 16)).calendar_missing_years == ()  # due 2026-12-31


def test_every_guessed_year_is_flagged() -> None:
    result = due(ClockKind.OBJECT, date(2027, 12, 28))
    assert result.calendar_missing_years == (2027, 2028)
    assert any(line.startswith("2027、2028 年节假日安排尚未掌握") for line in result.explanation)


def test_far_unknown_year_is_flagged() -> None:
    result = due(ClockKind.HANDLE, date(2099, 5, 1))
    assert result.calendar_missing_years == (2099,)
    assert result.due_date == date(2099, 6, 30)  # a Tuesday under the guessed weekday rule


class NeverWorking:
    """A broken schedule: no day is a working day."""

    def knows_year(self, year: int) -> bool:
        return True

    def is_working_day(self, day: date) -> bool:
        return False

    def day_off_reason(self, day: date) -> str:
        return "测试"


def test_a_calendar_without_working_days_stops_the_count() -> None:
    with pytest.raises(ValueError, match="no working day"):
        next_working_day(date(2030, 1, 1), calendar=NeverWorking())
    with pytest.raises(ValueError, match="no working day"):
        due(ClockKind.OBJECT, date(2030, 1, 1), calendar=NeverWorking())


@pytest.mark.parametrize(
    ("pauses", "expected", "paused_days"),
    [
        ((), date(2026, 12, 2), 0),
        ((Pause(date(2026, 11, 10), date(2026, 11, 12)),), date(2026, 12, 7), 3),  # 12-05 is a Saturday
        ((Pause(date(2026, 12, 2), date(2026, 12, 3)),), date(2026, 12, 4), 2),  # pause over the would-be due day
        ((Pause(date(2026, 10, 1), date(2026, 11, 2)),), date(2026, 12, 2), 0),  # ended on the event day
        ((Pause(date(2026, 12, 3), date(2026, 12, 9)),), date(2026, 12, 2), 0),  # after the due day
        ((Pause(date(2026, 11, 3)), Pause(date(2026, 11, 3), date(2026, 11, 4))), date(2026, 12, 4), 2),  # overlap
    ],
)
def test_paused_days_are_not_counted(pauses, expected: date, paused_days: int) -> None:
    closed = tuple(pause.closed_by(pause.start) for pause in pauses)
    result = due(ClockKind.RE_REVIEW_ANSWER, date(2026, 11, 2), pauses=closed)
    assert (result.due_date, result.paused_days) == (expected, paused_days)
    assert (f"听证期间共 {paused_days} 日不计入期限" in result.explanation) is bool(paused_days)


def test_due_day_is_not_shifted_onto_a_paused_day() -> None:
    result = due(
        ClockKind.REGISTER_AND_ROUTE, date(2026, 11, 13), pauses=[Pause(date(2026, 11, 30), date(2026, 12, 1))]
    )
    assert result.due_date == date(2026, 12, 2)
    assert result.shift.text == "期限届满日 2026-11-28 为休息日（星期六），顺延至 2026-12-02"


def test_pauses_apply_to_working_day_counts() -> None:
    result = due(ClockKind.OBJECT, date(2026, 11, 23), pauses=[Pause(date(2026, 11, 25), date(2026, 11, 25), "鉴定")])
    assert (result.due_date, result.paused_days) == (date(2026, 12, 1), 1)
    assert "鉴定期间共 1 日不计入期限" in result.explanation


def test_each_pause_reason_is_named_once() -> None:
    pauses = [Pause(date(2026, 11, 3), date(2026, 11, 3)), Pause(date(2026, 11, 5), date(2026, 11, 5), "鉴定")]
    pauses += [Pause(date(2026, 11, 7), date(2026, 11, 7)), Pause(date(2026, 12, 20), date(2026, 12, 21), "调解")]
    assert (
        "听证、鉴定期间共 3 日不计入期限"
        in due(ClockKind.RE_REVIEW_ANSWER, date(2026, 11, 2), pauses=pauses).explanation
    )


def test_open_pause_must_be_closed_before_computing() -> None:
    with pytest.raises(ValueError, match="open pause"):
        due(ClockKind.RE_REVIEW_ANSWER, date(2026, 11, 2), pauses=[Pause(date(2026, 11, 10))])


def test_pause_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError):
        Pause(date(2026, 11, 10), date(2026, 11, 9))


def test_closing_an_open_pause() -> None:
    assert Pause(date(2026, 11, 10)).closed_by(date(2026, 11, 20)) == Pause(date(2026, 11, 10), date(2026, 11, 20))
    assert Pause(date(2026, 11, 10)).closed_by(date(2026, 11, 1)).end == date(2026, 11, 10)
    closed = Pause(date(2026, 11, 10), date(2026, 11, 12))
    assert closed.closed_by(date(2026, 11, 20)) is closed


def test_extension_adds_days_to_the_handling_limit() -> None:
    result = due(ClockKind.HANDLE, date(2026, 8, 2), extension_days=30)
    assert (result.days, result.due_date) == (90, date(2026, 11, 2))  # 10-31 is a Saturday
    assert "经批准延长办理期限 30 日" in result.explanation


@pytest.mark.parametrize(
    ("kind", "extension_days"),
    [(ClockKind.HANDLE, -1), (ClockKind.OBJECT, 5), (ClockKind.REVIEW_ANSWER, 10), (ClockKind.EXTENSION, 0)],
)
def test_extension_only_on_the_handling_clock(kind, extension_days: int) -> None:
    with pytest.raises(ValueError):
        due(kind, date(2026, 8, 2), extension_days=extension_days)


def test_configured_limits_are_used() -> None:
    limits = ClockLimits(handle_days=45, object_working_days=3)
    assert due(ClockKind.HANDLE, date(2026, 8, 17), limits=limits).due_date == date(2026, 10, 8)  # 10-01 moved
    assert due(ClockKind.OBJECT, date(2026, 9, 30), limits=limits).due_date == date(2026, 10, 10)


def test_count_days_needs_a_positive_limit() -> None:
    with pytest.raises(ValueError):
        count_days(event_date=date(2026, 9, 1), days=0, count=DayCount.CALENDAR, calendar=CALENDAR)


@pytest.mark.parametrize("count", list(DayCount))
def test_count_days_reports_skipped_pause_days(count: DayCount) -> None:
    pauses = [Pause(date(2026, 11, 24), date(2026, 11, 26))]
    last, paused = count_days(event_date=date(2026, 11, 23), days=2, count=count, calendar=CALENDAR, pauses=pauses)
    assert (last, paused) == (date(2026, 11, 28) if count is DayCount.CALENDAR else date(2026, 11, 30), 3)
