from services.http.errors import Conflict, FieldError, NotFound, Unprocessable


class JurisdictionNotFound(NotFound):
    code, title = "jurisdiction_not_found", "辖区不存在"


class DepartmentNotFound(NotFound):
    code, title = "department_not_found", "部门不存在"


class DuplicateCode(Conflict):
    code, title = "duplicate_code", "代码已存在"


class HasActiveChildren(Conflict):
    code, title = "jurisdiction_has_active_children", "该辖区下仍有启用的下级辖区，不能停用"


class DepartmentInUse(Conflict):
    code, title = "department_in_use", "该部门仍是分类目录中的主管部门，不能停用"


_TREE_ERRORS = {
    "code_does_not_match_level": ("/code", "代码位数与层级不符：区 6 位、街道 9 位、社区 12 位"),
    "district_has_no_parent": ("/parent_code", "区没有上级辖区"),
    "parent_not_found": ("/parent_code", "上级辖区不存在"),
    "parent_level_mismatch": ("/parent_code", "上级辖区层级不对：街道的上级是区，社区的上级是街道"),
    "code_outside_parent": ("/code", "代码应以上级辖区代码开头"),
}


class InvalidTreePlace(Unprocessable):
    code, title = "invalid_tree_place", "辖区在辖区树中的位置无效"

    @classmethod
    def of(cls, error: str) -> "InvalidTreePlace":
        pointer, detail = _TREE_ERRORS[error]
        return cls(detail, errors=[FieldError(pointer=pointer, code=error, detail=detail)])
