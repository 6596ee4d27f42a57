"""Pure decisions of appointments: valid session times and whether a booking may still change."""

from datetime import datetime

from services.http.errors import FieldError

MAX_SESSION_HOURS = 12


def session_time_errors(*, starts_at: datetime, ends_at: datetime, now: datetime) -> list[FieldError]:
    """Why a session's times are invalid (each with its pointer), or nothing."""
    errors = []
    if starts_at <= now:
        errors.append(FieldError(pointer="/starts_at", code="in_the_past", detail="开始时间须晚于现在"))
    if ends_at <= starts_at:
        errors.append(FieldError(pointer="/ends_at", code="before_start", detail="结束时间须晚于开始时间"))
    elif (ends_at - starts_at).total_seconds() > MAX_SESSION_HOURS * 3600:
        errors.append(
            FieldError(pointer="/ends_at", code="too_long", detail=f"一个场次不超过 {MAX_SESSION_HOURS} 小时")
        )
    return errors


def still_open(starts_at: datetime, now: datetime) -> bool:
    """Bookings and cancellations are taken until the session starts."""
    return now < starts_at


def has_seat(*, booked: int, capacity: int) -> bool:
    return booked < capacity
