"""Request and response bodies of the webhook API (never the ORM models)."""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.http.models import RequestModel

OWNER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
DeliveryStatus = Literal["pending", "delivered", "failed"]

_CREATE_EXAMPLE = {
    "owner": "D-HOUSING",
    "url": "http://127.0.0.1:9000/webhooks/xinfang",
    "event_types": ["xinfang.case.assigned.v1", "xinfang.case.supervised.v1"],
    "description": "区住建局工单系统",
}


class SubscriptionCreate(RequestModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_CREATE_EXAMPLE]})

    owner: str | None = Field(
        default=None,
        pattern=OWNER_PATTERN,
        description="订阅单位代码（部门或合作机构）；合作机构可省略，取令牌中的单位",
    )
    url: str = Field(min_length=1, max_length=2048, description="接收地址，须为 HTTPS；内网地址须在白名单内")
    event_types: list[str] = Field(
        min_length=1, max_length=64, description="订阅的事件类型，见 GET /webhooks/event-types"
    )
    description: str = Field(default="", max_length=200, description="备注")


class SubscriptionUpdate(RequestModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"enabled": True, "event_types": ["xinfang.case.assigned.v1"]}]}
    )

    url: str | None = Field(default=None, min_length=1, max_length=2048, description="新的接收地址")
    event_types: list[str] | None = Field(default=None, min_length=1, max_length=64)
    description: str | None = Field(default=None, max_length=200)
    enabled: bool | None = Field(default=None, description="启用或停用；停用后待投递记录暂停，启用后继续")


class SubscriptionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    owner: str
    url: str
    description: str
    event_types: list[str]
    enabled: bool
    disabled_reason: str | None = Field(description="停用原因：gone（对方返回 410）、attempts_exhausted、manual")
    disabled_at: datetime | None
    previous_secret_expires_at: datetime | None = Field(description="轮换后旧密钥继续签名至此时间")
    created_at: datetime
    updated_at: datetime


class SubscriptionCreated(SubscriptionRead):
    secret: str = Field(description="签名密钥（whsec_…），只在创建时显示一次，请妥善保存")


class SecretRotated(BaseModel):
    id: UUID
    secret: str = Field(description="新的签名密钥，只显示一次")
    previous_secret_expires_at: datetime | None = Field(description="此前的密钥并行签名至此时间")


class EventTypes(BaseModel):
    items: list[str]


class DeliveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID = Field(description="投递 ID，即每次请求的 webhook-id（重试不变）")
    subscription_id: UUID
    source_event_id: str
    event_type: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None


class AttemptRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    delivery_id: UUID
    attempt_no: int
    started_at: datetime
    duration_ms: int
    status_code: int | None
    error: str | None
    outcome: str = Field(description="delivered、retry_scheduled、endpoint_gone、attempts_exhausted")
    next_attempt_at: datetime | None


class DeliveryDetail(DeliveryRead):
    payload: dict[str, Any] = Field(description="发送的载荷（仅含 ID、类型、时间与链接）")
    attempt_log: list[AttemptRead]
