from services.http.errors import Conflict, FieldError, NotFound, Unprocessable


class TicketNotFound(NotFound):
    code, title = "ticket_not_found", "排队号不存在"


class TicketTransitionRefused(Conflict):
    code, title = "ticket_transition_refused", "排队号当前状态不允许此操作"

    def __init__(self, *, action: str, status: str) -> None:
        super().__init__(f"排队号状态为 {status}，不能执行 {action}")


class AppointmentNotForCheckIn(Unprocessable):
    code, title = "appointment_not_for_check_in", "预约不可用于取号"

    def __init__(self) -> None:
        super().__init__(
            errors=[FieldError(pointer="/appointment_id", code="appointment_unknown", detail="没有该有效预约")]
        )
