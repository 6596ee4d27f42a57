"""The plan's tiers for grid findings: 轻微矛盾当场解、一般矛盾社区解、复杂矛盾街道解、疑难矛盾区（县）级统筹解."""

from datetime import datetime

ESCALATION_TIER = {"general": "community", "complex": "street", "difficult": "district"}
CLOCK_SKEW_SECONDS = 300


def tier_for(severity: str) -> str | None:
    """The tier a finding goes to; None for a minor one, which is solved on the spot."""
    return ESCALATION_TIER.get(severity)


def outcome_for(severity: str) -> str:
    return "escalated" if tier_for(severity) else "resolved_on_spot"


def needs_measure(severity: str, measure: str | None) -> bool:
    """A finding solved on the spot must say how (the measure and its result)."""
    return tier_for(severity) is None and not measure


def in_future(occurred_at: datetime, now: datetime) -> bool:
    return (occurred_at - now).total_seconds() > CLOCK_SKEW_SECONDS


def newer(case_updated_at: datetime | None, occurred_at: datetime) -> bool:
    """Whether a case event is news for the finding: events may arrive out of order, the latest state wins."""
    return case_updated_at is None or occurred_at >= case_updated_at
