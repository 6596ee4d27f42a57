from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field

from services.http.models import RequestModel

TEMPLATE_KEY_PATTERN = r"^[a-z][a-z0-9_.]{1,63}$"
TemplateKey = Annotated[
    str, Path(pattern=TEMPLATE_KEY_PATTERN, max_length=64, description="模板代码，如 case.extended")
]


class TemplateVersionCreate(RequestModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "event_type": "xinfang.case.extended.v1",
                    "title": "信访事项办理期限延长告知",
                    "body": "您的信访事项（编号 {{ tracking_no }}）办理期限延长 {{ days }} 日至 {{ due_at_text }}，"
                    "延期理由：{{ reason }}。",
                }
            ]
        },
    )

    event_type: str = Field(min_length=1, max_length=80, description="模板所属事件类型，决定可用变量")
    title: str = Field(min_length=1, max_length=200, description="标题（邮件主题、站内信标题），Jinja2 模板")
    body: str = Field(min_length=1, max_length=2000, description="正文，Jinja2 模板（沙箱，未定义变量报错）")


class TemplateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    key: str
    version: int = Field(description="版本号：每次保存加一")
    event_type: str
    title: str
    body: str
    created_by: str
    created_at: datetime


class EventTypeRead(BaseModel):
    event_type: str
    summary: str = Field(description="事件说明")
    variables: list[str] = Field(description="该事件类型的模板可用变量")
