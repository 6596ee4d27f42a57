from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from intake_api.petitioners.schemas import RevealReason, reveal_config
from services.http.models import RequestModel

Result = Literal["success", "failure"]
PartyRole = Literal["applicant", "respondent", "third_party"]

_EXAMPLE = {
    "parties": [
        {"name": "王建国", "role": "applicant"},
        {"name": "刘海", "role": "respondent"},
    ],
    "mediator": "陈静",
    "result": "success",
    "agreement": "物业公司同意于 3 月 10 日前完成 3 号楼屋顶防水维修，费用由物业维修资金列支；王建国撤回投诉。",
    "notes": "刘海为物业公司项目经理，代表物业公司参加调解",
}


class PartyIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=64, description="当事人姓名或单位名称（加密存储，响应中脱敏）")
    role: PartyRole = Field(description="applicant 申请方、respondent 被申请方、third_party 第三方")


class MediationCreate(RequestModel):
    """当场调解的记录：当事人、调解员、结果与协议内容。"""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [_EXAMPLE]})

    parties: list[PartyIn] = Field(min_length=2, max_length=10, description="当事人，2–10 方")
    mediator: str = Field(min_length=1, max_length=64, description="调解员")
    result: Result = Field(description="success 调解成功、failure 调解不成")
    agreement: str | None = Field(
        default=None, min_length=10, max_length=5000, validate_default=True,
        description="调解协议内容（调解成功时必填，10–5000 字；调解不成时不填）",
    )  # fmt: skip
    notes: str = Field(default="", max_length=2000, description="调解经过或未达成协议的原因")

    @field_validator("agreement", mode="after")
    @classmethod
    def _agreement_on_success(cls, value: str | None, info: ValidationInfo) -> str | None:
        result = info.data.get("result")
        if result == "success" and value is None:
            raise PydanticCustomError("agreement_required", "调解成功须填写协议内容")
        if result == "failure" and value is not None:
            raise PydanticCustomError("agreement_not_allowed", "调解不成时不应填写协议内容")
        return value


class PartyRead(BaseModel):
    name: str = Field(description="脱敏后的姓名，如 王**")
    role: PartyRole


class MediationRead(BaseModel):
    id: UUID
    petition_id: UUID
    parties: list[PartyRead]
    mediator: str
    result: Result
    has_agreement: bool = Field(description="是否记录了调解协议（协议内容加密存储，经授权说明理由后查看，留痕审计）")
    notes: str
    recorded_by: str
    created_at: datetime
    petition_status: str = Field(description="信访件当前的状态（调解成功后为 resolved_on_spot）")


RevealField = Literal["agreement", "parties"]


class MediationRevealRequest(RequestModel):
    """查看调解协议内容或当事人明文姓名：须说明理由，留痕审计。"""

    model_config = reveal_config({"fields": ["agreement"], "reason": "核查调解协议履行情况，经科长批准"})

    fields: list[RevealField] = Field(min_length=1, max_length=2, description="要查看的内容")
    reason: RevealReason


class RevealedMediation(BaseModel):
    id: UUID
    agreement: str | None = Field(default=None, description="调解协议内容（未请求或未记录时为空）")
    parties: list[PartyIn] | None = Field(default=None, description="当事人明文姓名（未请求时为空）")
