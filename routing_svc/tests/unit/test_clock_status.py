"""routing_svc.clocks: a clock's state at a moment, extension checks, and the table of clock kinds."""

from dataclasses import fields
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from routing_svc.clocks import (
    BUREAU_TZ,
    EXTENSION_ERROR_TITLES,
    ClockKind,
    ClockLimits,
    ClockState,
    DayCount,
    ExtensionError,
    Pause,
    check_extension,
    clock_rule,
    clock_status,
    clock_table,
    official_calendar,
)

CALENDAR = official_calendar()
UTC = ZoneInfo("UTC")
ACCEPTED = datetime(2026, 8, 2, 10, tzinfo=BUREAU_TZ)  # handling due 2026-10-08 (10-01 moved)
MICROSECOND = timedelta(microseconds=1)


def local(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=BUREAU_TZ)


def handling(at: datetime, **options):
    return clock_status(kind=ClockKind.HANDLE, started_at=ACCEPTED, at=at, calendar=CALENDAR, **options)


@pytest.mark.parametrize(
    ("at", "state", "days_left"),
    [
        (local(date(2026, 8, 1)), ClockState.RUNNING, 68),  # before the start
        (local(date(2026, 9, 1)), ClockState.RUNNING, 37),
        (local(date(2026, 9, 30)), ClockState.RUNNING, 8),
        (local(date(2026, 10, 1), 0), ClockState.DUE_SOON, 7),  # handling lead time: 7 days
        (local(date(2026, 10, 8), 9), ClockState.DUE_SOON, 0),
        (datetime(2026, 10, 8, 23, 59, 59, 999999, tzinfo=BUREAU_TZ), ClockState.DUE_SOON, 0),
        (datetime(2026, 10, 8, 16, tzinfo=UTC), ClockState.OVERDUE, -1),  # 00:00 on 10-09 in Shanghai
        (local(date(2026, 11, 8)), ClockState.OVERDUE, -31),
    ],
)
def test_states_over_time(at: datetime, state: ClockState, days_left: int) -> None:
    status = handling(at)
    assert (status.state, status.days_left, status.stopped_in_time) == (state, days_left, None)
    assert status.due.due_date == date(2026, 10, 8)


def test_overdue_starts_one_microsecond_after_the_due_moment() -> None:
    due_at = handling(local(date(2026, 9, 1))).due.due_at
    assert handling(due_at).state is ClockState.DUE_SOON
    assert handling(due_at + MICROSECOND).state is ClockState.OVERDUE


@pytest.mark.parametrize(
    ("limits", "at", "state"),
    [
        (ClockLimits(due_soon_days=10, due_soon_days_by_kind={}), local(date(2026, 9, 28)), ClockState.DUE_SOON),
        (ClockLimits(due_soon_days=10, due_soon_days_by_kind={}), local(date(2026, 9, 27)), ClockState.RUNNING),
        (ClockLimits(due_soon_days_by_kind={ClockKind.HANDLE: 0}), local(date(2026, 10, 7)), ClockState.RUNNING),
        (ClockLimits(due_soon_days_by_kind={ClockKind.HANDLE: 0}), local(date(2026, 10, 8)), ClockState.DUE_SOON),
    ],
)
def test_lead_times_are_configurable(limits: ClockLimits, at: datetime, state: ClockState) -> None:
    assert handling(at, limits=limits).state is state


@pytest.mark.parametrize(
    ("stopped_at", "in_time", "days_left"),
    [
        (local(date(2026, 9, 20)), True, 18),
        (datetime(2026, 10, 8, 23, 59, 59, 999999, tzinfo=BUREAU_TZ), True, 0),
        (local(date(2026, 10, 12)), False, -4),
    ],
)
def test_a_stopped_clock_stays_stopped_and_says_whether_it_was_in_time(
    stopped_at: datetime, in_time: bool, days_left: int
) -> None:
    status = handling(local(date(2026, 12, 1)), stopped_at=stopped_at)
    assert (status.state, status.stopped_in_time, status.days_left) == (ClockState.STOPPED, in_time, days_left)


def test_a_stop_after_the_moment_asked_about_does_not_count_yet() -> None:
    status = handling(local(date(2026, 9, 1)), stopped_at=local(date(2026, 9, 20)))
    assert (status.state, status.stopped_in_time) == (ClockState.RUNNING, None)


