from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class RecordedSmsRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    notification_id: UUID
    phone_masked: str = Field(description="脱敏手机号")
    text: str = Field(description="短信全文（含签名）")
    recorded_at: datetime
