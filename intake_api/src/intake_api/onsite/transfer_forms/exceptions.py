from services.http.errors import Conflict, FieldError, NotFound, Unprocessable


class TransferFormNotFound(NotFound):
    code, title = "transfer_form_not_found", "该信访件尚未出具转送单"


class TransferFormExists(Conflict):
    code, title = "transfer_form_exists", "该信访件已出具转送单"


class NotTransferable(Conflict):
    code, title = "petition_not_transferable", "该信访件已办结、已撤回、不予受理或并入原件，不能出具转送单"


class UnknownReceivingUnit(Unprocessable):
    code, title = "unknown_receiving_unit", "接收单位不在区划或部门目录中"

    def __init__(self) -> None:
        super().__init__(
            errors=[FieldError(pointer="/receiving_unit_code", code=self.code, detail="区划与部门目录中没有该单位")]
        )


class InvalidDeadline(Unprocessable):
    code, title = "invalid_deadline", "办理时限无效"
    DETAILS = {
        "deadline_not_after_issue": "办理时限应晚于出具日期",
        "deadline_too_far": "办理时限不得超过出具日期后 90 日",
    }

    def __init__(self, problem: str) -> None:
        super().__init__(errors=[FieldError(pointer="/deadline", code=problem, detail=self.DETAILS[problem])])
