from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.http.models import RequestModel


class TransferFormCreate(RequestModel):
    """出具信访事项转送单：接收单位（区划或部门代码）与办理时限（不填按第二十三条计算）。"""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"receiving_unit_code": "D-HOUSING"}, {"receiving_unit_code": "320599001"}]},
    )

    receiving_unit_code: str = Field(
        min_length=2, max_length=32, pattern=r"^[A-Za-z0-9-]+$",
        description="接收单位：部门代码（如 D-HOUSING）或街道、社区的区划代码（如 320599001）",
    )  # fmt: skip
    deadline: date | None = Field(
        default=None, description="办理时限（日期）；不填为出具之日起 15 日（《信访工作条例》第二十三条），最长 90 日"
    )


class TransferFormRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    petition_id: UUID
    tracking_no: str = Field(description="信访件编号")
    receiving_unit_code: str
    receiving_unit_name: str
    deadline: date
    deadline_basis: str = Field(description="时限依据")
    issued_on: date = Field(description="出具日期（北京时间）")
    issued_by: str
    created_at: datetime
    pdf_url: str = Field(description="转送单 PDF 的地址")
