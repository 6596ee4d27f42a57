from services.http.errors import FieldError, NotFound, Unprocessable


class FindingNotFound(NotFound):
    code, title = "finding_not_found", "排查发现不存在"


class _FieldProblem(Unprocessable):
    pointer = ""

    def __init__(self) -> None:
        super().__init__(errors=[FieldError(pointer=self.pointer, code=self.code, detail=self.title)])


class UnknownCategory(_FieldProblem):
    code, title, pointer = "unknown_category", "分类代码不在分类目录中", "/category_code"


class MeasureRequired(_FieldProblem):
    code, title, pointer = "measure_required", "轻微矛盾当场化解，须填写化解措施与结果", "/measure"


class OccurredInFuture(_FieldProblem):
    code, title, pointer = "occurred_in_future", "发生时间不能晚于当前时间", "/occurred_at"
