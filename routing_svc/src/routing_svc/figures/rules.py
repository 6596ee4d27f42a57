"""Pure rules of the figures: periods, rates, the grassroots goal, and which units a caller may see figures of."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from routing_svc.clocks import BUREAU_TZ

GRASSROOTS_GOAL = 0.9  # the 2026 work plan: at least 90% of matters resolved at the grassroots
GRASSROOTS_TIERS = ("community", "street")
RESOLVED_HOW = ("resolved", "finalized")
SATISFIED_RATINGS = ("satisfied", "basically_satisfied")
FIGURE_ROLES = ("supervisor", "leader", "admin")

_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2])))?$")


@dataclass(frozen=True, slots=True)
class Period:
    """A calendar period in the bureau's local time: [start, end)."""

    label: str
    kind: str
    start: date
    end: date

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=BUREAU_TZ)

    @property
    def end_at(self) -> datetime:
        return datetime.combine(self.end, time.min, tzinfo=BUREAU_TZ)


def _month_start(year: int, month: int) -> date:
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def parse_period(text: str) -> Period | None:
    """`2026` (year), `2026-Q1` (quarter) or `2026-03` (month); None when not one of these."""
    found = _PERIOD.match(text)
    if found is None or not 1 <= int(found["year"]) <= 9998:
        return None
    year = int(found["year"])
    if found["quarter"]:
        first = (int(found["quarter"]) - 1) * 3 + 1
        return Period(text, "quarter", date(year, first, 1), _month_start(year, first + 3))
    if found["month"]:
        month = int(found["month"])
        return Period(text, "month", date(year, month, 1), _month_start(year, month + 1))
    return Period(text, "year", date(year, 1, 1), date(year + 1, 1, 1))


def rate(numerator: int, denominator: int) -> float | None:
    """A share rounded to 4 places; None when there is nothing to measure (not 0, which would read as a failure)."""
    return round(numerator / denominator, 4) if denominator else None


def meets_goal(value: float | None, goal: float = GRASSROOTS_GOAL) -> bool | None:
    return None if value is None else value >= goal


def unit_in_scope(unit: str, *, jurisdiction: str | None, is_admin: bool) -> bool:
    """Figures of a unit are visible to its own scope: a district sees its streets and communities, a street its
    communities, a department only itself; an admin everything."""
    if is_admin:
        return True
    if not jurisdiction:
        return False
    if jurisdiction.isdigit():
        return unit.isdigit() and unit.startswith(jurisdiction)
    return unit == jurisdiction
