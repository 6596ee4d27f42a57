from services.http.errors import FieldError, NotFound, Unprocessable


class PetitionerUnknown(Unprocessable):
    code, title = "petitioner_unknown", "信访人不存在"

    def __init__(self, pointer: str = "/petitioner_id") -> None:
        super().__init__(errors=[FieldError(pointer=pointer, code="petitioner_unknown", detail="没有该信访人记录")])


class PetitionerAccountUnknown(Unprocessable):
    code, title = "petitioner_account_unknown", "尚无信访人档案"

    def __init__(self) -> None:
        super().__init__("请先通过网上信访登记个人信息，再办理预约或上门接访")


class PetitionerRequired(Unprocessable):
    code, title = "petitioner_required", "工作人员代办时须指明信访人"

    def __init__(self) -> None:
        super().__init__(
            errors=[FieldError(pointer="/petitioner_id", code="missing", detail="工作人员代为办理时必须填写信访人 ID")]
        )


class LinkedPetitionUnknown(Unprocessable):
    code, title = "petition_unknown", "关联的信访件不存在"

    def __init__(self, pointer: str = "/petition_id") -> None:
        super().__init__(
            errors=[
                FieldError(
                    pointer=pointer, code="petition_unknown", detail="没有可关联的该信访件，或该信访件不是此信访人的"
                )
            ]
        )


class ReceptionNotFound(NotFound):
    code, title = "reception_not_found", "接待记录不存在"
