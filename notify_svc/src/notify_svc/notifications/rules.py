"""Pure decisions of notifications: who can be told about an event, when a message may go, how retries back off."""

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

CHANNELS = ("sms", "email", "inbox")
RECIPIENT_KINDS = ("petitioner", "appointment_holder", "handler", "supervisor", "grid_team")
TIMINGS = ("immediately", "day_before")

_PETITIONER_EVENTS = ("xinfang.petition.", "xinfang.home_visit.")
_SCREENING_PLACES = ("xinfang.conflict.", "xinfang.sweep.")


def recipient_kinds(event_type: str) -> frozenset[str]:
    """Which kinds of recipient an event of this type can reach (what its payload lets us find)."""
    if event_type.startswith(_PETITIONER_EVENTS):
        return frozenset({"petitioner"})
    if event_type.startswith("xinfang.appointment."):
        return frozenset({"appointment_holder"})
    if event_type.startswith("xinfang.case."):
        return frozenset({"petitioner", "handler", "supervisor"})
    if event_type.startswith(_SCREENING_PLACES):
        return frozenset({"grid_team", "supervisor"})
    if event_type.startswith(("xinfang.risk.", "xinfang.briefing.")):
        return frozenset({"supervisor"})
    return frozenset()


def unit_of(data: dict[str, Any], *, district_code: str) -> str:
    """The unit whose staff hear about an event: the case's unit, the grid's community, or else the district."""
    for field in ("unit_code", "community_code", "jurisdiction_code"):
        if data.get(field):
            return data[field]
    return district_code


def subject_of(data: dict[str, Any]) -> str | None:
    """What a notification is about, to find it again (a cancelled appointment's pending reminder)."""
    for field in ("appointment_id", "case_id", "petition_id", "finding_id", "sweep_id", "policy_id", "briefing_id"):
        if data.get(field):
            return str(data[field])
    return None


def scheduled_at(timing: str, data: dict[str, Any], *, now: datetime) -> datetime:
    """When a rule's message may first go: now, or the day before an appointment starts (now if that has passed)."""
    if timing == "day_before" and isinstance(data.get("starts_at"), datetime):
        return max(data["starts_at"] - timedelta(days=1), now)
    return now


def _clock(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def quiet_hours_end(at: datetime, *, start: str, end: str, timezone: str) -> datetime | None:
    """The end of the quiet hours ``at`` falls in (an aware datetime), or None when ``at`` is outside them.

    The window may wrap midnight (22:00–08:00); ``start == end`` disables it. ``start`` is inside, ``end`` is not.
    """
    begin, finish = _clock(start), _clock(end)
    if begin == finish:
        return None
    local = at.astimezone(ZoneInfo(timezone))
    now = local.time().replace(tzinfo=None)
    if begin < finish:
        inside, day = begin <= now < finish, local.date()
    else:
        inside = now >= begin or now < finish
        day = local.date() + timedelta(days=1) if now >= begin else local.date()
    if not inside:
        return None
    return datetime.combine(day, finish, tzinfo=ZoneInfo(timezone))


def sms_allowed_at(at: datetime, *, urgent: bool, start: str, end: str, timezone: str) -> datetime:
    """No SMS at night unless urgent: a message due in the quiet hours waits for their end."""
    if urgent:
        return at
    return quiet_hours_end(at, start=start, end=end, timezone=timezone) or at


def retry_delay(attempts: int, *, base_seconds: float, cap_seconds: float) -> timedelta:
    """Exponential backoff after the ``attempts``-th failed attempt: base, 2·base, 4·base … capped."""
    return timedelta(seconds=min(base_seconds * 2 ** max(attempts - 1, 0), cap_seconds))


def outcome_after_failure(attempts: int, *, max_attempts: int, retryable: bool) -> str:
    """``pending`` (try again later) or ``failed`` (kept, visible, retried only by hand)."""
    return "pending" if retryable and attempts < max_attempts else "failed"


def scope_of(data: dict[str, Any], *, district_code: str, petition_scope: str | None = None) -> str:
    """The jurisdiction whose staff may read an event's notifications: the unit, community or jurisdiction the
    event names (a department's case counts as the district's), else the petition's, else the district."""
    for field in ("unit_code", "community_code", "jurisdiction_code"):
        code = data.get(field)
        if code:
            return code if code.isdigit() and len(code) in (6, 9, 12) else district_code
    return petition_scope or district_code


def readable_scope(*, is_admin: bool, jurisdiction: str | None) -> str | None:
    """The prefix of the scopes a caller may read: everything (None) for an admin; a token without a
    jurisdiction reads nothing (a prefix no code has)."""
    if is_admin:
        return None
    return jurisdiction or "\u2205"


def visible(scope_code: str, *, readable: str | None) -> bool:
    return readable is None or scope_code.startswith(readable)
