"""Events produced by intake_api."""

from datetime import datetime
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from services.contracts.envelope import CloudEvent, EventData

Channel = Literal["visit", "letter", "online", "phone", "fax", "appointment", "home_visit"]


class PetitionRegisteredData(EventData):
    petition_id: UUID
    tracking_no: str = Field(examples=["2026-110105-000001"])
    channel: Channel
    category_code: str = Field(description="两级分类目录中的分类代码")
    content: str = Field(description="信访事项内容")
    address: str = Field(description="事发地址")
    community_code: str | None = Field(default=None, description="事发地社区代码（如已知）")
    petitioner_ref: UUID = Field(description="信访人在受理服务中的引用 ID（不含个人信息）")
    phone_masked: str = Field(description="脱敏手机号，如 138****5678", examples=["138****5678"])
    received_at: datetime = Field(description="收到日期，法定时限自此起算")


class PetitionRegistered(CloudEvent):
    event_type: ClassVar[str] = "xinfang.petition.registered.v1"
    producer: ClassVar[str] = "intake"
    summary: ClassVar[str] = "信访事项已登记"
    type: Literal["xinfang.petition.registered.v1"] = "xinfang.petition.registered.v1"
    data: PetitionRegisteredData
