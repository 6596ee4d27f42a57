from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.http.models import RequestModel

Channel = Literal["visit", "letter", "online", "phone", "fax", "appointment", "home_visit"]
PetitionStatus = Literal["registered", "routed"]

_EXAMPLE = {
    "channel": "visit",
    "petitioner": {"name": "张三", "phone": "13812345678"},
    "category_code": "0301",
    "content": "小区东门外道路施工三个月未完工，夜间施工噪音扰民，请求督促施工单位按期完工并限制夜间施工。",
    "address": "清河区长桥街道柳岸社区柳岸路 18 号",
    "community_code": "320599001001",
}


class PetitionerIn(RequestModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=64, description="信访人姓名")
    phone: str = Field(pattern=r"^1[3-9]\d{9}$", description="手机号（11 位）")


class PetitionCreate(RequestModel):
    """登记一件信访事项。"""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [_EXAMPLE]})

    channel: Channel = Field(
        description="渠道：visit 来访、letter 来信、online 网上、phone 来电、fax 传真、"
        "appointment 预约、home_visit 上门"
    )
    petitioner: PetitionerIn
    category_code: str = Field(pattern=r"^\d{2}(\d{2})?$", description="分类代码（两级目录，如 03 或 0301）")
    content: str = Field(min_length=10, max_length=5000, description="信访事项内容（10–5000 字）")
    address: str = Field(min_length=2, max_length=200, description="事发地址")
    community_code: str | None = Field(default=None, pattern=r"^\d{12}$", description="事发地社区代码（12 位区划代码）")
    received_at: datetime | None = Field(default=None, description="收到日期（默认为当前时间，不得晚于当前）")


class PetitionCreated(BaseModel):
    id: UUID
    tracking_no: str = Field(description="信访件编号：年份-区县代码-序号")
    query_code: str = Field(description="查询码：与编号一起用于查询办理进展，仅在登记时返回一次")
    status: PetitionStatus


class TimelineEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    step: str
    title: str


class PetitionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    tracking_no: str
    channel: Channel
    petitioner_name: str
    petitioner_phone: str = Field(description="脱敏手机号")
    category_code: str
    content: str
    address: str
    community_code: str | None
    status: PetitionStatus
    received_at: datetime
    created_at: datetime
    timeline: list[TimelineEntryRead]

    @field_validator("petitioner_phone", mode="after")
    @classmethod
    def _masked(cls, phone: str) -> str:
        return phone if "*" in phone else f"{phone[:3]}****{phone[-4:]}"
