from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.http.models import RequestModel

ServiceKind = Literal["policy_talk", "legal_consultation", "counselling"]

_EXAMPLE = {
    "grid_code": "32059900100101",
    "kind": "legal_consultation",
    "topic": "物业纠纷中的业主权利",
    "held_on": "2026-11-20",
    "volunteer_ids": [],
    "attendance": 35,
    "notes": "律师志愿者现场解答 12 个问题",
}


class VolunteerServiceCreate(RequestModel):
    """登记一次志愿服务：政策宣讲、法律咨询或心理疏导。"""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [_EXAMPLE]})

    grid_code: str = Field(pattern=r"^\d{14}$")
    kind: ServiceKind = Field(description="policy_talk 政策宣讲、legal_consultation 法律咨询、counselling 心理疏导")
    topic: str = Field(min_length=2, max_length=200)
    held_on: date = Field(description="服务日期（不得晚于今天）")
    volunteer_ids: list[UUID] = Field(
        default_factory=list, max_length=50, description="参与的志愿者（网格力量成员 ID）"
    )
    attendance: int = Field(ge=0, le=100_000, description="参加人数")
    notes: str = Field(default="", max_length=5000)


class VolunteerServiceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    grid_code: str
    kind: ServiceKind
    topic: str
    held_on: date
    volunteer_ids: list[UUID]
    attendance: int
    notes: str
    recorded_by: str
    created_at: datetime
