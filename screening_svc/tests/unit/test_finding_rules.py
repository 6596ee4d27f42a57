"""The plan's tiers: minor on the spot, general to the community, complex to the street, difficult to the district."""

from datetime import UTC, datetime, timedelta

import pytest

from screening_svc.findings import rules

T = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("severity", "tier", "outcome"),
    [
        ("minor", None, "resolved_on_spot"),
        ("general", "community", "escalated"),
        ("complex", "street", "escalated"),
        ("difficult", "district", "escalated"),
    ],
)
def test_tier_and_outcome(severity: str, tier: str | None, outcome: str) -> None:
    assert rules.tier_for(severity) == tier
    assert rules.outcome_for(severity) == outcome


@pytest.mark.parametrize(
    ("severity", "measure", "needed"),
    [
        ("minor", None, True),
        ("minor", "", True),
        ("minor", "已协调修复", False),
        ("general", None, False),
        ("complex", "先行安抚", False),
        ("difficult", None, False),
    ],
)
def test_a_minor_finding_needs_its_measure(severity: str, measure: str | None, needed: bool) -> None:
    assert rules.needs_measure(severity, measure) is needed


@pytest.mark.parametrize(("seconds", "future"), [(-3600, False), (0, False), (300, False), (301, True)])
def test_in_future(seconds: int, future: bool) -> None:
    assert rules.in_future(T + timedelta(seconds=seconds), T) is future


@pytest.mark.parametrize(
    ("current", "incoming", "news"),
    [(None, T, True), (T, T, True), (T, T + timedelta(seconds=1), True), (T, T - timedelta(seconds=1), False)],
)
def test_only_a_newer_case_event_changes_the_finding(current: datetime | None, incoming: datetime, news: bool) -> None:
    assert rules.newer(current, incoming) is news
