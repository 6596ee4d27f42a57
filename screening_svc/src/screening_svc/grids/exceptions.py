from services.http.errors import Conflict, FieldError, NotFound, Unprocessable


class GridNotFound(NotFound):
    code, title = "grid_not_found", "网格不存在"


class UnknownGrid(Unprocessable):
    code, title = "unknown_grid", "网格不存在或不在您的范围内"

    def __init__(self, pointer: str = "/grid_code") -> None:
        super().__init__(errors=[FieldError(pointer=pointer, code="unknown_grid", detail=self.title)])


class UnknownCommunity(Unprocessable):
    code, title = "unknown_community", "社区代码不存在或不在您的辖区内"

    def __init__(self, pointer: str = "/community_code") -> None:
        super().__init__(errors=[FieldError(pointer=pointer, code="unknown_community", detail=self.title)])


class CommunityFull(Conflict):
    code, title = "community_full", "该社区的网格编号已用完（最多 99 个）"
