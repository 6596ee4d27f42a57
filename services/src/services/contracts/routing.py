"""Events produced by routing_svc: the life of a case and the reference data routing owns.

Every case event carries the case's current state and unit (event-carried state), so intake (the status
the petitioner sees), screening (the grid's loop) and notify (the statutory notices) act without calling back.
A case about an official (``kind == "report"``) never names the petitioner to the unit reported (Art. 30).
"""

from datetime import date, datetime
from typing import Any, ClassVar, Literal
from uuid import UUID

from pydantic import Field

from services.contracts.envelope import CloudEvent, EventData

Tier = Literal["community", "street", "district"]
CaseKind = Literal["petition", "suggestion", "report"]
CaseState = Literal[
    "opened",
    "assigned",
    "signed",
    "objected",
    "accepted",
    "not_accepted",
    "steered",
    "in_handling",
    "extended",
    "replied",
    "evaluated",
    "review_requested",
    "reviewed",
    "re_review_requested",
    "re_reviewed",
    "final",
    "closed",
]
LegalRoute = Literal["litigation", "arbitration", "administrative_reconsideration", "party_appeal", "other_procedure"]
ClockKind = Literal[
    "register_and_route",
    "object",
    "handle",
    "review_request",
    "review_answer",
    "re_review_request",
    "re_review_answer",
    "supervision_answer",
]


class CaseData(EventData):
    case_id: UUID
    source: Literal["petition", "conflict"] = Field(description="来源：信访件或网格排查上报的矛盾")
    petition_id: UUID | None = Field(default=None, description="来源信访件 ID")
    finding_id: UUID | None = Field(default=None, description="来源网格排查发现 ID")
    tracking_no: str | None = Field(default=None, description="信访件编号（来自网格的案件为空）")
    kind: CaseKind = "petition"
    status: CaseState = Field(description="事件发生后案件所处状态")
    unit_code: str = Field(description="承办单位代码（社区、街道、区或部门）")
    unit_name: str = Field(description="承办单位名称")
    tier: Tier
    category_code: str | None = None
    occurred_at: datetime


_CASE_ID = "019cac2b-a786-7160-9ac3-55266f03675a"
_CASE = {
    "case_id": _CASE_ID,
    "source": "petition",
    "petition_id": "019cac2b-a1b4-7181-a54c-66175d9dc9f8",
    "finding_id": None,
    "tracking_no": "2026-320599-000001",
    "kind": "petition",
    "unit_code": "320599001001",
    "unit_name": "柳岸社区",
    "tier": "community",
    "category_code": "0301",
}


def _case_event(
    name: str, event: str, summary: str, data_model: type[CaseData], example: dict[str, Any]
) -> type[CloudEvent]:
    """One case event class; the 18 of them differ only in type, summary, payload and example."""
    event_type = f"xinfang.case.{event}.v1"
    namespace = {
        "__annotations__": {"type": Literal[event_type], "data": data_model},  # type: ignore[valid-type]
        "type": event_type,
        "event_type": event_type,
        "producer": "routing",
        "summary": summary,
        "example": _CASE | example,
        "__module__": __name__,
        "__qualname__": name,
    }
    return type(name, (CloudEvent,), namespace)


class CaseOpenedData(CaseData):
    severity: Literal["minor", "general", "complex", "difficult"] = "general"
    skip_level: bool = False
    due_at: datetime = Field(description="登记转送并告知受理的期限（15 日，第22、23条）")


class CaseAssignedData(CaseData):
    mode: Literal["transfer", "assign"] = Field(description="转送（转交并跟踪）或交办（限期办理并报告结果）")
    co_unit_codes: list[str] = Field(default_factory=list, description="协办单位")
    due_at: datetime | None = Field(default=None, description="交办期限")


class CaseObjectedData(CaseData):
    reason: str = Field(description="异议理由（第23条第3款，5 个工作日内）")


class CaseAcceptedData(CaseData):
    due_at: datetime = Field(description="办理期限（60 日，第34条）")


class CaseNotAcceptedData(CaseData):
    reason: str
    legal_route: LegalRoute | None = None


class CaseSteeredData(CaseData):
    legal_route: LegalRoute = Field(description="导入的法定途径（第31条）")
    route_name: str = Field(description="途径名称及受理机关")


class CaseExtendedData(CaseData):
    days: int = Field(ge=1, le=30)
    reason: str = Field(description="延期理由（告知信访人）")
    due_at: datetime


class CaseEscalatedData(CaseData):
    from_unit_code: str
    from_tier: Tier
    reason_code: Literal["cannot_resolve", "overdue", "skip_level"]
    reason: str


class CaseSupervisedData(CaseData):
    order_id: UUID
    due_at: datetime = Field(description="书面答复督办的期限")
    listed: bool = Field(default=False, description="是否挂牌督办")
    reason: str


class CaseClockData(CaseData):
    clock: ClockKind
    clock_name: str = Field(description="时限名称，如“办理期限”")
    legal_basis: str = Field(description="法律依据，如“《信访工作条例》第三十四条”")
    due_at: datetime
    days_left: int = Field(description="剩余天数（超期为负数）")


