from services.http.errors import FieldError, NotFound, Unprocessable


class ResidentNotFound(NotFound):
    code, title = "special_resident_not_found", "重点人员不存在"


class UnknownResidentCategory(Unprocessable):
    code, title = "unknown_resident_category", "重点人员类别未配置"

    def __init__(self, allowed: list[str]) -> None:
        detail = f"类别应为：{'、'.join(allowed)}"
        super().__init__(errors=[FieldError(pointer="/category", code=self.code, detail=detail)])
