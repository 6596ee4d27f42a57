from services.http.errors import FieldError, NotFound, Unprocessable


class PetitionNotFound(NotFound):
    code, title = "petition_not_found", "信访件不存在"


class ReceivedInFuture(Unprocessable):
    code, title = "received_in_future", "收到日期不能晚于当前时间"

    def __init__(self) -> None:
        super().__init__(
            errors=[FieldError(pointer="/received_at", code="received_in_future", detail="收到日期不能晚于当前时间")]
        )
