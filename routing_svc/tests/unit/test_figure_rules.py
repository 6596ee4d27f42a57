"""Periods, rates, the grassroots goal and the scope of figures (pure rules)."""

from datetime import date, datetime, timedelta, timezone

import pytest

from routing_svc.figures.rules import meets_goal, parse_period, rate, unit_in_scope


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("2026", "year", date(2026, 1, 1), date(2027, 1, 1)),
        ("2026-Q1", "quarter", date(2026, 1, 1), date(2026, 4, 1)),
        ("2026-Q2", "quarter", date(2026, 4, 1), date(2026, 7, 1)),
        ("2026-Q4", "quarter", date(2026, 10, 1), date(2027, 1, 1)),  # across the year boundary
        ("2026-01", "month", date(2026, 1, 1), date(2026, 2, 1)),
        ("2026-02", "month", date(2026, 2, 1), date(2026, 3, 1)),
        ("2028-02", "month", date(2028, 2, 1), date(2028, 3, 1)),
        ("2026-12", "month", date(2026, 12, 1), date(2027, 1, 1)),
    ],
)
def test_parse_period(text: str, kind: str, start: date, end: date) -> None:
    period = parse_period(text)
    assert period is not None
    assert (period.label, period.kind, period.start, period.end) == (text, kind, start, end)


@pytest.mark.parametrize(
    "text",
    ["", "26", "2026-Q0", "2026-Q5", "2026-00", "2026-13", "2026-1", "2026Q1", "2026-q1", " 2026", "0000", "9999"],
)
def test_parse_period_refuses(text: str) -> None:
    assert parse_period(text) is None


def test_a_period_starts_and_ends_at_local_midnight() -> None:
    period = parse_period("2026-Q1")
    assert period is not None
    beijing = timezone(timedelta(hours=8))
    assert period.start_at == datetime(2026, 1, 1, tzinfo=beijing)
    assert period.end_at == datetime(2026, 4, 1, tzinfo=beijing)
    assert period.start_at.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize(
    ("numerator", "denominator", "value"),
    [(0, 0, None), (0, 5, 0.0), (5, 5, 1.0), (9, 10, 0.9), (2, 3, 0.6667), (1, 3, 0.3333)],
)
def test_rate(numerator: int, denominator: int, value: float | None) -> None:
    assert rate(numerator, denominator) == value


@pytest.mark.parametrize(("value", "met"), [(None, None), (0.9, True), (0.8999, False), (1.0, True), (0.0, False)])
def test_the_grassroots_goal_is_ninety_percent(value: float | None, met: bool | None) -> None:
    assert meets_goal(value) is met


@pytest.mark.parametrize(
    ("unit", "jurisdiction", "is_admin", "visible"),
    [
        ("320599", "320599", False, True),
        ("320599001", "320599", False, True),
        ("320599001001", "320599", False, True),
        ("320599002", "320599001", False, False),
        ("320599", "320599001", False, False),
        ("320599001001", "320599001001", False, True),
        ("D-HOUSING", "320599", False, False),
        ("D-HOUSING", "D-HOUSING", False, True),
        ("D-HOUSING-2", "D-HOUSING", False, False),
        ("320599", "D-HOUSING", False, False),
        ("320599", None, False, False),
        ("320599", "", False, False),
        ("D-HOUSING", None, True, True),
    ],
)
def test_unit_in_scope(unit: str, jurisdiction: str | None, is_admin: bool, visible: bool) -> None:
    assert unit_in_scope(unit, jurisdiction=jurisdiction, is_admin=is_admin) is visible
