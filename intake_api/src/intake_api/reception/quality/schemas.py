from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.http.models import RequestModel

Satisfaction = Literal["satisfied", "basically_satisfied", "dissatisfied"]


class RatingCreate(RequestModel):
    """信访人对一次接待的评价（每次接待一次）。"""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"attitude": 5, "efficiency": 4, "comment": "接待耐心，解释清楚"}]},
    )

    attitude: int = Field(ge=1, le=5, description="服务态度 1–5")
    efficiency: int = Field(ge=1, le=5, description="办事效率 1–5")
    comment: str = Field(default="", max_length=500, description="评价意见")


class RatingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    ticket_id: UUID = Field(description="接待（排队号）ID")
    staff_id: str
    attitude: int
    efficiency: int
    comment: str
    created_at: datetime


class SpotCheckCreate(RequestModel):
    """现场抽查记录。"""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"score": 92, "findings": "文明用语规范，登记要素齐全；告知复查期限不够清楚"}]},
    )

    score: int = Field(ge=0, le=100, description="抽查得分 0–100")
    findings: str = Field(min_length=2, max_length=1000, description="抽查发现")


class SpotCheckRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    ticket_id: UUID
    staff_id: str
    score: int
    findings: str
    checked_by: str
    created_at: datetime


class FollowUpCreate(RequestModel):
    """回访记录。接通时须记录满意度；未接通时不填。"""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"reached": True, "satisfaction": "satisfied", "notes": "对接待结果满意"}]},
    )

    reached: bool = Field(description="是否接通")
    satisfaction: Satisfaction | None = Field(default=None, description="满意、基本满意、不满意")
    notes: str = Field(default="", max_length=1000, description="回访情况")


class FollowUpRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    ticket_id: UUID
    staff_id: str
    reached: bool
    satisfaction: Satisfaction | None
    notes: str
    called_by: str
    created_at: datetime


class ComplaintCreate(RequestModel):
    """对工作人员的投诉。填 ticket_id 时被投诉人取该次接待的工作人员。"""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"staff_id": "demo-reception", "content": "接待时态度生硬，未说明办理时限"}]},
    )

    staff_id: str | None = Field(default=None, min_length=1, max_length=128, description="被投诉的工作人员")
    ticket_id: UUID | None = Field(default=None, description="所涉接待（排队号）ID")
    content: str = Field(min_length=4, max_length=2000, description="投诉内容")


class ComplaintRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    staff_id: str
    ticket_id: UUID | None
    content: str
    recorded_by: str
    created_at: datetime


class StaffQuality(BaseModel):
    staff_id: str
    receptions: int = Field(description="接待人次（叫号次数）")
    average_wait_minutes: float | None = Field(description="平均等候分钟数（取号至叫号）")
    ratings: int = Field(description="评价次数")
    average_attitude: float | None
    average_efficiency: float | None
    spot_checks: int
    average_spot_check_score: float | None
    complaints: int
    follow_up_calls: int
    follow_up_satisfied: int = Field(description="回访满意或基本满意次数")
    petitions_registered: int = Field(description="登记的信访件数（网上信访除外）")
    resolved_on_spot: int = Field(description="其中当场化解的件数")
    on_spot_share: float | None = Field(description="当场化解占比")


class StaffQualityReport(BaseModel):
    period_from: date = Field(description="统计起始日（含）")
    period_to: date = Field(description="统计截止日（含）")
    staff: list[StaffQuality] = Field(description="按工作人员汇总，按标识排序")
