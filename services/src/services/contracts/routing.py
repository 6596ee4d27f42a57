"""Events produced by routing_svc."""

from datetime import datetime
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from services.contracts.envelope import CloudEvent, EventData

Tier = Literal["community", "street", "district"]


class CaseOpenedData(EventData):
    case_id: UUID
    petition_id: UUID
    tracking_no: str
    status: Literal["opened"] = "opened"
    unit_code: str = Field(description="承办单位代码（社区、街道或区）")
    unit_name: str = Field(description="承办单位名称")
    tier: Tier
    opened_at: datetime


class CaseOpened(CloudEvent):
    event_type: ClassVar[str] = "xinfang.case.opened.v1"
    producer: ClassVar[str] = "routing"
    summary: ClassVar[str] = "案件已立案并确定承办单位"
    type: Literal["xinfang.case.opened.v1"] = "xinfang.case.opened.v1"
    data: CaseOpenedData
