"""Pure decisions of home visits: which steps follow which. Who may have one (the disabled, the seriously ill,
the elderly who cannot travel) is the ``reason`` field's set of values."""

from datetime import datetime

STEPS: dict[str, frozenset[str]] = {
    "schedule": frozenset({"requested", "scheduled"}),
    "complete": frozenset({"scheduled"}),
}


def allowed(step: str, status: str) -> bool:
    """Scheduling again re-plans a visit not yet made; only a scheduled visit can be completed."""
    return status in STEPS[step]


def schedulable_at(scheduled_for: datetime, now: datetime) -> bool:
    return scheduled_for > now
