from services.http.errors import Conflict, FieldError, NotFound, ProblemError, Unprocessable


class PetitionNotFound(NotFound):
    code, title = "petition_not_found", "信访件不存在"


class ReceivedInFuture(Unprocessable):
    code, title = "received_in_future", "收到日期不能晚于当前时间"

    def __init__(self) -> None:
        super().__init__(
            errors=[FieldError(pointer="/received_at", code="received_in_future", detail="收到日期不能晚于当前时间")]
        )


class InvalidPetition(Unprocessable):
    """Field checks that need the database (catalogue, jurisdiction) or the caller (channel of a petitioner)."""


class NotWithdrawable(Conflict):
    code, title = "petition_not_withdrawable", "该信访件已办结、已撤回或不予受理，不能撤回"


class NotOpenForResolution(Conflict):
    code, title = "petition_not_open", "该信访件已办结、已撤回、不予受理或属重复信访，不能当场化解"


class TooManyQueries(ProblemError):
    status, code, title = 429, "too_many_requests", "查询过于频繁，请稍后再试"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"请在 {retry_after} 秒后重试")
        self.retry_after = retry_after
