from services.http.errors import FieldError, NotFound, Unprocessable


class UnitNotFound(NotFound):
    code, title = "unit_not_found", "单位不存在"


class InvalidPeriod(Unprocessable):
    code, title = "invalid_period", "统计期间无效"

    @classmethod
    def of(cls, text: str) -> "InvalidPeriod":
        detail = f"统计期间 {text!r} 无效：应为 2026（年）、2026-Q1（季度）或 2026-03（月）"
        return cls(detail, errors=[FieldError(parameter="period", code="invalid_period", detail=detail)])
