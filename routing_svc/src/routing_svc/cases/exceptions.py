from datetime import datetime

from routing_svc.cases.lifecycle import Refusal
from routing_svc.clocks import BUREAU_TZ
from services.http.errors import Conflict, FieldError, Forbidden, NotFound, ProblemError, Unprocessable


class CaseNotFound(NotFound):
    code, title = "case_not_found", "案件不存在"


class TransitionNotAllowed(Conflict):
    code, title = "transition_not_allowed", "案件当前状态不允许此操作"

    @classmethod
    def of(cls, refusal: Refusal) -> "TransitionNotAllowed":
        allowed = [action.value for action in refusal.allowed]
        detail = (
            f"案件处于 {refusal.state.value} 状态，不能执行 {refusal.action.value}；"
            f"允许的操作：{'、'.join(allowed) or '无'}"
        )
        errors = [FieldError(code="allowed_action", detail=action) for action in allowed]
        return cls(detail, errors=errors)


class NotTheHoldingUnit(Forbidden):
    code, title = "not_the_holding_unit", "只有承办或协办单位可以执行此操作"


class PreconditionRequired(ProblemError):
    status, code, title = 428, "if_match_required", "修改案件须携带 If-Match 请求头（案件的 ETag）"


class PreconditionFailed(ProblemError):
    status, code, title = 412, "etag_mismatch", "案件已被他人修改，请重新读取后再操作"


def _local(moment: datetime) -> str:
    return moment.astimezone(BUREAU_TZ).strftime("%Y-%m-%d %H:%M")


class WindowClosed(Unprocessable):
    code, title = "window_closed", "已超过法定期限"

    @classmethod
    def of(cls, *, what: str, deadline: datetime, pointer: str = "") -> "WindowClosed":
        detail = f"{what}的期限已于 {_local(deadline)} 届满"
        error = FieldError(pointer=pointer, code="window_closed", detail=detail)
        return cls(detail, errors=[error], deadline=deadline.isoformat())


class ExtensionRefused(Unprocessable):
    code, title = "extension_refused", "不能延长办理期限"


class ApproverIsHandler(Forbidden):
    code, title = "approver_is_handler", "延期须由承办人以外的负责人批准"


class UnitNotInTree(Unprocessable):
    code, title = "unit_not_in_tree", "承办单位不在辖区树或部门名录中"


class TopTierReached(Conflict):
    code, title = "top_tier_reached", "案件已在区级办理，无法再提级"
