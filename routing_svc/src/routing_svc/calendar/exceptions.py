from services.http.errors import FieldError, NotFound, Unprocessable


class CalendarYearNotEntered(NotFound):
    code, title = "calendar_year_not_entered", "该年度的节假日安排未录入"


_SCHEDULE_ERRORS = {
    "schedule_date_outside_year": ("", "日期不在该年度内"),
    "schedule_date_both_holiday_and_working": ("", "同一日期不能既放假又调休上班"),
    "schedule_working_day_not_weekend": ("/working_days", "调休上班日应为周六或周日"),
}


class InvalidSchedule(Unprocessable):
    code, title = "invalid_holiday_schedule", "节假日安排无效"

    @classmethod
    def of(cls, error: str) -> "InvalidSchedule":
        pointer, detail = _SCHEDULE_ERRORS.get(error, ("", "节假日安排无效"))
        return cls(detail, errors=[FieldError(pointer=pointer, code=error, detail=detail)])


class CalendarUnknownYears(Unprocessable):
    code, title = "calendar_year_unknown", "期限跨入节假日安排未知的年度，无法确定届满日"

    @classmethod
    def of(cls, years: list[int]) -> "CalendarUnknownYears":
        listed = "、".join(str(year) for year in years)
        detail = (
            f"{listed} 年的节假日安排尚未掌握：请管理员通过 PUT /routing/v1/calendar/{{year}} 录入，"
            "或加 allow_provisional=true 取得推算结果"
        )
        return cls(detail, errors=[FieldError(parameter="days", code="calendar_year_unknown", detail=detail)])
