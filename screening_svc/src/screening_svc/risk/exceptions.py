from services.http.errors import Conflict, FieldError, NotFound, Unprocessable


class PolicyNotFound(NotFound):
    code, title = "policy_not_found", "政策或项目不存在"


class HouseholdNotFound(NotFound):
    code, title = "household_not_found", "户档案不存在"


class WrongStage(Conflict):
    code, title = "wrong_stage", "当前评估阶段不能进行此操作"


class StageIncomplete(Conflict):
    code, title = "stage_incomplete", "本阶段尚缺必要环节（起草阶段须有评审，实施前须有征求意见），不能得出结论"


class RiskTooHigh(Conflict):
    code, title = "risk_too_high", "实施前评估为高风险，不得进入实施；请化解风险、再次征求意见后重新评估"


class _FieldProblem(Unprocessable):
    def __init__(self, pointer: str) -> None:
        super().__init__(errors=[FieldError(pointer=pointer, code=self.code, detail=self.title)])


class OutsideAffectedArea(_FieldProblem):
    code, title = "outside_affected_area", "该户不在政策影响的社区范围内"


class OutsideJurisdiction(_FieldProblem):
    code, title = "outside_jurisdiction", "社区不在该政策所属辖区或调用者辖区内"
