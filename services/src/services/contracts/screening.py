"""Events produced by screening_svc: grid findings, sweeps, policy risk and the cadence of briefings.

Findings carry counts of people, never names; early warning is about issues, places and categories.
"""

from datetime import date, datetime
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from services.contracts.envelope import CloudEvent, EventData

Severity = Literal["minor", "general", "complex", "difficult"]
Tier = Literal["community", "street", "district"]

_FINDING = {
    "finding_id": "019cac50-0000-7000-8000-000000000001",
    "grid_id": "019cac50-0000-7000-8000-0000000000a1",
    "community_code": "320599001001",
    "category_code": "0301",
    "kind": "micro_conflict",
    "severity": "general",
    "people_count": 6,
}


class FindingData(EventData):
    finding_id: UUID
    grid_id: UUID
    community_code: str = Field(description="网格所在社区代码")
    category_code: str
    kind: Literal["micro_demand", "micro_conflict"] = Field(description="微诉求或微矛盾")
    severity: Severity
    people_count: int = Field(ge=0, description="涉及人数（只计数，不列姓名）")
    occurred_at: datetime


class ConflictReported(CloudEvent):
    event_type: ClassVar[str] = "xinfang.conflict.reported.v1"
    producer: ClassVar[str] = "screening"
    summary: ClassVar[str] = "网格上报微诉求或微矛盾"
    type: Literal["xinfang.conflict.reported.v1"] = "xinfang.conflict.reported.v1"
    data: FindingData
    example: ClassVar[dict] = _FINDING | {"occurred_at": "2026-03-03T16:20:00+08:00"}


class ConflictResolvedOnSpotData(FindingData):
    measure: str = Field(description="就地化解措施与结果")


class ConflictResolvedOnSpot(CloudEvent):
    event_type: ClassVar[str] = "xinfang.conflict.resolved_on_spot.v1"
    producer: ClassVar[str] = "screening"
    summary: ClassVar[str] = "网格矛盾已就地化解"
    type: Literal["xinfang.conflict.resolved_on_spot.v1"] = "xinfang.conflict.resolved_on_spot.v1"
    data: ConflictResolvedOnSpotData
    example: ClassVar[dict] = _FINDING | {
        "severity": "minor",
        "occurred_at": "2026-03-03T17:00:00+08:00",
        "measure": "网格员协调楼上住户修复渗水管道，双方认可",
    }


class ConflictEscalatedData(FindingData):
    tier: Tier = Field(description="按分级化解规则上交的层级：一般→社区，复杂→街道，疑难→区级联调")
    summary: str = Field(description="事项摘要（不含个人信息）")
    description: str = Field(description="情况描述")


class ConflictEscalated(CloudEvent):
    event_type: ClassVar[str] = "xinfang.conflict.escalated.v1"
    producer: ClassVar[str] = "screening"
    summary: ClassVar[str] = "网格矛盾已上交立案"
    type: Literal["xinfang.conflict.escalated.v1"] = "xinfang.conflict.escalated.v1"
    data: ConflictEscalatedData
    example: ClassVar[dict] = _FINDING | {
        "occurred_at": "2026-03-03T16:30:00+08:00",
        "tier": "community",
        "summary": "3 号楼 6 户居民与物业就电梯维修费用分摊产生纠纷",
        "description": "电梯停运两周，物业要求业主分摊维修费用，6 户居民不同意，情绪较大。",
    }


class SweepCompletedData(EventData):
    sweep_id: UUID
    grid_id: UUID
    community_code: str
    week: str = Field(pattern=r"^\d{4}-W\d{2}$", description="ISO 周，如 2026-W10")
    households_visited: int = Field(ge=0)
    residents_visited: int = Field(ge=0, description="走访的重点人员数（只计数）")
    findings: int = Field(ge=0)
    occurred_at: datetime


class SweepCompleted(CloudEvent):
    event_type: ClassVar[str] = "xinfang.sweep.completed.v1"
    producer: ClassVar[str] = "screening"
    summary: ClassVar[str] = "网格拉网式排查已完成"
    type: Literal["xinfang.sweep.completed.v1"] = "xinfang.sweep.completed.v1"
    data: SweepCompletedData
    example: ClassVar[dict] = {
        "sweep_id": "019cac51-0000-7000-8000-000000000001",
        "grid_id": _FINDING["grid_id"],
        "community_code": "320599001001",
        "week": "2026-W10",
        "households_visited": 128,
        "residents_visited": 9,
        "findings": 2,
        "occurred_at": "2026-03-06T17:30:00+08:00",
    }


