from services.http.errors import Conflict, FieldError, NotFound, Unprocessable


class SweepNotFound(NotFound):
    code, title = "sweep_not_found", "排查记录不存在"


class WeekClosed(Conflict):
    code, title = "week_closed", "该周已关闭，不能再补录排查"


class WeekStillOpen(Conflict):
    code, title = "week_open", "该周尚未关闭"


class SweptInFuture(Unprocessable):
    code, title = "swept_in_future", "排查时间不能晚于当前时间"

    def __init__(self) -> None:
        super().__init__(errors=[FieldError(pointer="/swept_at", code=self.code, detail=self.title)])


class UnknownResident(Unprocessable):
    code, title = "unknown_resident", "重点人员不存在或不属于该网格"

    def __init__(self, index: int) -> None:
        pointer = f"/resident_ids/{index}"
        super().__init__(errors=[FieldError(pointer=pointer, code=self.code, detail=self.title)])


class InvalidWeek(Unprocessable):
    code, title = "invalid_week", "ISO 周无效"

    def __init__(self) -> None:
        super().__init__(errors=[FieldError(parameter="week", code=self.code, detail="应为 ISO 周，如 2026-W10")])
