from services.http.errors import NotFound


class MediationNotFound(NotFound):
    code, title = "mediation_not_found", "调解记录不存在"
