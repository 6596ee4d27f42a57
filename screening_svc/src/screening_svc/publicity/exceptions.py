from services.http.errors import FieldError, Unprocessable


class EventHeldInFuture(Unprocessable):
    code, title = "held_in_future", "活动日期不能晚于今天"

    def __init__(self) -> None:
        super().__init__(errors=[FieldError(pointer="/held_on", code=self.code, detail=self.title)])
