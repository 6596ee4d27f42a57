from services.http.errors import Conflict, NotFound, Unprocessable


class SupervisionOrderNotFound(NotFound):
    code, title = "supervision_order_not_found", "督办单不存在"


class SupervisionAlreadyAnswered(Conflict):
    code, title = "supervision_already_answered", "督办单已书面答复"


class SupervisionDueInPast(Unprocessable):
    code, title = "supervision_due_in_past", "督办答复期限不能早于当前时间"


class CaseClosedForSupervision(Conflict):
    code, title = "case_closed", "案件已办结，不能督办"
