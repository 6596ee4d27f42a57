from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.contracts.routing import CaseKind, CaseState, LegalRoute, Tier
from services.http.models import RequestModel


class ClockRead(BaseModel):
    kind: str = Field(description="时限种类，如 handle（办理期限）")
    name: str = Field(description="时限名称")
    legal_basis: str = Field(description="法律依据")
    obligation: bool = Field(description="为真时是办理义务（临期提醒、超期提级督办）；否则是可申请的期间")
    started_at: datetime
    due_at: datetime = Field(description="届满时刻（届满日 24 时，北京时间）")
    days_left: int = Field(description="剩余天数（超期为负数）")
    state: Literal["running", "due_soon", "overdue", "paused", "stopped"]
    calendar_note: str | None = Field(default=None, description="期限跨入尚无官方节假日安排的年份时的提示")


class CaseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    source: Literal["petition", "conflict"] = Field(description="来源：信访件或网格排查上交的矛盾")
    petition_id: UUID | None
    finding_id: UUID | None
    tracking_no: str | None
    kind: CaseKind = Field(description="投诉请求、意见建议（第29条）、检举控告（第30条）")
    track: Literal["petition", "legal_procedure"] = Field(description="信访程序或应导入的法定途径（第31条）")
    status: CaseState
    severity: Literal["minor", "general", "complex", "difficult"]
    tier: Tier = Field(description="承办层级：社区、街道或区")
    unit_code: str = Field(description="承办（牵头）单位代码")
    unit_name: str
    department_code: str | None = Field(description="主管部门（谁主管、谁负责）")
    co_unit_codes: list[str] = Field(description="协办单位")
    mode: Literal["transfer", "assign"] | None = Field(description="转送或交办")
    fallback: bool = Field(description="无规则匹配时由区信访局兜底承办")
    skip_level: bool = Field(description="越级信访（已按应属层级流转并计数）")
    repeat_count: int = Field(description="关联到本案的重复信访件数")
    escalation_count: int
    channel: str
    category_code: str
    summary: str
    content: str
    address: str
    petitioner_ref: UUID | None = Field(description="信访人引用；检举控告类案件不显示（第30条）")
    phone_masked: str | None = Field(description="脱敏手机号；检举控告类案件不显示（第30条）")
    extension_days: int
    reply_outcome: Literal["support", "explain", "not_support"] | None
    rating: Literal["satisfied", "basically_satisfied", "dissatisfied"] | None
    legal_route: LegalRoute | None
    closed_how: str | None
    received_at: datetime = Field(description="收到日期，法定时限自此起算")
    opened_at: datetime
    assigned_at: datetime | None = Field(description="转送交办时刻（时限自此起算）")
    due_at: datetime | None = Field(description="最近一个办理义务的届满时刻")
    version: int = Field(description="版本号（即 ETag）")
    clocks: list[ClockRead] = Field(default_factory=list, description="正在运行的法定时限")
    allowed_actions: list[str] = Field(default_factory=list, description="当前状态下允许的操作")


class StepRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    action: str
    from_state: str
    to_state: str
    actor: str
    unit_code: str
    details: dict
    at: datetime


class _Body(RequestModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


Text = Annotated[str, Field(min_length=2, max_length=4000)]


class NoteBody(_Body):
    note: str = Field(default="", max_length=2000, description="备注")

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"note": "已签收，安排专人办理"}]})


class AssignBody(_Body):
    unit_code: str = Field(min_length=1, max_length=32, description="承办单位代码（辖区树节点或部门）")
    mode: Literal["transfer", "assign"] = "assign"
    co_unit_codes: list[str] = Field(default_factory=list, max_length=10)
    reason: str = Field(default="", max_length=2000)

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "unit_code": "320599001",
                    "mode": "assign",
                    "co_unit_codes": [],
                    "reason": "社区异议成立，改由街道办理",
                }
            ]
        },
    )


class ReasonBody(_Body):
    reason: Text

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"reason": "该事项属区住建局职责"}]})


class RejectBody(ReasonBody):
    legal_route: LegalRoute | None = None


class SteerBody(_Body):
    legal_route: LegalRoute
    route_name: str = Field(min_length=2, max_length=200, description="途径名称及受理机关")

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"legal_route": "arbitration", "route_name": "清河区劳动人事争议仲裁委员会"}]},
    )


class ExtendBody(_Body):
    days: int = Field(description="延长天数（不超过 30 日，只能延长一次）")
    reason: str = Field(max_length=2000, description="延期理由（将告知信访人）")

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"days": 30, "reason": "需现场勘查并组织听证"}]}
    )


class ReplyBody(_Body):
    outcome: Literal["support", "explain", "not_support"] = Field(description="支持、解释说明、不予支持")
    text: Text
    legal_basis: str = Field(min_length=2, max_length=500)

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "outcome": "support",
                    "text": "已督促物业于 3 月 20 日前修复屋顶",
                    "legal_basis": "《物业管理条例》第五十五条",
                }
            ]
        },
    )


class FollowUp(_Body):
    method: Literal["phone", "visit", "sms", "online"] = Field(description="回访方式")
    visited_at: datetime
    record: Text


class EvaluateBody(_Body):
    rating: Literal["satisfied", "basically_satisfied", "dissatisfied"] = Field(description="满意、基本满意、不满意")
    follow_up: FollowUp = Field(description="回访记录")

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "rating": "satisfied",
                    "follow_up": {
                        "method": "phone",
                        "visited_at": "2026-03-25T10:00:00+08:00",
                        "record": "电话回访，信访人表示满意",
                    },
                }
            ]
        },
    )


class ReviewBody(_Body):
    outcome: Literal["upheld", "changed", "revoked"] = Field(description="维持、变更、撤销原处理意见")
    text: Text
    legal_basis: str = Field(min_length=2, max_length=500)

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "outcome": "upheld",
                    "text": "原处理意见事实清楚，予以维持",
                    "legal_basis": "《信访工作条例》第三十五条",
                }
            ]
        },
    )