def re_review(at: datetime, pauses) -> object:
    started = local(date(2026, 11, 2))
    return clock_status(kind=ClockKind.RE_REVIEW_ANSWER, started_at=started, at=at, calendar=CALENDAR, pauses=pauses)


def test_open_hearing_pauses_the_clock_and_counts_through_today() -> None:
    status = re_review(local(date(2026, 11, 12)), [Pause(date(2026, 11, 10))])
    assert status.state is ClockState.PAUSED
    assert (status.due.paused_days, status.due.due_date) == (3, date(2026, 12, 7))  # 12-05 is a Saturday


def test_clock_runs_again_after_the_hearing() -> None:
    status = re_review(local(date(2026, 11, 13)), [Pause(date(2026, 11, 10), date(2026, 11, 12))])
    assert (status.state, status.due.due_date, status.days_left) == (ClockState.RUNNING, date(2026, 12, 7), 24)


def test_a_pause_that_starts_after_the_due_day_leaves_the_clock_overdue() -> None:
    status = re_review(local(date(2026, 12, 10)), [Pause(date(2026, 12, 9))])
    assert (status.state, status.due.due_date) == (ClockState.OVERDUE, date(2026, 12, 2))


def test_object_clock_default_lead_is_one_day() -> None:
    started = local(date(2026, 11, 23))  # due 2026-11-30
    states = [
        clock_status(kind=ClockKind.OBJECT, started_at=started, at=local(day), calendar=CALENDAR).state
        for day in (date(2026, 11, 28), date(2026, 11, 29), date(2026, 12, 1))
    ]
    assert states == [ClockState.RUNNING, ClockState.DUE_SOON, ClockState.OVERDUE]


def test_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError):
        handling(datetime(2026, 9, 1, 10))


@pytest.mark.parametrize(
    ("kind", "days", "reason", "granted", "error"),
    [
        (ClockKind.HANDLE, 30, "涉及多个部门，情况复杂", (), None),
        (ClockKind.HANDLE, 1, "需现场核查", (), None),
        (ClockKind.HANDLE, 31, "情况复杂", (), ExtensionError.TOO_LONG),
        (ClockKind.HANDLE, 0, "情况复杂", (), ExtensionError.DAYS_NOT_POSITIVE),
        (ClockKind.HANDLE, -5, "情况复杂", (), ExtensionError.DAYS_NOT_POSITIVE),
        (ClockKind.HANDLE, 10, "情况复杂", (10,), ExtensionError.ALREADY_EXTENDED),
        (ClockKind.HANDLE, 40, "情况复杂", (30,), ExtensionError.ALREADY_EXTENDED),
        (ClockKind.HANDLE, 10, "  ", (), ExtensionError.REASON_MISSING),
        (ClockKind.HANDLE, 10, "", (), ExtensionError.REASON_MISSING),
        (ClockKind.OBJECT, 10, "情况复杂", (), ExtensionError.NOT_EXTENDABLE),
        (ClockKind.REVIEW_ANSWER, 10, "情况复杂", (), ExtensionError.NOT_EXTENDABLE),
        (ClockKind.RE_REVIEW_ANSWER, 10, "情况复杂", (), ExtensionError.NOT_EXTENDABLE),
    ],
)
def test_extension_checks(kind, days: int, reason: str, granted: tuple[int, ...], error) -> None:
    assert check_extension(kind=kind, days=days, reason=reason, granted_days=granted) == error


@pytest.mark.parametrize(
    ("limits", "days", "granted", "error"),
    [
        (ClockLimits(extension_max_count=2), 20, (10,), None),
        (ClockLimits(extension_max_count=2), 21, (10,), ExtensionError.TOO_LONG),
        (ClockLimits(extension_max_count=2), 5, (10, 5), ExtensionError.ALREADY_EXTENDED),
        (ClockLimits(extension_max_count=0), 5, (), ExtensionError.ALREADY_EXTENDED),
        (ClockLimits(extension_max_days=15), 16, (), ExtensionError.TOO_LONG),
        (ClockLimits(extension_max_days=15), 15, (), None),
    ],
)
def test_extension_checks_follow_configured_limits(limits: ClockLimits, days: int, granted, error) -> None:
    assert (
        check_extension(kind=ClockKind.HANDLE, days=days, reason="情况复杂", granted_days=granted, limits=limits)
        == error
    )


