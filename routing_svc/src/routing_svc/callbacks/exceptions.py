from services.http.errors import NotFound, ProblemError


class CallbackCaseNotFound(NotFound):
    code, title = "case_not_found", "案件不存在"


class UnsupportedCallbackType(ProblemError):
    status, code, title = 415, "unsupported_media_type", "不支持的内容类型"