class CaseRepliedData(CaseData):
    outcome: Literal["support", "explain", "not_support"] = Field(description="处理意见：支持、解释说明、不予支持")
    legal_basis: str
    review_deadline: date = Field(description="可申请复查的截止日（收到答复之日起 30 日，第35条）")


class CaseEvaluatedData(CaseData):
    rating: Literal["satisfied", "basically_satisfied", "dissatisfied"]


class CaseReviewRequestedData(CaseData):
    level: Literal["review", "re_review"] = Field(description="复查或复核")
    due_at: datetime = Field(description="作出复查/复核意见的期限（30 日）")


class CaseReviewedData(CaseData):
    level: Literal["review", "re_review"]
    outcome: Literal["upheld", "changed", "revoked"] = Field(description="维持、变更、撤销原处理意见")
    next_deadline: date | None = Field(default=None, description="可申请复核的截止日；复核后为空（终结）")


class CaseClosedData(CaseData):
    how: Literal["resolved", "finalized", "withdrawn", "not_accepted", "steered", "merged"]


_T = "2026-03-02T09:31:08+08:00"
CaseOpened = _case_event(
    "CaseOpened",
    "opened",
    "案件已立案并确定承办单位",
    CaseOpenedData,
    {
        "status": "opened",
        "occurred_at": _T,
        "severity": "general",
        "skip_level": False,
        "due_at": "2026-03-17T23:59:59+08:00",
    },
)
CaseAssigned = _case_event(
    "CaseAssigned",
    "assigned",
    "案件已转送或交办",
    CaseAssignedData,
    {
        "status": "assigned",
        "occurred_at": _T,
        "mode": "assign",
        "co_unit_codes": ["D-HOUSING"],
        "due_at": "2026-05-01T23:59:59+08:00",
    },
)
CaseSigned = _case_event("CaseSigned", "signed", "承办单位已签收", CaseData, {"status": "signed", "occurred_at": _T})
CaseObjected = _case_event(
    "CaseObjected",
    "objected",
    "承办单位对交办提出异议",
    CaseObjectedData,
    {"status": "objected", "occurred_at": _T, "reason": "该事项属区住建局职责，不属本社区"},
)
CaseAccepted = _case_event(
    "CaseAccepted",
    "accepted",
    "信访事项已受理",
    CaseAcceptedData,
    {"status": "accepted", "occurred_at": _T, "due_at": "2026-05-04T23:59:59+08:00"},
)
CaseNotAccepted = _case_event(
    "CaseNotAccepted",
    "not_accepted",
    "信访事项不予受理",
    CaseNotAcceptedData,
    {"status": "not_accepted", "occurred_at": _T, "reason": "同一事项正在下级办理", "legal_route": None},
)
CaseSteered = _case_event(
    "CaseSteered",
    "steered",
    "信访事项已导入法定途径",
    CaseSteeredData,
    {
        "status": "steered",
        "occurred_at": _T,
        "legal_route": "arbitration",
        "route_name": "清河区劳动人事争议仲裁委员会",
    },
)
CaseExtended = _case_event(
    "CaseExtended",
    "extended",
    "办理期限已延长",
    CaseExtendedData,
    {
        "status": "extended",
        "occurred_at": _T,
        "days": 30,
        "reason": "需现场勘查并组织听证",
        "due_at": "2026-06-03T23:59:59+08:00",
    },
)
CaseEscalated = _case_event(
    "CaseEscalated",
    "escalated",
    "案件已提级办理",
    CaseEscalatedData,
    {
        "status": "assigned",
        "occurred_at": _T,
        "unit_code": "320599001",
        "unit_name": "长桥街道",
        "tier": "street",
        "from_unit_code": "320599001001",
        "from_tier": "community",
        "reason_code": "overdue",
        "reason": "办理期限届满未办结",
    },
)
CaseSupervised = _case_event(
    "CaseSupervised",
    "supervised",
    "案件已督办",
    CaseSupervisedData,
    {
        "status": "in_handling",
        "occurred_at": _T,
        "order_id": "019cac40-0000-7000-8000-000000000001",
        "due_at": "2026-05-11T23:59:59+08:00",
        "listed": False,
        "reason": "办理期限届满未办结",
    },
)
CaseDeadlineApproaching = _case_event(
    "CaseDeadlineApproaching",
    "deadline_approaching",
    "案件时限即将届满",
    CaseClockData,
    {
        "status": "in_handling",
        "occurred_at": _T,
        "clock": "handle",
        "clock_name": "办理期限",
        "legal_basis": "《信访工作条例》第三十四条",
        "due_at": "2026-05-04T23:59:59+08:00",
        "days_left": 3,
    },
)
CaseOverdue = _case_event(
    "CaseOverdue",
    "overdue",
    "案件已超期",
    CaseClockData,
    {
        "status": "in_handling",
        "occurred_at": _T,
        "clock": "handle",
        "clock_name": "办理期限",
        "legal_basis": "《信访工作条例》第三十四条",
        "due_at": "2026-05-04T23:59:59+08:00",
        "days_left": -1,
    },
)
CaseReplied = _case_event(
    "CaseReplied",
    "replied",
    "已出具处理意见",
    CaseRepliedData,
    {
        "status": "replied",
        "occurred_at": _T,
        "outcome": "support",
        "legal_basis": "《物业管理条例》第五十五条",
        "review_deadline": "2026-04-20",
    },
)
CaseEvaluated = _case_event(
    "CaseEvaluated",
    "evaluated",
    "信访人已评价处理结果",
    CaseEvaluatedData,
    {"status": "evaluated", "occurred_at": _T, "rating": "satisfied"},
)
CaseReviewRequested = _case_event(
    "CaseReviewRequested",
    "review_requested",
    "信访人已申请复查或复核",
    CaseReviewRequestedData,
    {"status": "review_requested", "occurred_at": _T, "level": "review", "due_at": "2026-05-20T23:59:59+08:00"},
)
CaseReviewed = _case_event(
    "CaseReviewed",
    "reviewed",
    "已作出复查或复核意见",
    CaseReviewedData,
    {"status": "reviewed", "occurred_at": _T, "level": "review", "outcome": "upheld", "next_deadline": "2026-06-19"},
)
CaseFinalized = _case_event(
    "CaseFinalized", "finalized", "信访事项已终结", CaseData, {"status": "final", "occurred_at": _T}
)
CaseClosed = _case_event(
    "CaseClosed", "closed", "案件已办结归档", CaseClosedData, {"status": "closed", "occurred_at": _T, "how": "resolved"}
)

