from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from services import pii
from services.http.models import RequestModel

SpecialNeed = Literal["elderly", "minor", "disabled", "seriously_ill", "emotional_distress", "interpreter"]
RevealField = Literal["id_number", "phone", "email"]
_EMAIL = r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,63}$"


class PetitionerIn(RequestModel):
    """信访人。身份证号与手机号加密存储，响应中一律脱敏。"""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=64, description="信访人姓名")
    id_number: str | None = Field(
        default=None,
        max_length=18,
        description="居民身份证号码（18 位，校验位按 GB 11643）；来访、预约、上门与网上信访必填，来信、来电、传真可缺",
    )
    phone: str = Field(max_length=20, description="联系电话：11 位手机号或带区号的固定电话")
    email: str | None = Field(default=None, max_length=254, pattern=_EMAIL, description="电子邮箱（可选）")
    address: str | None = Field(default=None, max_length=200, description="住址")
    special_needs: list[SpecialNeed] = Field(
        default_factory=list,
        max_length=6,
        description="特殊需求：elderly 老年人、minor 未成年人、disabled 残疾人、seriously_ill 重病、"
        "emotional_distress 情绪激动需疏导、interpreter 需要翻译",
    )

    @field_validator("id_number", mode="after")
    @classmethod
    def _valid_id_number(cls, value: str | None) -> str | None:
        if value is None:
            return None
        problem = pii.id_number_problem(value)
        if problem:
            raise PydanticCustomError("id_number_invalid", problem)
        return pii.normalise_id_number(value)

    @field_validator("phone", mode="after")
    @classmethod
    def _valid_phone(cls, value: str) -> str:
        problem = pii.phone_problem(value)
        if problem:
            raise PydanticCustomError("phone_invalid", problem)
        return pii.normalise_phone(value)

    @field_validator("special_needs", mode="after")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        return sorted(set(value))


class PetitionerRead(BaseModel):
    """信访人（脱敏）。"""

    id: UUID
    name: str
    id_number: str | None = Field(description="脱敏身份证号，如 320502********1234")
    phone: str = Field(description="脱敏手机号，如 139****0001")
    has_email: bool
    address: str | None
    special_needs: list[SpecialNeed]
    created_at: datetime


RevealReason = Annotated[str, Field(min_length=4, max_length=500, description="查看理由（写入审计记录）")]


def reveal_config(example: dict) -> ConfigDict:
    """The configuration of a request to reveal plain personal data (fields and a reason), with its example."""
    return ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [example]})


class RevealRequest(RequestModel):
    """查看明文身份证号或手机号：须说明理由，留痕审计。"""

    model_config = reveal_config({"fields": ["phone"], "reason": "办理人员需电话回访信访人，经科长批准"})

    fields: list[RevealField] = Field(min_length=1, max_length=3, description="要查看的字段")
    reason: RevealReason


class RevealedPetitioner(BaseModel):
    id: UUID
    id_number: str | None = None
    phone: str | None = None
    email: str | None = None
