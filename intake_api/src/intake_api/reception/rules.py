"""Pure rules shared by the reception domains: who may see a record, local days of the bureau."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.http.auth import Principal

BUREAU_TZ = ZoneInfo("Asia/Shanghai")
STAFF_ROLES = ("reception", "handler", "supervisor", "leader", "admin")
RECEPTION_ROLES = ("reception", "admin")
SUPERVISING_ROLES = ("supervisor", "leader", "admin")
NOWHERE = "-"


def staff_covers(principal: Principal, jurisdiction_code: str) -> bool:
    """Staff see records of their jurisdiction (a prefix of the record's code); admin sees all."""
    if principal.has_any("admin"):
        return True
    return (
        principal.has_any(*STAFF_ROLES)
        and bool(principal.jurisdiction)
        and (jurisdiction_code.startswith(principal.jurisdiction or ""))
    )


def jurisdiction_scope(principal: Principal) -> str | None:
    """The code prefix a listing is limited to: none for admin; for staff without a jurisdiction claim, a prefix no
    code has (codes are digits), so they list nothing."""
    if principal.has_any("admin"):
        return None
    return principal.jurisdiction or NOWHERE


def is_staff(principal: Principal) -> bool:
    return principal.has_any(*STAFF_ROLES)


def local_day(moment: datetime, tz: ZoneInfo = BUREAU_TZ) -> date:
    """The bureau's calendar day of an instant (queue numbers restart each local day)."""
    return moment.astimezone(tz).date()


def day_bounds(first: date, last: date, tz: ZoneInfo = BUREAU_TZ) -> tuple[datetime, datetime]:
    """The UTC instants [start of ``first``, start of the day after ``last``) in the bureau's time zone."""
    start = datetime.combine(first, time.min, tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def whole_minutes(seconds: float | None) -> int | None:
    return None if seconds is None else int(seconds // 60)
