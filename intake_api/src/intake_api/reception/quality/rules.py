"""Pure decisions about the quality of reception: what may be rated or checked, follow-up answers, report periods,
and how the per-staff figures combine."""

from datetime import date

from services.http.errors import FieldError

MAX_REPORT_DAYS = 366
RATEABLE = frozenset({"completed"})
CHECKABLE = frozenset({"called", "completed"})


def follow_up_errors(*, reached: bool, satisfaction: str | None) -> list[FieldError]:
    """A reached petitioner gives an answer; one not reached cannot have given one."""
    if reached and satisfaction is None:
        return [FieldError(pointer="/satisfaction", code="missing", detail="接通回访电话时须记录满意度")]
    if not reached and satisfaction is not None:
        return [FieldError(pointer="/satisfaction", code="not_reached", detail="未接通时不能记录满意度")]
    return []


def period_errors(first: date, last: date) -> list[FieldError]:
    if last < first:
        return [FieldError(parameter="to", code="before_from", detail="结束日期不能早于开始日期")]
    if (last - first).days + 1 > MAX_REPORT_DAYS:
        return [FieldError(parameter="to", code="period_too_long", detail=f"统计区间最长 {MAX_REPORT_DAYS} 天")]
    return []


def share(part: int, whole: int) -> float | None:
    """A share rounded to four places; None when there is nothing to divide."""
    return None if whole == 0 else round(part / whole, 4)


def rounded(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(float(value), places)


def minutes(seconds: float | None) -> float | None:
    """An average number of seconds as minutes with two decimals."""
    return None if seconds is None else rounded(float(seconds) / 60)
