from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class AttachmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    petition_id: UUID
    name: str = Field(description="文件名")
    content_type: str = Field(description="按文件内容识别的类型")
    size: int = Field(description="字节数")
    sha256: str = Field(description="SHA-256 摘要（十六进制）")
    created_at: datetime