class SweepMissedData(EventData):
    week: str = Field(pattern=r"^\d{4}-W\d{2}$")
    grid_id: UUID
    community_code: str
    gap: Literal["grid_not_swept", "resident_not_visited"]
    resident_ref: UUID | None = Field(default=None, description="未按期走访的重点人员引用 ID（不含个人信息）")
    resident_category: str | None = None
    due_by: date = Field(description="应完成日期")
    occurred_at: datetime


class SweepMissed(CloudEvent):
    event_type: ClassVar[str] = "xinfang.sweep.missed.v1"
    producer: ClassVar[str] = "screening"
    summary: ClassVar[str] = "网格排查或重点人员走访未按期完成"
    type: Literal["xinfang.sweep.missed.v1"] = "xinfang.sweep.missed.v1"
    data: SweepMissedData
    example: ClassVar[dict] = {
        "week": "2026-W10",
        "grid_id": _FINDING["grid_id"],
        "community_code": "320599001001",
        "gap": "grid_not_swept",
        "resident_ref": None,
        "resident_category": None,
        "due_by": "2026-03-08",
        "occurred_at": "2026-03-09T00:05:00+08:00",
    }


class RiskAssessedData(EventData):
    policy_id: UUID
    title: str
    stage: Literal["drafting", "before_implementation", "after_implementation"]
    risk_level: Literal["low", "medium", "high"]
    lead_department: str
    occurred_at: datetime


class RiskAssessed(CloudEvent):
    event_type: ClassVar[str] = "xinfang.risk.assessed.v1"
    producer: ClassVar[str] = "screening"
    summary: ClassVar[str] = "重大政策或项目已完成社会稳定风险评估"
    type: Literal["xinfang.risk.assessed.v1"] = "xinfang.risk.assessed.v1"
    data: RiskAssessedData
    example: ClassVar[dict] = {
        "policy_id": "019cac52-0000-7000-8000-000000000001",
        "title": "柳岸社区老旧小区改造",
        "stage": "before_implementation",
        "risk_level": "medium",
        "lead_department": "D-HOUSING",
        "occurred_at": "2026-03-10T11:00:00+08:00",
    }


class RiskAlertData(EventData):
    policy_id: UUID
    title: str
    alert: Literal["awareness_below_target", "approval_below_target", "monitoring"]
    rate: float | None = Field(default=None, ge=0, le=100, description="知晓率或支持率（%）")
    target: float | None = Field(default=None, description="目标值（%），工作方案要求 95%")
    message: str
    occurred_at: datetime


class RiskAlert(CloudEvent):
    event_type: ClassVar[str] = "xinfang.risk.alert.v1"
    producer: ClassVar[str] = "screening"
    summary: ClassVar[str] = "政策风险预警"
    type: Literal["xinfang.risk.alert.v1"] = "xinfang.risk.alert.v1"
    data: RiskAlertData
    example: ClassVar[dict] = {
        "policy_id": "019cac52-0000-7000-8000-000000000001",
        "title": "柳岸社区老旧小区改造",
        "alert": "approval_below_target",
        "rate": 88.5,
        "target": 95.0,
        "message": "群众支持率 88.5%，低于 95% 的目标",
        "occurred_at": "2026-03-15T09:00:00+08:00",
    }


class BriefingPublishedData(EventData):
    briefing_id: UUID
    cadence: Literal["weekly", "monthly", "quarterly"] = Field(description="周排查、月研判、季通报")
    period: str = Field(description="周期，如 2026-W10、2026-03、2026-Q1")
    jurisdiction_code: str
    title: str
    href: str = Field(description="报告的 API 路径（JSON；加 format=html 为可读文档）")
    occurred_at: datetime


class BriefingPublished(CloudEvent):
    event_type: ClassVar[str] = "xinfang.briefing.published.v1"
    producer: ClassVar[str] = "screening"
    summary: ClassVar[str] = "排查研判报告已发布"
    type: Literal["xinfang.briefing.published.v1"] = "xinfang.briefing.published.v1"
    data: BriefingPublishedData
    example: ClassVar[dict] = {
        "briefing_id": "019cac53-0000-7000-8000-000000000001",
        "cadence": "monthly",
        "period": "2026-03",
        "jurisdiction_code": "320599",
        "title": "清河区 2026 年 3 月矛盾纠纷研判报告",
        "href": "/screening/v1/reports/monthly?period=2026-03&jurisdiction=320599",
        "occurred_at": "2026-04-01T08:00:00+08:00",
    }


EVENTS: tuple[type[CloudEvent], ...] = (
    ConflictReported,
    ConflictResolvedOnSpot,
    ConflictEscalated,
    SweepCompleted,
    SweepMissed,
    RiskAssessed,
    RiskAlert,
    BriefingPublished,
)
