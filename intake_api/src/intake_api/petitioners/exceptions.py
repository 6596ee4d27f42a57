from services.http.errors import FieldError, NotFound, Unprocessable


class PetitionerNotFound(NotFound):
    code, title = "petitioner_not_found", "信访人不存在"


class IdNumberOfAnotherAccount(Unprocessable):
    """A portal account may not register under an ID number another portal account holds (nor change that
    person's contact details)."""

    code, title = "id_number_of_another_account", "该身份证号已绑定其他网上账号"

    def __init__(self) -> None:
        detail = "该身份证号已绑定其他网上信访账号，请使用本人身份证号或到接待大厅办理"
        super().__init__(errors=[FieldError(pointer="/petitioner/id_number", code=self.code, detail=detail)])
