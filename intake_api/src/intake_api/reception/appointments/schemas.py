from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.http.models import RequestModel

HostKind = Literal["leader", "department"]
AppointmentStatus = Literal["booked", "cancelled"]

_SESSION_EXAMPLE = {
    "starts_at": "2027-03-12T09:00:00+08:00",
    "ends_at": "2027-03-12T11:30:00+08:00",
    "host_kind": "leader",
    "host": "清河区人民政府 王副区长",
    "place": "清河区信访局接待大厅 2 号接待室",
    "capacity": 5,
}


class SessionCreate(RequestModel):
    """接访场次：领导或部门在某时某地接待来访群众，可预约人数有上限。"""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [_SESSION_EXAMPLE]}
    )

    starts_at: datetime = Field(description="开始时间（须晚于现在）")
    ends_at: datetime = Field(description="结束时间（须晚于开始时间）")
    host_kind: HostKind = Field(description="leader 领导接访，department 部门接访")
    host: str = Field(min_length=2, max_length=100, description="接访领导或部门")
    place: str = Field(min_length=2, max_length=200, description="接访地点")
    capacity: int = Field(ge=1, le=500, description="可预约人数")


class SessionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    starts_at: datetime
    ends_at: datetime
    host_kind: HostKind
    host: str
    place: str
    capacity: int
    booked: int = Field(description="已预约人数")
    created_at: datetime


class AppointmentCreate(RequestModel):
    """预约接访。信访人本人预约时不填 petitioner_id；工作人员代为预约时必填。"""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "session_id": "019cac30-0000-7000-8000-0000000000a1",
                    "petitioner_id": "019cac2a-cdeb-7f2a-9944-c9c3269e0d37",
                    "matter": "柳岸社区 3 号楼屋顶漏水维修",
                }
            ]
        },
    )

    session_id: UUID = Field(description="接访场次 ID")
    petitioner_id: UUID | None = Field(default=None, description="信访人 ID（工作人员代为预约时必填）")
    matter: str = Field(min_length=2, max_length=200, description="拟反映事项（简要）")


class Cancellation(RequestModel):
    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [{"reason": "临时有事"}]}
    )

    reason: str = Field(default="", max_length=200, description="取消原因")


class AppointmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    session_id: UUID
    petitioner_id: UUID
    matter: str
    status: AppointmentStatus
    booked_by: str
    created_at: datetime
    cancelled_at: datetime | None
    cancelled_by: Literal["petitioner", "staff"] | None
    cancel_reason: str | None
