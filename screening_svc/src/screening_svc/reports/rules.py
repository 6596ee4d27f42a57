"""Pure decisions of the cadence (周排查、月研判、季通报) and of early warning (ADR 0022): periods, trends, the share
resolved at the grassroots, rankings, and the warning rules. Warnings name places and categories, never people."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from screening_svc.grids.rules import CHINA

CADENCES = ("weekly", "monthly", "quarterly")
PERIOD_PATTERN = r"^\d{4}-(W\d{2}|\d{2}|Q[1-4])$"
GRASSROOTS_GOAL = 90.0
GRASSROOTS_TIERS = ("community", "street")
RESOLVED_HOW = ("resolved",)
"""A case closed this way solved the matter; other ways (withdrawn, steered, not accepted …) concluded it without."""


def period_of(cadence: str, day: date) -> str:
    """The period (``2026-W10``, ``2026-03``, ``2026-Q1``) of a cadence that contains ``day``."""
    if cadence == "weekly":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if cadence == "monthly":
        return f"{day.year}-{day.month:02d}"
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def period_days(cadence: str, period: str) -> tuple[date, date]:
    """First and last day of a period; ValueError when the text is not a period of that cadence."""
    patterns = {"weekly": r"(\d{4})-W(\d{2})", "monthly": r"(\d{4})-(\d{2})", "quarterly": r"(\d{4})-Q([1-4])"}
    match = re.fullmatch(patterns[cadence], period)
    if match is None:
        raise ValueError(f"not a {cadence} period: {period!r}")
    year, number = int(match[1]), int(match[2])
    if cadence == "weekly":
        monday = date.fromisocalendar(year, number, 1)
        return monday, monday + timedelta(days=6)
    first_month = number if cadence == "monthly" else 3 * number - 2
    if not 1 <= first_month <= 12:
        raise ValueError(f"no such month: {period!r}")
    start = date(year, first_month, 1)
    return start, _add_months(start, 1 if cadence == "monthly" else 3) - timedelta(days=1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def previous_period(cadence: str, period: str) -> str:
    start, _ = period_days(cadence, period)
    return period_of(cadence, start - timedelta(days=1))


def moments(first: date, last: date) -> tuple[datetime, datetime]:
    """The half-open instant range [first 00:00, day after last 00:00) in China time."""
    return datetime.combine(first, time(0), CHINA), datetime.combine(last + timedelta(days=1), time(0), CHINA)


def weeks_between(first: date, last: date) -> list[str]:
    """ISO weeks whose Monday lies in [first, last]: the weeks a period owns (a week belongs where it starts)."""
    monday = first + timedelta(days=(7 - first.weekday()) % 7)
    weeks = []
    while monday <= last:
        weeks.append(period_of("weekly", monday))
        monday += timedelta(days=7)
    return weeks


def code_successor(prefix: str) -> str | None:
    """The smallest digit code of the same length after every code that starts with ``prefix`` (``320509`` →
    ``320510``): a prefix becomes a range an index can seek in whatever the collation; None for ``999…``."""
    if not prefix.isdigit() or set(prefix) == {"9"}:
        return None
    return str(int(prefix) + 1).zfill(len(prefix))


def change_percent(current: int, previous: int) -> float | None:
    """Change against the previous period in %; None when there was nothing before (no base to compare)."""
    if previous == 0:
        return None
    return round((current - previous) * 100 / previous, 1)


def rising(current: int, previous: int, *, minimum: int) -> bool:
    """More findings than in the previous period, and enough of them to matter."""
    return current >= minimum and current > previous


def share(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part * 100 / whole, 1)


def resolved_at_grassroots(outcome: str, case_tier: str | None, closed_how: str | None) -> bool | None:
    """Whether a finding's matter ended solved at community or street level; None while it is still open.

    Solved on the spot counts (the grid is the grassroots); an escalated one counts when its case was closed as
    resolved at a community or street unit (the case's tier when it closed, escalations included)."""
    if outcome == "resolved_on_spot":
        return True
    if closed_how is None:
        return None
    return closed_how in RESOLVED_HOW and case_tier in GRASSROOTS_TIERS


def sweep_compliance(done_by_week: dict[str, int], weeks: list[str], required: int) -> tuple[int, int]:
    """(sweeps counted, sweeps required) over the weeks: a week's surplus does not make up another week's gap."""
    return sum(min(done_by_week.get(week, 0), required) for week in weeks), required * len(weeks)


def ranked(rows: list[dict], *keys: str) -> list[dict]:
    """Rows ordered best first by the keys (higher is better, None last), with a 1-based ``rank``."""
    ordered = sorted(rows, key=lambda row: tuple(_descending(row[key]) for key in keys) + (row["code"],))
    return [row | {"rank": index} for index, row in enumerate(ordered, start=1)]


def _descending(value: float | None) -> float:
    return float("inf") if value is None else -value


@dataclass(frozen=True, slots=True)
class WarningThresholds:
    cluster_count: int = 3
    cluster_days: int = 7
    rising_weeks: int = 3
    rising_minimum: int = 3


def category_clusters(counts: dict[tuple[str, str], int], thresholds: WarningThresholds) -> list[tuple[str, str, int]]:
    """(community, category, count) with at least ``cluster_count`` findings in the window, most first."""
    hits = [(place, category, n) for (place, category), n in counts.items() if n >= thresholds.cluster_count]
    return sorted(hits, key=lambda hit: (-hit[2], hit[0], hit[1]))


def rising_trend(weekly: list[int], thresholds: WarningThresholds) -> bool:
    """The last ``rising_weeks`` weekly counts (oldest first) rise strictly and the last reaches the minimum."""
    recent = weekly[-thresholds.rising_weeks :]
    if len(recent) < thresholds.rising_weeks or recent[-1] < thresholds.rising_minimum:
        return False
    return all(earlier < later for earlier, later in zip(recent, recent[1:], strict=False))
