"""Pure parts of the cadence and of early warning: periods, trends, grassroots resolution, rankings, warning rules,
and the inline SVG charts."""

from datetime import date
from xml.etree import ElementTree

import pytest

from screening_svc.reports import charts, rules
from screening_svc.reports.rules import WarningThresholds


@pytest.mark.parametrize(
    ("cadence", "day", "period"),
    [
        ("weekly", date(2026, 3, 2), "2026-W10"),
        ("weekly", date(2027, 1, 1), "2026-W53"),
        ("monthly", date(2026, 12, 31), "2026-12"),
        ("quarterly", date(2026, 3, 31), "2026-Q1"),
        ("quarterly", date(2026, 4, 1), "2026-Q2"),
        ("quarterly", date(2026, 12, 1), "2026-Q4"),
    ],
)
def test_period_of(cadence: str, day: date, period: str) -> None:
    assert rules.period_of(cadence, day) == period
    first, last = rules.period_days(cadence, period)
    assert first <= day <= last


@pytest.mark.parametrize(
    ("cadence", "period", "first", "last"),
    [
        ("weekly", "2026-W10", date(2026, 3, 2), date(2026, 3, 8)),
        ("monthly", "2026-02", date(2026, 2, 1), date(2026, 2, 28)),
        ("monthly", "2028-02", date(2028, 2, 1), date(2028, 2, 29)),
        ("monthly", "2026-12", date(2026, 12, 1), date(2026, 12, 31)),
        ("quarterly", "2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
    ],
)
def test_period_days(cadence: str, period: str, first: date, last: date) -> None:
    assert rules.period_days(cadence, period) == (first, last)


@pytest.mark.parametrize(
    ("cadence", "period"),
    [("weekly", "2026-W54"), ("weekly", "2026-03"), ("monthly", "2026-13"), ("monthly", "2026-00"),
     ("monthly", "2026-Q1"), ("quarterly", "2026-Q5"), ("quarterly", "2026-W01"), ("monthly", "26-01")],
)  # fmt: skip
def test_bad_periods_are_refused(cadence: str, period: str) -> None:
    with pytest.raises(ValueError):
        rules.period_days(cadence, period)


@pytest.mark.parametrize(
    ("cadence", "period", "previous"),
    [("weekly", "2026-W01", "2025-W52"), ("monthly", "2026-01", "2025-12"), ("quarterly", "2026-Q1", "2025-Q4"),
     ("monthly", "2026-03", "2026-02")],
)  # fmt: skip
def test_previous_period(cadence: str, period: str, previous: str) -> None:
    assert rules.previous_period(cadence, period) == previous


def test_a_period_owns_the_weeks_that_start_in_it() -> None:
    assert rules.weeks_between(date(2026, 1, 1), date(2026, 1, 31)) == ["2026-W02", "2026-W03", "2026-W04",
                                                                       "2026-W05"]  # fmt: skip
    assert rules.weeks_between(date(2026, 3, 2), date(2026, 3, 2)) == ["2026-W10"]
    assert rules.weeks_between(date(2026, 3, 3), date(2026, 3, 8)) == []


@pytest.mark.parametrize(
    ("prefix", "successor"),
    [("320599", "320600"), ("320509", "320510"), ("320599001", "320599002"), ("999", None), ("0", "1"),
     ("32a", None)],
)  # fmt: skip
def test_code_successor_bounds_every_code_with_the_prefix(prefix: str, successor: str | None) -> None:
    assert rules.code_successor(prefix) == successor


@pytest.mark.parametrize(
    ("current", "previous", "change"), [(10, 0, None), (0, 0, None), (15, 10, 50.0), (5, 10, -50.0), (1, 3, -66.7)]
)
def test_change_percent(current: int, previous: int, change: float | None) -> None:
    assert rules.change_percent(current, previous) == change


@pytest.mark.parametrize(
    ("current", "previous", "minimum", "expected"),
    [(3, 2, 3, True), (2, 1, 3, False), (3, 3, 3, False), (10, 0, 3, True), (0, 0, 1, False)],
)
def test_rising(current: int, previous: int, minimum: int, expected: bool) -> None:
    assert rules.rising(current, previous, minimum=minimum) is expected


@pytest.mark.parametrize(("part", "whole", "value"), [(0, 0, None), (9, 10, 90.0), (2, 3, 66.7), (0, 5, 0.0)])
def test_share(part: int, whole: int, value: float | None) -> None:
    assert rules.share(part, whole) == value


@pytest.mark.parametrize(
    ("outcome", "tier", "how", "verdict"),
    [
        ("resolved_on_spot", None, None, True),
        ("escalated", "community", None, None),
        ("escalated", "community", "resolved", True),
        ("escalated", "street", "resolved", True),
        ("escalated", "district", "resolved", False),
        ("escalated", "community", "withdrawn", False),
        ("escalated", "street", "steered", False),
        ("escalated", None, "not_accepted", False),
    ],
)
def test_resolved_at_grassroots(outcome: str, tier: str | None, how: str | None, verdict: bool | None) -> None:
    assert rules.resolved_at_grassroots(outcome, tier, how) is verdict


def test_sweep_compliance_does_not_let_a_surplus_cover_a_gap() -> None:
    weeks = ["2026-W01", "2026-W02", "2026-W03"]
    assert rules.sweep_compliance({"2026-W01": 3, "2026-W03": 1}, weeks, 1) == (2, 3)
    assert rules.sweep_compliance({"2026-W01": 1}, weeks, 2) == (1, 6)
    assert rules.sweep_compliance({}, [], 1) == (0, 0)


def test_ranked_puts_the_best_first_and_unknowns_last() -> None:
    rows = [{"code": "b", "s": 80.0, "c": 1}, {"code": "a", "s": None, "c": 9}, {"code": "c", "s": 95.0, "c": 0},
            {"code": "d", "s": 80.0, "c": 2}]  # fmt: skip
    assert [(r["code"], r["rank"]) for r in rules.ranked(rows, "s", "c")] == [("c", 1), ("d", 2), ("b", 3), ("a", 4)]


def test_category_clusters_need_the_threshold() -> None:
    counts = {("p1", "0301"): 3, ("p1", "0302"): 2, ("p2", "0301"): 5}
    assert rules.category_clusters(counts, WarningThresholds(cluster_count=3)) == [("p2", "0301", 5),
                                                                                   ("p1", "0301", 3)]  # fmt: skip
    assert rules.category_clusters(counts, WarningThresholds(cluster_count=6)) == []


@pytest.mark.parametrize(
    ("weekly", "expected"),
    [([1, 2, 3], True), ([0, 1, 2, 3], True), ([1, 2, 2], False), ([3, 2, 4], False), ([0, 1, 2], False),
     ([2, 3], False), ([], False), ([5, 1, 2, 3], True)],
)  # fmt: skip
def test_rising_trend(weekly: list[int], expected: bool) -> None:
    assert rules.rising_trend(weekly, WarningThresholds(rising_weeks=3, rising_minimum=3)) is expected


def _parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def test_a_bar_chart_scales_bars_to_the_tallest_and_escapes_labels() -> None:
    svg = charts.bar_chart("分类<统计>", [("物业&管理", 10), ("噪声", 5), ("零", 0)])
    root, ns = _parse(svg), "{http://www.w3.org/2000/svg}"
    heights = [float(rect.get("height")) for rect in root.iter(f"{ns}rect")]
    assert heights == [charts.HEIGHT - 2 * charts.MARGIN, (charts.HEIGHT - 2 * charts.MARGIN) / 2, 0.0]
    assert "物业&amp;管理" in svg and "分类&lt;统计&gt;" in svg and "<script" not in svg


def test_an_empty_chart_is_still_valid_svg() -> None:
    assert _parse(charts.bar_chart("空", [])).tag.endswith("svg")
    assert _parse(charts.line_chart("空", [], {})).tag.endswith("svg")
    assert _parse(charts.bar_chart("全零", [("a", 0)])) is not None


def test_a_line_chart_draws_one_polyline_per_series() -> None:
    svg = charts.line_chart("走势", ["1日", "8日", "15日"], {"物业": [1, 2, 4], "噪声": [0, 0, 2]})
    root, ns = _parse(svg), "{http://www.w3.org/2000/svg}"
    lines = list(root.iter(f"{ns}polyline"))
    assert len(lines) == 2
    top = [float(point.split(",")[1]) for point in lines[0].get("points").split()]
    assert top[-1] == charts.MARGIN and top[0] > top[1] > top[2]