CASE_EVENTS: tuple[type[CloudEvent], ...] = (
    CaseOpened,
    CaseAssigned,
    CaseSigned,
    CaseObjected,
    CaseAccepted,
    CaseNotAccepted,
    CaseSteered,
    CaseExtended,
    CaseEscalated,
    CaseSupervised,
    CaseDeadlineApproaching,
    CaseOverdue,
    CaseReplied,
    CaseEvaluated,
    CaseReviewRequested,
    CaseReviewed,
    CaseFinalized,
    CaseClosed,
)


# -- reference data ---------------------------------------------------------------------------------------------


class JurisdictionNode(EventData):
    code: str = Field(description="行政区划代码：区 6 位、街道 9 位、社区 12 位")
    name: str
    level: Literal["community", "street", "district"]
    parent_code: str | None = None
    aliases: list[str] = Field(default_factory=list, description="地址别名（小区、路名），用于地址匹配社区")
    active: bool = True


class Department(EventData):
    code: str = Field(description="部门代码")
    name: str
    levels: list[Literal["district", "street"]] = Field(description="设置该部门的层级")
    active: bool = True


class JurisdictionUpdatedData(EventData):
    full: bool = Field(description="为真时是完整快照，替换接收方的全部副本；否则为增量更新")
    nodes: list[JurisdictionNode] = Field(default_factory=list)
    departments: list[Department] = Field(default_factory=list)
    version: int = Field(description="单调递增的版本号，接收方忽略旧版本")


class JurisdictionUpdated(CloudEvent):
    event_type: ClassVar[str] = "xinfang.jurisdiction.updated.v1"
    producer: ClassVar[str] = "routing"
    summary: ClassVar[str] = "行政区划与部门已更新"
    type: Literal["xinfang.jurisdiction.updated.v1"] = "xinfang.jurisdiction.updated.v1"
    data: JurisdictionUpdatedData
    example: ClassVar[dict] = {
        "full": False,
        "version": 7,
        "nodes": [
            {
                "code": "320599001001",
                "name": "柳岸社区",
                "level": "community",
                "parent_code": "320599001",
                "aliases": ["柳岸小区", "柳岸路"],
                "active": True,
            },
        ],
        "departments": [{"code": "D-HOUSING", "name": "区住房和城乡建设局", "levels": ["district"], "active": True}],
    }


class Category(EventData):
    code: str = Field(description="分类代码：一级 2 位，二级 4 位")
    name: str
    parent_code: str | None = None
    active: bool = True
    departments: dict[str, str] = Field(
        default_factory=dict, description="分级主管部门：层级（street / district）→ 部门代码（谁主管、谁负责）"
    )


class CatalogueUpdatedData(EventData):
    full: bool
    categories: list[Category] = Field(default_factory=list)
    version: int


class CatalogueUpdated(CloudEvent):
    event_type: ClassVar[str] = "xinfang.catalogue.updated.v1"
    producer: ClassVar[str] = "routing"
    summary: ClassVar[str] = "信访事项分类目录已更新"
    type: Literal["xinfang.catalogue.updated.v1"] = "xinfang.catalogue.updated.v1"
    data: CatalogueUpdatedData
    example: ClassVar[dict] = {
        "full": False,
        "version": 3,
        "categories": [
            {"code": "03", "name": "城乡建设", "parent_code": None, "active": True, "departments": {}},
            {
                "code": "0301",
                "name": "物业管理",
                "parent_code": "03",
                "active": True,
                "departments": {"district": "D-HOUSING"},
            },
        ],
    }


EVENTS: tuple[type[CloudEvent], ...] = (*CASE_EVENTS, JurisdictionUpdated, CatalogueUpdated)