@pytest.mark.parametrize(
    ("requested_at", "error"),
    [
        (datetime(2026, 10, 8, 23, 59, 59, 999999, tzinfo=BUREAU_TZ), None),
        (datetime(2026, 10, 8, 16, tzinfo=UTC), ExtensionError.AFTER_DUE),
        (local(date(2026, 9, 1)), None),
    ],
)
def test_extension_must_be_granted_before_the_handling_limit_ends(requested_at: datetime, error) -> None:
    due_at = handling(local(date(2026, 9, 1))).due.due_at
    checked = check_extension(
        kind=ClockKind.HANDLE, days=30, reason="情况复杂", requested_at=requested_at, current_due_at=due_at
    )
    assert checked == error


def test_every_extension_error_has_a_chinese_title() -> None:
    assert set(EXTENSION_ERROR_TITLES) == set(ExtensionError)
    assert all(any("\u4e00" <= char <= "\u9fff" for char in title) for title in EXTENSION_ERROR_TITLES.values())


@pytest.mark.parametrize(
    ("kind", "days", "count", "pausable", "article"),
    [
        (ClockKind.REGISTER_AND_ROUTE, 15, DayCount.CALENDAR, False, "第二十二条、第二十三条"),
        (ClockKind.OBJECT, 5, DayCount.WORKING, False, "第二十三条第三款"),
        (ClockKind.HANDLE, 60, DayCount.CALENDAR, False, "第三十四条"),
        (ClockKind.EXTENSION, 30, DayCount.CALENDAR, False, "第三十四条"),
        (ClockKind.REVIEW_REQUEST, 30, DayCount.CALENDAR, False, "第三十五条"),
        (ClockKind.REVIEW_ANSWER, 30, DayCount.CALENDAR, False, "第三十五条"),
        (ClockKind.RE_REVIEW_REQUEST, 30, DayCount.CALENDAR, False, "第三十六条"),
        (ClockKind.RE_REVIEW_ANSWER, 30, DayCount.CALENDAR, True, "第三十六条"),
    ],
)
def test_default_clock_table(kind, days: int, count: DayCount, pausable: bool, article: str) -> None:
    rule = clock_rule(kind)
    assert (rule.kind, rule.days, rule.count, rule.pausable) == (kind, days, count, pausable)
    assert rule.legal_basis.startswith(f"《信访工作条例》{article}")
    assert rule.name and rule.starts_after
    assert bool(rule.pause_note) is pausable


def test_clock_table_lists_every_kind_in_procedure_order() -> None:
    assert list(clock_table()) == list(ClockKind)


def test_configured_limits_change_the_table() -> None:
    limits = ClockLimits(register_and_route_days=10, object_working_days=3, handle_days=45, re_review_answer_days=20)
    table = clock_table(limits)
    assert [table[kind].days for kind in ClockKind] == [10, 3, 45, 30, 30, 30, 30, 20]


@pytest.mark.parametrize("name", [f.name for f in fields(ClockLimits) if f.name.endswith("_days")])
def test_limits_refuse_non_positive_days(name: str) -> None:
    minimum = 0 if name == "due_soon_days" else 1
    assert getattr(ClockLimits(**{name: minimum}), name) == minimum
    with pytest.raises(ValueError):
        ClockLimits(**{name: minimum - 1})


def test_limits_refuse_negative_counts_and_lead_times() -> None:
    assert ClockLimits(extension_max_count=0).extension_max_count == 0
    with pytest.raises(ValueError):
        ClockLimits(extension_max_count=-1)
    with pytest.raises(ValueError):
        ClockLimits(due_soon_days_by_kind={ClockKind.HANDLE: -1})


@pytest.mark.parametrize(("kind", "lead"), [(ClockKind.HANDLE, 7), (ClockKind.OBJECT, 1), (ClockKind.REVIEW_ANSWER, 3)])
def test_default_lead_times(kind, lead: int) -> None:
    assert ClockLimits().lead_days(kind) == lead
