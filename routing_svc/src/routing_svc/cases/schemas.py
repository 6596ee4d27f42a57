from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class CaseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    petition_id: UUID
    tracking_no: str
    status: Literal["opened"]
    tier: Literal["community", "street", "district"] = Field(description="承办层级：社区、街道或区")
    unit_code: str = Field(description="承办单位的区划代码")
    unit_name: str
    channel: str
    category_code: str
    content: str
    address: str
    received_at: datetime = Field(description="收到日期，法定时限自此起算")
    opened_at: datetime
