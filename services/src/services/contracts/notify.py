"""Events produced by notify_svc."""

from datetime import datetime
from typing import ClassVar, Literal
from uuid import UUID

from services.contracts.envelope import CloudEvent, EventData


class NotificationRecordedData(EventData):
    notification_id: UUID
    petition_id: UUID | None
    channel: Literal["sms", "email", "inbox"]
    template: str
    recorded_at: datetime


class NotificationRecorded(CloudEvent):
    event_type: ClassVar[str] = "xinfang.notification.recorded.v1"
    producer: ClassVar[str] = "notify"
    summary: ClassVar[str] = "通知已记录，等待发送"
    type: Literal["xinfang.notification.recorded.v1"] = "xinfang.notification.recorded.v1"
    data: NotificationRecordedData
