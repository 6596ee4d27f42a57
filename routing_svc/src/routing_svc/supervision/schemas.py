from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.http.models import RequestModel


class SupervisionCreate(RequestModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"reason": "群众反映强烈，请于期限内书面报告办理情况", "listed": True}]},
    )

    reason: str = Field(min_length=2, max_length=2000, description="督办事由")
    due_at: datetime | None = Field(default=None, description="书面答复期限；缺省为配置的天数后的当日 24 时")
    listed: bool = Field(default=False, description="是否挂牌督办")


class SupervisionAnswer(RequestModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"answer": "已召开协调会，物业承诺 3 月 20 日前修复，届时报告结果"}]},
    )

    answer: str = Field(min_length=2, max_length=4000, description="书面答复")


class SupervisionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    case_id: UUID
    unit_code: str = Field(description="被督办单位")
    unit_name: str
    reason: str
    listed: bool = Field(description="挂牌督办")
    issued_by: str
    issued_at: datetime
    due_at: datetime = Field(description="书面答复期限")
    answer: str | None
    answered_by: str | None
    answered_at: datetime | None
    automatic: bool = Field(default=False, description="由超期自动督办（而非人工下达）")
