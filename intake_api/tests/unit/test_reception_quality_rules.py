"""Pure rules of home visits and reception quality: steps, follow-up answers, report periods and figures."""

from datetime import UTC, date, datetime, timedelta

import pytest

from intake_api.reception.home_visits.rules import STEPS, allowed, schedulable_at
from intake_api.reception.quality.rules import (
    MAX_REPORT_DAYS,
    follow_up_errors,
    minutes,
    period_errors,
    rounded,
    share,
)

NOW = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize("step", list(STEPS))
@pytest.mark.parametrize("status", ["requested", "scheduled", "completed"])
def test_home_visit_steps(step: str, status: str) -> None:
    expected = {("schedule", "requested"), ("schedule", "scheduled"), ("complete", "scheduled")}
    assert allowed(step, status) == ((step, status) in expected)


@pytest.mark.parametrize(
    ("offset", "expected"), [(timedelta(minutes=1), True), (timedelta(0), False), (-timedelta(days=1), False)]
)
def test_visits_are_scheduled_in_the_future(offset: timedelta, expected: bool) -> None:
    assert schedulable_at(NOW + offset, NOW) is expected


@pytest.mark.parametrize(
    ("reached", "satisfaction", "codes"),
    [
        (True, "satisfied", []),
        (True, "dissatisfied", []),
        (True, None, ["missing"]),
        (False, None, []),
        (False, "basically_satisfied", ["not_reached"]),
    ],
)
def test_follow_up_answers(reached: bool, satisfaction: str | None, codes: list[str]) -> None:
    errors = follow_up_errors(reached=reached, satisfaction=satisfaction)
    assert [e.code for e in errors] == codes
    assert all(e.pointer == "/satisfaction" for e in errors)


@pytest.mark.parametrize(
    ("first", "last", "codes"),
    [
        (date(2026, 11, 1), date(2026, 11, 30), []),
        (date(2026, 11, 1), date(2026, 11, 1), []),
        (date(2026, 11, 2), date(2026, 11, 1), ["before_from"]),
        (date(2026, 1, 1), date(2026, 1, 1) + timedelta(days=MAX_REPORT_DAYS - 1), []),
        (date(2026, 1, 1), date(2026, 1, 1) + timedelta(days=MAX_REPORT_DAYS), ["period_too_long"]),
    ],
)
def test_report_periods(first: date, last: date, codes: list[str]) -> None:
    errors = period_errors(first, last)
    assert [e.code for e in errors] == codes
    assert all(e.parameter == "to" for e in errors)


@pytest.mark.parametrize(("part", "whole", "expected"), [(0, 0, None), (0, 3, 0.0), (1, 3, 0.3333), (3, 3, 1.0)])
def test_share(part: int, whole: int, expected: float | None) -> None:
    assert share(part, whole) == expected


@pytest.mark.parametrize(("value", "expected"), [(None, None), (4, 4.0), (3.456, 3.46), (80.5, 80.5)])
def test_rounded(value, expected) -> None:
    assert rounded(value) == expected


@pytest.mark.parametrize(("seconds", "expected"), [(None, None), (0, 0.0), (90, 1.5), (100, 1.67)])
def test_minutes(seconds, expected) -> None:
    assert minutes(seconds) == expected
