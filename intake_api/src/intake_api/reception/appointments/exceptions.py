from services.http.errors import Conflict, FieldError, NotFound, Unprocessable


class SessionNotFound(NotFound):
    code, title = "session_not_found", "接访场次不存在"


class AppointmentNotFound(NotFound):
    code, title = "appointment_not_found", "预约不存在"


class SessionUnknown(Unprocessable):
    code, title = "session_unknown", "接访场次不存在"

    def __init__(self) -> None:
        super().__init__(errors=[FieldError(pointer="/session_id", code="session_unknown", detail="没有该接访场次")])


class InvalidSession(Unprocessable):
    code, title = "invalid_session", "接访场次时间无效"


class SessionFull(Conflict):
    code, title = "session_full", "该场次预约已满"


class SessionStarted(Conflict):
    code, title = "session_started", "该场次已开始或已结束"


class AlreadyBooked(Conflict):
    code, title = "already_booked", "已预约该场次"


class AppointmentNotCancellable(Conflict):
    code, title = "appointment_not_cancellable", "预约已取消或场次已开始，不能取消"
