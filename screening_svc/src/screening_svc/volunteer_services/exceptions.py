from services.http.errors import FieldError, Unprocessable


class HeldInFuture(Unprocessable):
    code, title = "held_in_future", "服务日期不能晚于今天"

    def __init__(self, pointer: str = "/held_on") -> None:
        super().__init__(errors=[FieldError(pointer=pointer, code=self.code, detail=self.title)])


class NotAVolunteer(Unprocessable):
    code, title = "unknown_volunteer", "不是该网格所在社区登记的志愿者"

    def __init__(self, positions: list[int]) -> None:
        errors = [FieldError(pointer=f"/volunteer_ids/{i}", code=self.code, detail=self.title) for i in positions]
        super().__init__(errors=errors)
