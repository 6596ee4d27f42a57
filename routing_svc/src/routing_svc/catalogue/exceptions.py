from services.http.errors import Conflict, FieldError, NotFound, Unprocessable


class CategoryNotFound(NotFound):
    code, title = "category_not_found", "信访事项分类不存在"


_CATALOGUE_ERRORS = {
    "top_level_has_parent": ("/parent_code", "一级分类（2 位代码）没有上级分类"),
    "parent_not_found": ("/parent_code", "上级分类不存在"),
    "parent_mismatch": ("/parent_code", "二级分类（4 位代码）的上级应为其前 2 位代码的一级分类"),
    "code_format": ("/code", "分类代码应为 2 位（一级）或 4 位（二级）数字"),
    "department_not_found": ("/departments", "主管部门不存在或已停用"),
    "department_not_at_level": ("/departments", "该部门未在此层级设置"),
}


class InvalidCatalogueEntry(Unprocessable):
    code, title = "invalid_catalogue_entry", "分类目录条目无效"

    @classmethod
    def of(cls, error: str, *, where: str = "") -> "InvalidCatalogueEntry":
        pointer, detail = _CATALOGUE_ERRORS[error]
        return cls(detail, errors=[FieldError(pointer=pointer + where, code=error, detail=detail)])


class CategoryHasActiveChildren(Conflict):
    code, title = "category_has_active_children", "该一级分类下仍有启用的二级分类，不能停用"


class DuplicateCategory(Conflict):
    code, title = "duplicate_code", "代码已存在"
