from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, computed_field

from intake_api.petitioners.schemas import SpecialNeed
from intake_api.reception.hall.rules import Room, TicketStatus, room_name
from services.http.models import RequestModel

_CHECK_IN_EXAMPLE = {"name": "王建国", "special_needs": ["elderly"], "party_size": 1}


class CheckIn(RequestModel):
    """来访取号。只保存脱敏姓名；已有信访人档案的可填写 petitioner_id。"""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [_CHECK_IN_EXAMPLE]}
    )

    name: str = Field(min_length=1, max_length=64, description="来访人姓名（只保存脱敏后的姓名，如 王**）")
    special_needs: list[SpecialNeed] = Field(
        default_factory=list,
        max_length=6,
        description="特殊情况：elderly 老年人、minor 未成年人、disabled 残疾人、seriously_ill 重病、"
        "emotional_distress 情绪激动，享有优先并分到相应接待室",
    )
    party_size: int = Field(default=1, ge=1, le=500, description="来访人数")
    petitioner_id: UUID | None = Field(default=None, description="已登记信访人的 ID（可选）")
    appointment_id: UUID | None = Field(default=None, description="按预约到访时的预约 ID（可选）")


class TicketCompletion(RequestModel):
    """接待完毕。关联本次接待登记的信访件（咨询已当场答复等情况也应先登记信访件）。"""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{}]},
    )

    petition_id: UUID | None = Field(default=None, description="本次接待登记或处理的信访件 ID；仅指路、问询时可为空")


class TicketRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    day: date = Field(description="取号日期（本地日）")
    number: str = Field(description="排队号，如 A012", examples=["A012"])
    room: Room
    priority: bool = Field(description="是否优先接待")
    priority_reason: str | None = Field(description="优先原因（特殊情况）")
    name_masked: str = Field(description="脱敏姓名")
    special_needs: list[str]
    party_size: int
    petitioner_id: UUID | None
    petition_id: UUID | None
    appointment_id: UUID | None
    status: TicketStatus
    staff_id: str | None = Field(description="叫号接待的工作人员")
    checked_in_at: datetime
    called_at: datetime | None
    wait_seconds: int | None = Field(description="取号至叫号的等候秒数")
    finished_at: datetime | None

    @computed_field(description="接待室名称")
    @property
    def room_name(self) -> str:
        return room_name(self.room)


class BoardTicket(BaseModel):
    number: str
    name_masked: str
    priority: bool
    priority_reason: str | None
    status: Literal["waiting", "called"]
    waiting_minutes: int = Field(description="已等候分钟数（叫号后为取号到叫号的分钟数）")


class BoardRoom(BaseModel):
    room: Room
    room_name: str
    waiting: int = Field(description="等候人数")
    tickets: list[BoardTicket] = Field(description="优先接待者在前，其余按取号先后")


class Board(BaseModel):
    day: date
    generated_at: datetime
    rooms: list[BoardRoom]
