from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from services.http.models import RequestModel

_FREE = {"answer": "您反映的物业维修资金使用问题，应先由业主大会或相关业主表决同意，再由物业服务企业提出使用方案。"}


class KnowledgeReference(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entry_id: UUID = Field(description="知识库条目 ID")
    version: int = Field(ge=1, le=1_000_000, description="答复所依据的版本号")


class ConsultationCreate(RequestModel):
    """当场答复咨询：引用知识库条目的某一版本，或直接填写答复内容（二者选一）。"""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [_FREE]})

    knowledge: KnowledgeReference | None = Field(default=None, description="引用的知识库答案（条目 ID 与版本）")
    answer: str | None = Field(
        default=None, min_length=10, max_length=5000, validate_default=True, description="自由答复（10–5000 字）"
    )

    @field_validator("answer", mode="after")
    @classmethod
    def _one_source(cls, value: str | None, info: ValidationInfo) -> str | None:
        if "knowledge" not in info.data:
            return value  # knowledge itself is invalid and already reported
        if (info.data["knowledge"] is None) == (value is None):
            raise PydanticCustomError("one_answer_source", "knowledge 与 answer 须且只能填写一项")
        return value


class ConsultationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    petition_id: UUID
    entry_id: UUID | None = Field(description="所引用的知识库条目；自由答复为空")
    entry_version: int | None
    answer: str = Field(description="答复的内容（引用时为该版本的答复口径）")
    answered_by: str
    created_at: datetime
