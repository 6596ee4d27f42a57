"""Weeks of grid work: ISO weeks in China time, when a week closes, the visit windows and who is due."""

from datetime import UTC, date, datetime, timedelta

import pytest

from screening_svc.grids.rules import CHINA
from screening_svc.sweeps import rules


@pytest.mark.parametrize(
    ("day", "week"),
    [
        (date(2026, 3, 2), "2026-W10"),
        (date(2026, 3, 8), "2026-W10"),
        (date(2026, 3, 9), "2026-W11"),
        (date(2026, 1, 1), "2026-W01"),  # a Thursday: week 1 of 2026
        (date(2025, 12, 29), "2026-W01"),  # Monday of 2026-W01 lies in 2025
        (date(2027, 1, 1), "2026-W53"),  # 2026 has 53 ISO weeks
        (date(2027, 1, 4), "2027-W01"),
    ],
)
def test_iso_week(day: date, week: str) -> None:
    assert rules.iso_week(day) == week


@pytest.mark.parametrize(
    ("week", "monday"),
    [("2026-W10", date(2026, 3, 2)), ("2026-W01", date(2025, 12, 29)), ("2026-W53", date(2026, 12, 28))],
)
def test_week_monday_and_sunday(week: str, monday: date) -> None:
    assert rules.week_monday(week) == monday
    assert rules.week_sunday(week) == monday + timedelta(days=6)
    assert rules.iso_week(rules.week_monday(week)) == rules.iso_week(rules.week_sunday(week)) == week


@pytest.mark.parametrize("week", ["2026-W00", "2026-W54", "2025-W53", "2026-10", "2026W10", "", "2026-W1", "abcd-W10"])
def test_invalid_weeks(week: str) -> None:
    with pytest.raises(ValueError):
        rules.week_monday(week)


@pytest.mark.parametrize(
    ("grace", "closes"), [(0, datetime(2026, 3, 9, tzinfo=CHINA)), (1, datetime(2026, 3, 10, tzinfo=CHINA))]
)
def test_week_closes_at_midnight_after_sunday_and_the_grace_days(grace: int, closes: datetime) -> None:
    assert rules.closes_at("2026-W10", grace) == closes
    assert not rules.is_closed("2026-W10", closes - timedelta(microseconds=1), grace)
    assert rules.is_closed("2026-W10", closes, grace)


def test_closing_is_in_china_time() -> None:
    # 2026-03-09 16:00 UTC is 2026-03-10 00:00 in China: the week closes then with one grace day
    assert rules.is_closed("2026-W10", datetime(2026, 3, 9, 16, 0, tzinfo=UTC), 1)
    assert not rules.is_closed("2026-W10", datetime(2026, 3, 9, 15, 59, tzinfo=UTC), 1)


@pytest.mark.parametrize(
    ("now", "grace", "week"),
    [
        (datetime(2026, 3, 10, 0, 0, tzinfo=CHINA), 1, "2026-W10"),  # W10 just closed
        (datetime(2026, 3, 9, 23, 59, tzinfo=CHINA), 1, "2026-W09"),  # W10 still in its grace day
        (datetime(2026, 3, 9, 0, 0, tzinfo=CHINA), 0, "2026-W10"),
        (datetime(2026, 3, 8, 23, 0, tzinfo=CHINA), 0, "2026-W09"),
        (datetime(2026, 3, 14, 12, 0, tzinfo=CHINA), 6, "2026-W09"),  # W10 closes on 2026-03-15 with 6 days
        (datetime(2026, 1, 6, 0, 0, tzinfo=CHINA), 1, "2026-W01"),
        (datetime(2026, 1, 5, 12, 0, tzinfo=CHINA), 1, "2025-W52"),
    ],
)
def test_last_closed_week(now: datetime, grace: int, week: str) -> None:
    assert rules.last_closed_week(now, grace) == week
    assert rules.is_closed(week, now, grace)


@pytest.mark.parametrize(("interval", "start"), [("weekly", date(2026, 3, 2)), ("monthly", date(2026, 2, 7))])
def test_visit_window_ends_on_the_weeks_sunday(interval: str, start: date) -> None:
    assert rules.visit_window("2026-W10", interval) == (start, date(2026, 3, 8))


@pytest.mark.parametrize(("done", "required", "short"), [(0, 1, True), (1, 1, False), (2, 1, False), (1, 2, True)])
def test_grid_short(done: int, required: int, short: bool) -> None:
    assert rules.grid_short(done, required) is short


@pytest.mark.parametrize(("minutes", "future"), [(-60, False), (0, False), (5, False), (6, True)])
def test_in_future_allows_a_little_clock_skew(minutes: int, future: bool) -> None:
    now = datetime(2026, 3, 5, 10, 0, tzinfo=UTC)
    assert rules.in_future(now + timedelta(minutes=minutes), now) is future
