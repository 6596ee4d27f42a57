from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from services.http.models import RequestModel

EntryStatus = Literal["active", "retired"]
MAX_KEYWORDS = 20

_EXAMPLE = {
    "category_code": "0502",
    "question": "被拖欠工资应当向哪里投诉？",
    "answer": "用人单位拖欠工资的，可以向用工所在地的区人力资源和社会保障局劳动保障监察机构投诉，"
    "或拨打 12333 咨询；也可以向劳动人事争议仲裁委员会申请仲裁。建筑工地农民工工资可同时向项目所在街道反映。",
    "legal_basis": "《保障农民工工资支付条例》第五十条；《劳动保障监察条例》第九条",
    "keywords": ["拖欠工资", "欠薪", "农民工工资"],
}


class _EntryFields(RequestModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [_EXAMPLE]})

    category_code: str | None = Field(default=None, pattern=r"^\d{2}(\d{2})?$", description="所属分类代码（可选）")
    question: str = Field(min_length=4, max_length=200, description="问题（4–200 字）")
    answer: str = Field(min_length=10, max_length=5000, description="答复口径（10–5000 字）")
    legal_basis: str = Field(default="", max_length=500, description="政策法规依据")
    keywords: list[str] = Field(
        default_factory=list, description="检索关键词，最多 20 个，每个 1–20 字", json_schema_extra={"maxItems": 20}
    )

    @field_validator("keywords", mode="after")
    @classmethod
    def _keywords(cls, value: list[str]) -> list[str]:
        value = [keyword.strip() for keyword in value]
        if len(value) > MAX_KEYWORDS:
            raise PydanticCustomError("too_many_keywords", "关键词最多 20 个")
        if any(not 1 <= len(keyword) <= 20 for keyword in value):
            raise PydanticCustomError("keyword_length", "每个关键词应为 1–20 字")
        return list(dict.fromkeys(value))


class KnowledgeEntryCreate(_EntryFields):
    """新建知识库条目（第 1 版）。"""


class KnowledgeEntryUpdate(_EntryFields):
    """修改知识库条目：保存为新的一版（完整内容），旧版保留。"""


class KnowledgeVersionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    question: str
    answer: str
    legal_basis: str
    keywords: list[str]
    created_by: str
    created_at: datetime


class KnowledgeEntryRead(BaseModel):
    id: UUID
    category_code: str | None
    status: EntryStatus = Field(description="active 使用中、retired 已停用")
    current_version: int = Field(description="当前版本号（ETag 即此版本号）")
    created_at: datetime
    updated_at: datetime
    retired_at: datetime | None
    retired_reason: str | None = Field(description="停用原因")
    answer: KnowledgeVersionRead = Field(description="所请求的版本（默认当前版本）")


class KnowledgeHit(KnowledgeEntryRead):
    matched_terms: int = Field(description="命中的检索词数")
    score: int = Field(description="命中词的权重之和（问题与关键词 3、答复 1）")


class KnowledgeSearchResult(BaseModel):
    terms: list[str] = Field(description="从查询语句中切分出的检索词")
    items: list[KnowledgeHit]


class RetirementRequest(RequestModel):
    """停用知识库条目。"""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [{"reason": "政策已调整，口径作废"}]}
    )

    reason: str = Field(min_length=2, max_length=200, description="停用原因")
