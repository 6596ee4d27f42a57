from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.http.models import RequestModel

Reason = Literal["disabled", "seriously_ill", "elderly"]
HomeVisitStatus = Literal["requested", "scheduled", "completed"]

_REQUEST_EXAMPLE = {
    "petitioner_id": "019cac2a-cdeb-7f2a-9944-c9c3269e0d37",
    "reason": "disabled",
    "address": "清河区长桥街道柳岸社区 5 栋 302 室",
    "community_code": "320599001001",
    "matter": "下肢残疾无法出行，反映残疾人两项补贴未按时发放",
}


class HomeVisitCreate(RequestModel):
    """上门接访申请：残疾人、重病患者及行动不便的老年人。信访人本人申请时不填 petitioner_id。"""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [_REQUEST_EXAMPLE]}
    )

    petitioner_id: UUID | None = Field(default=None, description="信访人 ID（工作人员代为申请时必填）")
    reason: Reason = Field(description="申请原因：disabled 残疾、seriously_ill 重病、elderly 行动不便的老年人")
    address: str = Field(min_length=4, max_length=200, description="上门地址")
    community_code: str | None = Field(default=None, pattern=r"^\d{12}$", description="上门地址所在社区代码（12 位）")
    matter: str = Field(min_length=4, max_length=500, description="拟反映事项")


class HomeVisitSchedule(RequestModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"cadre": "长桥街道 李干部", "scheduled_for": "2027-03-06T14:00:00+08:00"}]},
    )

    cadre: str = Field(min_length=2, max_length=128, description="上门接访干部")
    scheduled_for: datetime = Field(description="约定上门时间（须晚于现在）")


class HomeVisitCompletion(RequestModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {"petition_id": "019cac2b-a1b4-7181-a54c-66175d9dc9f8", "result": "已登记诉求并转送柳岸社区办理"}
            ]
        },
    )

    petition_id: UUID = Field(description="上门时登记的信访件 ID")
    result: str = Field(min_length=2, max_length=2000, description="接访结果")


class HomeVisitRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    petitioner_id: UUID
    reason: Reason
    address: str
    community_code: str | None
    matter: str
    status: HomeVisitStatus
    requested_by: str
    cadre: str | None
    scheduled_for: datetime | None
    petition_id: UUID | None
    result: str | None
    completed_at: datetime | None
    created_at: datetime
