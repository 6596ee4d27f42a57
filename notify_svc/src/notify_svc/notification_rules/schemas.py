from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from notify_svc.notifications.rules import recipient_kinds
from notify_svc.templates.rules import EVENT_TYPES
from services.http.models import RequestModel

RecipientKind = Literal["petitioner", "appointment_holder", "handler", "supervisor", "grid_team"]
ChannelName = Literal["sms", "email", "inbox"]
Timing = Literal["immediately", "day_before"]
_CHANNELS = Field(min_length=1, max_length=3, description="通道：sms 短信、email 邮件、inbox 站内信")


class RuleCreate(RequestModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "event_type": "xinfang.case.extended.v1",
                    "recipient_kind": "handler",
                    "channels": ["inbox"],
                    "template_key": "case.extended",
                    "urgent": False,
                    "timing": "immediately",
                }
            ]
        },
    )

    event_type: str = Field(max_length=80, description="事件类型")
    recipient_kind: RecipientKind = Field(description="接收人：信访人、预约人、承办人、督办人员、网格团队")
    channels: list[ChannelName] = _CHANNELS
    template_key: str = Field(max_length=64, description="模板代码（须属于同一事件类型）")
    urgent: bool = Field(default=False, description="紧急：短信不受夜间免打扰限制")
    timing: Timing = Field(default="immediately", description="immediately 立即；day_before 预约开始前一天")

    @field_validator("event_type")
    @classmethod
    def _known_event(cls, value: str) -> str:
        if value not in EVENT_TYPES:
            raise ValueError("通知服务不处理该事件类型")
        return value

    @model_validator(mode="after")
    def _reachable(self) -> "RuleCreate":
        if self.recipient_kind not in recipient_kinds(self.event_type):
            raise ValueError(f"该事件类型无法通知 {self.recipient_kind}")
        return self


class RuleUpdate(RequestModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"channels": ["sms"], "urgent": False, "enabled": True}]}
    )

    # Absent means unchanged; none of these can be cleared (null is refused).
    channels: list[ChannelName] = Field(default=None, min_length=1, max_length=3)  # type: ignore[assignment]
    template_key: str = Field(default=None, max_length=64)  # type: ignore[assignment]
    urgent: bool = Field(default=None)  # type: ignore[assignment]
    timing: Timing = Field(default=None)  # type: ignore[assignment]
    enabled: bool = Field(default=None, description="停用后该规则不再产生通知")  # type: ignore[assignment]


class RuleRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    event_type: str
    recipient_kind: RecipientKind
    channels: list[ChannelName] = Field(validation_alias="channel_list")
    template_key: str
    urgent: bool
    timing: Timing
    enabled: bool
    updated_at: datetime
