from services.http.errors import FieldError, NotFound, Unprocessable


class JurisdictionNotFound(NotFound):
    code, title = "jurisdiction_not_found", "辖区不存在或不在调用者范围内"


class ReportNotFound(NotFound):
    code, title = "report_not_found", "报告不存在"


class InvalidPeriod(Unprocessable):
    code, title = "invalid_period", "报告周期格式不正确"

    def __init__(self, *, pointer: str | None = None, parameter: str | None = None) -> None:
        field = FieldError(pointer=pointer, parameter=parameter, code=self.code, detail=self.title)
        super().__init__(errors=[field])


class JurisdictionRequired(Unprocessable):
    code, title = "jurisdiction_required", "请指定辖区代码"

    def __init__(self) -> None:
        super().__init__(errors=[FieldError(parameter="jurisdiction", code=self.code, detail=self.title)])
