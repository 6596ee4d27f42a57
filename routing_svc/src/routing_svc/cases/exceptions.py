from services.http.errors import NotFound


class CaseNotFound(NotFound):
    code, title = "case_not_found", "案件不存在"
