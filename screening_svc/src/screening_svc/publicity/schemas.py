from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, UrlConstraints

from services.http.models import RequestModel

EventKind = Literal["law_in_community", "story_sharing", "notice_board", "other"]
ContentKind = Literal["video", "case_explanation", "article"]

_EVENT = {
    "community_code": "320599001001",
    "kind": "law_in_community",
    "title": "《信访工作条例》进社区",
    "place": "柳岸社区文化广场",
    "held_on": "2026-11-21",
    "audience": 120,
    "notes": "邀请信访干部与律师现场讲解信访渠道与办理时限",
}
_CONTENT = {
    "kind": "video",
    "title": "信访小课堂：信访事项多久办结？",
    "summary": "用三分钟讲清受理、办理、复查、复核的时限。",
    "url": "https://www.example.gov.cn/xinfang/ketang/01",
}


class PublicityEventCreate(RequestModel):
    """登记一次信访法治宣传活动（信访法治进社区、信访故事分享会、宣传栏等）。"""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [_EVENT]})

    community_code: str = Field(pattern=r"^\d{12}$", description="活动所在社区")
    kind: EventKind = Field(
        description="law_in_community 信访法治进社区、story_sharing 信访故事分享会、notice_board 宣传栏、other 其他"
    )
    title: str = Field(min_length=2, max_length=200)
    place: str = Field(min_length=2, max_length=200, description="地点（社区广场、政务服务中心、医院、学校等）")
    held_on: date = Field(description="活动日期（不得晚于今天）")
    audience: int = Field(ge=0, le=1_000_000, description="受众人数")
    notes: str = Field(default="", max_length=5000)


class PublicityEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    community_code: str
    kind: EventKind
    title: str
    place: str
    held_on: date
    audience: int
    notes: str
    recorded_by: str
    created_at: datetime


class PublicityContentCreate(RequestModel):
    """发布一条宣传内容：信访小课堂短视频、案例解析或图文。"""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [_CONTENT]})

    kind: ContentKind = Field(description="video 信访小课堂短视频、case_explanation 案例解析、article 图文")
    title: str = Field(min_length=2, max_length=200)
    summary: str = Field(default="", max_length=2000)
    url: Annotated[AnyHttpUrl, UrlConstraints(max_length=500)] = Field(description="内容地址（公众号、视频号等）")
    published_at: datetime | None = Field(default=None, description="发布时间（默认当前；未来时间即定时发布）")


class PublicityContentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    kind: ContentKind
    title: str
    summary: str
    url: str
    published_at: datetime
