from services.http.errors import Conflict, FieldError, Unprocessable


class AlreadyRated(Conflict):
    code, title = "already_rated", "该次接待已评价"


class NotRateable(Conflict):
    code, title = "reception_not_completed", "接待尚未完成，不能评价或回访"


class NotCheckable(Conflict):
    code, title = "reception_not_started", "接待尚未开始，不能抽查"


class InvalidQualityRecord(Unprocessable):
    code, title = "invalid_quality_record", "质量记录无效"


class InvalidPeriod(Unprocessable):
    code, title = "invalid_period", "统计区间无效"


class StaffMismatch(Unprocessable):
    code, title = "staff_mismatch", "被投诉人与该次接待的工作人员不一致"

    def __init__(self) -> None:
        super().__init__(
            errors=[FieldError(pointer="/staff_id", code="staff_mismatch", detail="该次接待不是此工作人员接待的")]
        )
