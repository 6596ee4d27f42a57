from services.http.errors import Conflict, FieldError, NotFound, ProblemError, Unprocessable


class KnowledgeEntryNotFound(NotFound):
    code, title = "knowledge_entry_not_found", "知识库条目不存在"


class KnowledgeEntryRetired(Conflict):
    code, title = "knowledge_entry_retired", "该知识库条目已停用，不能修改"


class KnowledgeAnswerUnknown(Unprocessable):
    """A consultation named an entry or version that does not exist, or an entry no longer in use."""

    code, title = "knowledge_answer_unknown", "引用的知识库答案不存在或已停用"

    def __init__(self, pointer: str, detail: str) -> None:
        super().__init__(errors=[FieldError(pointer=pointer, code=self.code, detail=detail)])


class PreconditionRequired(ProblemError):
    status, code, title = 428, "if_match_required", "修改知识库条目须携带 If-Match 请求头（条目的 ETag）"


class PreconditionFailed(ProblemError):
    status, code, title = 412, "etag_mismatch", "知识库条目已被他人修改，请重新读取后再修改"


class UnknownCategory(Unprocessable):
    code, title = "unknown_category", "分类代码不在分类目录中"

    def __init__(self) -> None:
        super().__init__(errors=[FieldError(pointer="/category_code", code=self.code, detail="分类目录中没有该代码")])
