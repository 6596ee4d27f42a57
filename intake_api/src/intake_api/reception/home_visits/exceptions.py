from services.http.errors import Conflict, FieldError, NotFound, Unprocessable


class HomeVisitNotFound(NotFound):
    code, title = "home_visit_not_found", "上门接访记录不存在"


class HomeVisitStepRefused(Conflict):
    code, title = "home_visit_step_refused", "上门接访当前状态不允许此操作"

    def __init__(self, *, step: str, status: str) -> None:
        super().__init__(f"上门接访状态为 {status}，不能执行 {step}")


class InvalidHomeVisit(Unprocessable):
    code, title = "invalid_home_visit", "上门接访申请无效"

    def __init__(self, pointer: str, code: str, detail: str) -> None:
        super().__init__(errors=[FieldError(pointer=pointer, code=code, detail=detail)])
