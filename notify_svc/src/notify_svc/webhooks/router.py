"""HTTP edge of webhooks: subscriptions of departments and partner agencies, their delivery logs, redelivery."""

import json
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from notify_svc.webhooks import rules, service
from notify_svc.webhooks.schemas import (
    AttemptRead,
    DeliveryDetail,
    DeliveryRead,
    DeliveryStatus,
    EventTypes,
    SecretRotated,
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionRead,
    SubscriptionUpdate,
)
from services.http.auth import Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, problem_responses
from services.http.idempotency import IdempotencyKey, idempotent_create
from services.http.pagination import Cursor, Limit, Page, cursor_uuid, page_of

router = APIRouter(prefix="/webhooks", tags=["Webhook"], responses=PROBLEM_RESPONSES)

Manager = Annotated[Principal, require_roles(*rules.MANAGER_ROLES)]
SUBSCRIPTION = "/subscriptions/{subscription_id}"


@router.get(
    "/event-types", response_model=EventTypes, operation_id="list_webhook_event_types", summary="可订阅的事件类型"
)
async def list_event_types(_: Manager) -> EventTypes:
    """可以订阅的全部事件类型（受理、案件、网格排查等事件）。"""
    return EventTypes(items=list(rules.SUBSCRIBABLE_EVENT_TYPES))


