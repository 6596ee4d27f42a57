from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

NotificationStatus = Literal["pending", "sending", "sent", "failed", "cancelled"]
ChannelName = Literal["sms", "email", "inbox"]


class NotificationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    source_event_id: str = Field(description="引发通知的事件 ID")
    source_event_type: str
    petition_id: UUID | None
    recipient_kind: Literal["petitioner", "appointment_holder", "handler", "supervisor", "grid_team"]
    recipient_masked: str = Field(description="脱敏后的接收方（如 138****5678）")
    channel: ChannelName
    template_key: str = Field(description="模板代码，如 petition.receipt")
    template_version: int = Field(description="所用模板版本")
    title: str
    body: str = Field(description="通知正文（中文）")
    urgent: bool = Field(description="紧急通知不受夜间免打扰限制")
    status: NotificationStatus = Field(
        description="pending 待发送；sending 发送中；sent 已发送；failed 多次失败（可人工重试）；cancelled 已取消"
    )
    attempts: int
    not_before: datetime = Field(description="最早发送时间（预约前一天、夜间免打扰顺延）")
    next_attempt_at: datetime
    last_error: str | None
    sent_at: datetime | None
    created_at: datetime


class InboxItem(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    source_event_type: str
    petition_id: UUID | None
    title: str
    body: str
    urgent: bool
    sent_at: datetime | None
    read_at: datetime | None = Field(description="已读时间；为空表示未读")
