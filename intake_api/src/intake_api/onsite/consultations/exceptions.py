from services.http.errors import NotFound


class ConsultationNotFound(NotFound):
    code, title = "consultation_not_found", "该信访件没有咨询答复记录"
