"""Weeks of grid work (ISO weeks in China time), when a week closes, and what counts as a gap (ADR 0017)."""

import re
from datetime import date, datetime, time, timedelta

from screening_svc.grids.rules import CHINA, local_date

WEEK_PATTERN = r"^\d{4}-W\d{2}$"
INTERVAL_DAYS = {"weekly": 7, "monthly": 30}
"""A weekly resident is visited within the ISO week; a monthly one within the 30 days ending on its Sunday."""
CLOCK_SKEW = timedelta(minutes=5)


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_monday(week: str) -> date:
    """The Monday of an ISO week; ValueError for text that is not one (``2026-W54``, ``2026-10``)."""
    if not re.fullmatch(WEEK_PATTERN, week):
        raise ValueError(f"not an ISO week: {week!r}")
    return date.fromisocalendar(int(week[:4]), int(week[6:]), 1)


def week_sunday(week: str) -> date:
    return week_monday(week) + timedelta(days=6)


def closes_at(week: str, grace_days: int) -> datetime:
    """Midnight (China time) after the Sunday and ``grace_days`` more days: late records are taken until then."""
    return datetime.combine(week_sunday(week) + timedelta(days=1 + grace_days), time(0), CHINA)


def is_closed(week: str, now: datetime, grace_days: int) -> bool:
    return now >= closes_at(week, grace_days)


def last_closed_week(now: datetime, grace_days: int) -> str:
    """The most recent week already closed at ``now``."""
    day = local_date(now) - timedelta(days=7)
    while not is_closed(iso_week(day), now, grace_days):
        day -= timedelta(days=7)
    return iso_week(day)


def in_future(moment: datetime, now: datetime) -> bool:
    return moment > now + CLOCK_SKEW


def grid_short(done: int, required: int) -> bool:
    return done < required


def visit_window(week: str, interval: str) -> tuple[date, date]:
    """The days within which a resident of ``interval`` must have been visited for ``week`` to count."""
    sunday = week_sunday(week)
    return sunday - timedelta(days=INTERVAL_DAYS[interval] - 1), sunday
