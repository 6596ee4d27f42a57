from services.http.errors import FieldError, NotFound, Unprocessable


class TeamMemberNotFound(NotFound):
    code, title = "team_member_not_found", "网格力量成员不存在"


class BackgroundMismatch(Unprocessable):
    code, title = "background_mismatch", "人员来源与角色不符"

    def __init__(self, allowed: list[str]) -> None:
        detail = f"该角色的人员来源应为：{'、'.join(allowed)}"
        super().__init__(errors=[FieldError(pointer="/background", code="background_mismatch", detail=detail)])


class GridOutsideCommunity(Unprocessable):
    code, title = "unknown_grid", "网格不存在或不属于该成员所在社区"

    def __init__(self, index: int) -> None:
        pointer = f"/grid_codes/{index}"
        super().__init__(errors=[FieldError(pointer=pointer, code="unknown_grid", detail=self.title)])
