from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from intake_api.guide.content import FIRST_GUIDE
from services.http.models import RequestModel

_PUBLISH_EXAMPLE = {
    "based_on": 1,
    "title": "信访指南",
    "note": "补充网上信访平台地址和接待时间",
    "sections": [
        {**section, "paragraphs": [*section["paragraphs"], "接待时间：工作日上午 9:00—12:00，下午 13:30—17:00。"]}
        if section["key"] == "channels"
        else section
        for section in FIRST_GUIDE["sections"]
    ],
}


class GuideSection(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$", description="章节标识，如 channels、time_limits、review")
    title: str = Field(min_length=1, max_length=50, description="章节标题")
    paragraphs: list[str] = Field(min_length=1, max_length=30, description="段落，每段不超过 1000 字")

    @field_validator("paragraphs", mode="after")
    @classmethod
    def _paragraph_lengths(cls, value: list[str]) -> list[str]:
        if any(not 1 <= len(text) <= 1000 for text in value):
            raise PydanticCustomError("paragraph_length", "每段应为 1–1000 字")
        return value


class GuidePublish(RequestModel):
    """发布信访指南的新版本（在 based_on 版本的基础上修改）。"""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [_PUBLISH_EXAMPLE]}
    )

    based_on: int = Field(ge=1, description="据以修改的版本号；不是最新版本时返回 409，避免覆盖他人的修改")
    title: str = Field(min_length=1, max_length=100, description="标题")
    note: str = Field(default="", max_length=500, description="本版修订说明")
    sections: list[GuideSection] = Field(min_length=1, max_length=20, description="章节")

    @field_validator("sections", mode="after")
    @classmethod
    def _unique_keys(cls, value: list[GuideSection]) -> list[GuideSection]:
        keys = [section.key for section in value]
        if len(keys) != len(set(keys)):
            raise PydanticCustomError("duplicate_section_key", "章节标识不能重复")
        return value


class GuideRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int = Field(description="版本号")
    title: str
    note: str = Field(description="本版修订说明")
    sections: list[GuideSection]
    published_at: datetime


class GuideVersionSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    title: str
    note: str
    published_at: datetime