@router.post(
    "/subscriptions",
    response_model=SubscriptionCreated,
    status_code=201,
    operation_id="create_webhook_subscription",
    summary="创建 Webhook 订阅",
    responses=problem_responses(415),
)
async def create_subscription(
    request: Request, session: SessionDep, principal: Manager, body: SubscriptionCreate,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:  # fmt: skip
    """为部门或合作机构登记接收地址与事件类型，返回签名密钥（whsec_…，仅此一次显示，库中加密保存）。
    地址须为 HTTPS；内网与回环地址须在白名单内，链路本地与云元数据地址一律拒绝（422，指向 /url）。
    合作机构只能为本单位（令牌中的单位代码）创建。同一幂等键的重试返回同一订阅及其当前密钥。"""
    settings, secrets = request.app.state.runtime.settings, {}

    async def create() -> dict:
        subscription, secrets["new"] = await service.create_subscription(
            session=session, principal=principal, body=body, settings=settings
        )
        return SubscriptionRead.model_validate(subscription).model_dump(mode="json")

    response = await idempotent_create(
        session, key=idempotency_key, principal=principal.sub, create=create,
        request=request,
        body=body,
    )  # fmt: skip
    stored = json.loads(response.body)
    secret = secrets.get("new") or await service.current_secret(
        session=session, subscription_id=UUID(stored["id"]), settings=settings
    )  # the secret is never stored with the idempotency key: a replay reads it from the subscription
    return JSONResponse(stored | {"secret": secret}, status_code=response.status_code, headers=_replayed(response))


def _replayed(response: JSONResponse) -> dict[str, str]:
    return {"Idempotency-Replayed": "true"} if response.headers.get("idempotency-replayed") else {}


@router.get(
    "/subscriptions",
    response_model=Page[SubscriptionRead],
    operation_id="list_webhook_subscriptions",
    summary="Webhook 订阅列表",
)
async def list_subscriptions(
    session: SessionDep,
    principal: Manager,
    owner: Annotated[str | None, Query(max_length=64, description="单位代码（管理员可筛选）")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[SubscriptionRead]:
    """管理员看全部订阅；合作机构只看本单位的订阅。不含密钥。"""
    rows = await service.list_subscriptions(
        session=session, principal=principal, owner=owner, after=cursor_uuid(cursor), limit=limit + 1
    )
    return page_of([SubscriptionRead.model_validate(row) for row in rows], limit=limit)


@router.get(
    SUBSCRIPTION,
    response_model=SubscriptionRead,
    operation_id="get_webhook_subscription",
    summary="查看 Webhook 订阅",
    responses=problem_responses(404),
)
async def get_subscription(subscription_id: UUID, session: SessionDep, principal: Manager) -> SubscriptionRead:
    """一条订阅（不含密钥）。其他单位的订阅与不存在的一样返回 404。"""
    subscription = await service.get_subscription(session=session, principal=principal, subscription_id=subscription_id)
    return SubscriptionRead.model_validate(subscription)


@router.patch(
    SUBSCRIPTION,
    response_model=SubscriptionRead,
    operation_id="update_webhook_subscription",
    summary="修改 Webhook 订阅",
    responses=problem_responses(404, 415),
)
async def update_subscription(
    subscription_id: UUID, request: Request, session: SessionDep, principal: Manager, body: SubscriptionUpdate
) -> SubscriptionRead:
    """修改地址（重新校验）、事件类型、备注，或启用、停用。停用期间待投递记录暂停，重新启用后继续投递。"""
    subscription = await service.update_subscription(
        session=session, principal=principal, subscription_id=subscription_id, body=body,
        settings=request.app.state.runtime.settings,
    )  # fmt: skip
    return SubscriptionRead.model_validate(subscription)


@router.post(
    SUBSCRIPTION + "/rotate",
    response_model=SecretRotated,
    operation_id="rotate_webhook_secret",
    summary="轮换签名密钥",
    responses=problem_responses(404),
)
async def rotate_secret(
    subscription_id: UUID, request: Request, session: SessionDep, principal: Manager
) -> SecretRotated:
    """生成新的签名密钥（仅此一次显示）。在重叠期内（默认 24 小时）每次投递同时带新旧两个签名，接收方可从容切换。"""
    subscription, secret = await service.rotate_secret(
        session=session, principal=principal, subscription_id=subscription_id,
        settings=request.app.state.runtime.settings,
    )  # fmt: skip
    return SecretRotated(
        id=subscription.id, secret=secret, previous_secret_expires_at=subscription.previous_secret_expires_at
    )


@router.get(
    SUBSCRIPTION + "/deliveries",
    response_model=Page[DeliveryRead],
    operation_id="list_webhook_deliveries",
    summary="投递记录",
    responses=problem_responses(404),
)
async def list_deliveries(
    subscription_id: UUID,
    session: SessionDep,
    principal: Manager,
    status: Annotated[DeliveryStatus | None, Query(description="按状态筛选")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[DeliveryRead]:
    """该订阅的投递记录，最新在前：状态、尝试次数、下次尝试时间、最后的状态码与错误。"""
    rows = await service.list_deliveries(
        session=session, principal=principal, subscription_id=subscription_id, status=status,
        after=cursor_uuid(cursor), limit=limit + 1,
    )  # fmt: skip
    return page_of([DeliveryRead.model_validate(row) for row in rows], limit=limit)


@router.get(
    SUBSCRIPTION + "/attempts",
    response_model=Page[AttemptRead],
    operation_id="list_webhook_attempts",
    summary="投递尝试日志",
    responses=problem_responses(404),
)
async def list_attempts(
    subscription_id: UUID, session: SessionDep, principal: Manager, limit: Limit = 20, cursor: Cursor = None
) -> Page[AttemptRead]:
    """该订阅的每一次投递尝试，最新在前：状态码、耗时（毫秒）、错误与结果。"""
    rows = await service.list_attempts(
        session=session, principal=principal, subscription_id=subscription_id, after=cursor_uuid(cursor),
        limit=limit + 1,
    )  # fmt: skip
    return page_of([AttemptRead.model_validate(row) for row in rows], limit=limit)


@router.get(
    SUBSCRIPTION + "/deliveries/{delivery_id}",
    response_model=DeliveryDetail,
    operation_id="get_webhook_delivery",
    summary="查看一次投递",
    responses=problem_responses(404),
)
async def get_delivery(
    subscription_id: UUID, delivery_id: UUID, session: SessionDep, principal: Manager
) -> DeliveryDetail:
    """一次投递的载荷与全部尝试。未知投递返回 404。"""
    delivery, attempts = await service.get_delivery(
        session=session, principal=principal, subscription_id=subscription_id, delivery_id=delivery_id
    )
    return _detail(delivery, attempts)


@router.post(
    SUBSCRIPTION + "/deliveries/{delivery_id}/redeliver",
    response_model=DeliveryRead,
    status_code=202,
    operation_id="redeliver_webhook",
    summary="重新投递",
    responses=problem_responses(404, 409),
)
async def redeliver(subscription_id: UUID, delivery_id: UUID, session: SessionDep, principal: Manager) -> DeliveryRead:
    """立即重新投递（webhook-id 不变，接收方据此去重）；已结束的投递按新的重试计划重新开始。
    未知投递返回 404；订阅已停用返回 409。"""
    delivery = await service.redeliver(
        session=session, principal=principal, subscription_id=subscription_id, delivery_id=delivery_id
    )
    return DeliveryRead.model_validate(delivery)


def _detail(delivery, attempts) -> DeliveryDetail:
    read = DeliveryRead.model_validate(delivery).model_dump()
    log = [AttemptRead.model_validate(attempt) for attempt in attempts]
    return DeliveryDetail(**read, payload=json.loads(delivery.payload), attempt_log=log)
