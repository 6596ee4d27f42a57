"""Events produced by notify_svc: what was sent to whom (by kind, never by address) and webhook outcomes."""

from datetime import datetime
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from services.contracts.envelope import CloudEvent, EventData

NotifyChannel = Literal["sms", "email", "inbox"]
RecipientKind = Literal["petitioner", "handler", "supervisor", "grid_team", "appointment_holder", "owner"]


class NotificationData(EventData):
    notification_id: UUID
    source_event_id: str = Field(description="引发通知的事件 ID")
    source_event_type: str
    channel: NotifyChannel
    recipient_kind: RecipientKind
    template_key: str
    attempts: int = Field(ge=1)
    occurred_at: datetime


_NOTIFICATION = {
    "notification_id": "019cac60-0000-7000-8000-000000000001",
    "source_event_id": "019cac2b-a3b3-7e8e-8dbd-9d7381e74ef5",
    "source_event_type": "xinfang.petition.registered.v1",
    "channel": "sms",
    "recipient_kind": "petitioner",
    "template_key": "petition.receipt",
    "attempts": 1,
    "occurred_at": "2026-03-02T09:31:12+08:00",
}


class NotificationSent(CloudEvent):
    event_type: ClassVar[str] = "xinfang.notification.sent.v1"
    producer: ClassVar[str] = "notify"
    summary: ClassVar[str] = "通知已发送"
    type: Literal["xinfang.notification.sent.v1"] = "xinfang.notification.sent.v1"
    data: NotificationData
    example: ClassVar[dict] = _NOTIFICATION


class NotificationFailedData(NotificationData):
    error: str = Field(description="最后一次失败的原因（不含联系方式）")


class NotificationFailed(CloudEvent):
    event_type: ClassVar[str] = "xinfang.notification.failed.v1"
    producer: ClassVar[str] = "notify"
    summary: ClassVar[str] = "通知多次发送失败"
    type: Literal["xinfang.notification.failed.v1"] = "xinfang.notification.failed.v1"
    data: NotificationFailedData
    example: ClassVar[dict] = _NOTIFICATION | {"attempts": 6, "error": "短信网关返回 503"}


class WebhookDeliveryData(EventData):
    delivery_id: UUID
    subscription_id: UUID
    owner: str = Field(description="订阅方（部门或合作机构）代码")
    source_event_id: str
    source_event_type: str
    attempts: int = Field(ge=1)
    status_code: int | None = Field(default=None, description="对方最后一次响应的 HTTP 状态码")
    occurred_at: datetime


_DELIVERY = {
    "delivery_id": "019cac61-0000-7000-8000-000000000001",
    "subscription_id": "019cac61-0000-7000-8000-0000000000a1",
    "owner": "D-HOUSING",
    "source_event_id": "019cac2b-ab8f-73d9-a344-5bb31738f7d9",
    "source_event_type": "xinfang.case.assigned.v1",
    "attempts": 1,
    "status_code": 204,
    "occurred_at": "2026-03-02T09:31:10+08:00",
}


class WebhookDelivered(CloudEvent):
    event_type: ClassVar[str] = "xinfang.webhook.delivered.v1"
    producer: ClassVar[str] = "notify"
    summary: ClassVar[str] = "Webhook 已送达"
    type: Literal["xinfang.webhook.delivered.v1"] = "xinfang.webhook.delivered.v1"
    data: WebhookDeliveryData
    example: ClassVar[dict] = _DELIVERY


class WebhookFailedData(WebhookDeliveryData):
    error: str
    final: bool = Field(description="为真时不再重试")
    next_attempt_at: datetime | None = None


class WebhookFailed(CloudEvent):
    event_type: ClassVar[str] = "xinfang.webhook.failed.v1"
    producer: ClassVar[str] = "notify"
    summary: ClassVar[str] = "Webhook 投递失败"
    type: Literal["xinfang.webhook.failed.v1"] = "xinfang.webhook.failed.v1"
    data: WebhookFailedData
    example: ClassVar[dict] = _DELIVERY | {
        "attempts": 10,
        "status_code": 503,
        "error": "HTTP 503",
        "final": True,
        "next_attempt_at": None,
    }


class WebhookDisabledData(EventData):
    subscription_id: UUID
    owner: str
    reason: Literal["gone", "attempts_exhausted", "manual"] = Field(description="对方返回 410、重试用尽或人工停用")
    occurred_at: datetime


class WebhookDisabled(CloudEvent):
    event_type: ClassVar[str] = "xinfang.webhook.disabled.v1"
    producer: ClassVar[str] = "notify"
    summary: ClassVar[str] = "Webhook 订阅已停用"
    type: Literal["xinfang.webhook.disabled.v1"] = "xinfang.webhook.disabled.v1"
    data: WebhookDisabledData
    example: ClassVar[dict] = {
        "subscription_id": _DELIVERY["subscription_id"],
        "owner": "D-HOUSING",
        "reason": "attempts_exhausted",
        "occurred_at": "2026-03-05T09:40:00+08:00",
    }


EVENTS: tuple[type[CloudEvent], ...] = (
    NotificationSent,
    NotificationFailed,
    WebhookDelivered,
    WebhookFailed,
    WebhookDisabled,
)
