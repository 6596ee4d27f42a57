from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class NotificationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    petition_id: UUID | None
    recipient_masked: str = Field(description="脱敏后的接收方（如 138****5678）")
    channel: Literal["sms", "email", "inbox"]
    template: str = Field(description="模板代码，如 petition.received")
    body: str = Field(description="通知正文（中文）")
    status: Literal["recorded", "sent", "failed"] = Field(description="recorded：已记录待发送")
    created_at: datetime
