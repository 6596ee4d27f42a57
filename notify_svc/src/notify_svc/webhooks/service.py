"""Use cases of webhook subscriptions: create, read, change, rotate the secret, and fan events out to deliveries.

Service code flushes, never commits: the API edge or the consumer's inbox transaction commits.
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Protocol
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.config import NotifySettings
from notify_svc.notifications.service import notify_owner
from notify_svc.webhooks import repository, rules, signing
from notify_svc.webhooks.addresses import Resolver, check_url
from notify_svc.webhooks.exceptions import (
    DeliveryNotFound,
    EventTypesInvalid,
    OwnerNotAllowed,
    SubscriptionDisabled,
    SubscriptionNotFound,
    UrlRefused,
)
from notify_svc.webhooks.models import Attempt, Delivery, Subscription
from notify_svc.webhooks.schemas import SubscriptionCreate, SubscriptionUpdate
from notify_svc.webhooks.subscribers import subscribers_of
from services.contracts import CloudEvent
from services.contracts.notify import WebhookDisabled, WebhookDisabledData
from services.db import add_event
from services.http.auth import Principal
from services.ids import uuid7
from services.pii import Cipher


def _bind(subscription_id: UUID, column: str) -> str:
    return f"webhook_subscriptions:{subscription_id}:{column}"


def endpoint_secrets(subscription: Subscription, *, key: str) -> tuple[str, str | None]:
    """The current secret of ``subscription`` and the previous one (still signing until its expiry), decrypted."""
    cipher, previous = Cipher(key), subscription.previous_secret
    return (
        cipher.decrypt(subscription.secret, bind=_bind(subscription.id, "secret")),
        None if previous is None else cipher.decrypt(previous, bind=_bind(subscription.id, "previous_secret")),
    )


def _check_event_types(event_types: list[str]) -> None:
    problems = [(i, "event_type_unknown", f"未知的事件类型：{t}") for i, t in rules.unknown_event_types(event_types)]
    problems += [
        (i, "event_type_repeated", f"重复的事件类型：{t}") for i, t in rules.duplicate_event_types(event_types)
    ]
    if problems:
        raise EventTypesInvalid.at(sorted(problems))


async def _check_url(url: str, *, settings: NotifySettings, resolve: Resolver | None) -> None:
    result = await check_url(
        url,
        allowlist=rules.effective_allowlist(environment=settings.environment, configured=settings.webhook_allowlist),
        allow_http_for_allowlisted=rules.http_allowed(
            environment=settings.environment, configured=settings.webhook_allow_http
        ),
        resolve=resolve,
    )
    if not result.ok:
        raise UrlRefused.because(result.code or "url_invalid", result.message or "订阅地址不被允许")


async def create_subscription(
    *,
    session: AsyncSession,
    principal: Principal,
    body: SubscriptionCreate,
    settings: NotifySettings,
    resolve: Resolver | None = None,
) -> tuple[Subscription, str]:
    """A new enabled subscription and its secret in clear (shown once; stored encrypted)."""
    owner = rules.owner_for_new(roles=principal.roles, jurisdiction=principal.jurisdiction, requested=body.owner)
    if owner is None:
        raise OwnerNotAllowed("合作机构只能为本单位创建订阅；管理员须指明 owner")
    _check_event_types(body.event_types)
    await _check_url(body.url, settings=settings, resolve=resolve)
    now, subscription_id, secret = datetime.now(UTC), uuid7(), signing.generate_secret()
    subscription = Subscription(
        id=subscription_id, owner=owner, url=body.url, description=body.description,
        event_types=list(body.event_types), enabled=True, disabled_reason=None, disabled_at=None,
        secret=Cipher(settings.pii_key).encrypt(secret, bind=_bind(subscription_id, "secret")),
        previous_secret=None, previous_secret_expires_at=None, created_by=principal.sub,
        created_at=now, updated_at=now,
    )  # fmt: skip
    repository.add(session, subscription)
    await session.flush()
    return subscription, secret


async def get_subscription(*, session: AsyncSession, principal: Principal, subscription_id: UUID) -> Subscription:
    """Another owner's subscription is as unknown as a missing one (404)."""
    subscription = await repository.get_subscription(session, subscription_id)
    if subscription is None or not rules.may_manage(
        roles=principal.roles, jurisdiction=principal.jurisdiction, owner=subscription.owner
    ):
        raise SubscriptionNotFound()
    return subscription


async def list_subscriptions(
    *, session: AsyncSession, principal: Principal, owner: str | None, after: UUID | None, limit: int
) -> list[Subscription]:
    if not principal.has_any("admin"):
        if principal.jurisdiction is None or owner not in (None, principal.jurisdiction):
            return []
        owner = principal.jurisdiction
    return await repository.list_subscriptions(session, owner=owner, after=after, limit=limit)


async def update_subscription(
    *,
    session: AsyncSession,
    principal: Principal,
    subscription_id: UUID,
    body: SubscriptionUpdate,
    settings: NotifySettings,
    resolve: Resolver | None = None,
) -> Subscription:
    subscription = await get_subscription(session=session, principal=principal, subscription_id=subscription_id)
    if body.event_types is not None:
        _check_event_types(body.event_types)
    if body.url is not None:
        await _check_url(body.url, settings=settings, resolve=resolve)
    now = datetime.now(UTC)
    for name in ("url", "description", "event_types"):
        if (value := getattr(body, name)) is not None:
            setattr(subscription, name, list(value) if name == "event_types" else value)
    await _change_enabled(session, subscription, body.enabled, now=now, settings=settings)
    subscription.updated_at = now
    await session.flush()
    return subscription


async def _change_enabled(
    session: AsyncSession, subscription: Subscription, enabled: bool | None, *, now, settings: NotifySettings
) -> None:
    if enabled is None or enabled == subscription.enabled:
        return
    subscription.enabled = enabled
    subscription.disabled_reason = None if enabled else "manual"
    subscription.disabled_at = None if enabled else now
    if not enabled:
        await announce_disabled(session, subscription, reason="manual", now=now, settings=settings)


class Endpointish(Protocol):
    id: UUID
    owner: str
    url: str
    description: str


def disabled_event(subscription: Endpointish, *, reason: str, now: datetime) -> WebhookDisabled:
    data = WebhookDisabledData(
        subscription_id=subscription.id, owner=subscription.owner, reason=reason, occurred_at=now
    )
    return WebhookDisabled.create(subject=str(subscription.id), data=data)


async def announce_disabled(
    session: AsyncSession, subscription: Endpointish, *, reason: str, now: datetime, settings: NotifySettings
) -> None:
    """Stage ``webhook.disabled`` and tell the owner's staff (inbox and e-mail), in the transaction that disabled it."""
    event = disabled_event(subscription, reason=reason, now=now)
    await add_event(session, event)
    data = {
        "subscription_id": str(subscription.id), "url": subscription.url, "description": subscription.description,
        "disabled_reason": reason, "disabled_at": now,
    }  # fmt: skip
    await notify_owner(session, subscription.owner, "webhook_disabled", data, settings=settings, source_id=event.id)


async def rotate_secret(
    *, session: AsyncSession, principal: Principal, subscription_id: UUID, settings: NotifySettings
) -> tuple[Subscription, str]:
    """A new secret; the one it replaces keeps signing during the overlap so receivers can switch without a gap."""
    subscription = await get_subscription(session=session, principal=principal, subscription_id=subscription_id)
    cipher, now, secret = Cipher(settings.pii_key), datetime.now(UTC), signing.generate_secret()
    current = cipher.decrypt(subscription.secret, bind=_bind(subscription.id, "secret"))
    subscription.previous_secret = cipher.encrypt(current, bind=_bind(subscription.id, "previous_secret"))
    subscription.previous_secret_expires_at = rules.overlap_end(now=now, hours=settings.webhook_secret_overlap_hours)
    subscription.secret = cipher.encrypt(secret, bind=_bind(subscription.id, "secret"))
    subscription.updated_at = now
    await session.flush()
    return subscription, secret


async def list_deliveries(
    *, session: AsyncSession, principal: Principal, subscription_id: UUID, status: str | None, after, limit: int
) -> list[Delivery]:
    await get_subscription(session=session, principal=principal, subscription_id=subscription_id)
    return await repository.list_deliveries(
        session, subscription_id=subscription_id, status=status, after=after, limit=limit
    )


async def list_attempts(
    *, session: AsyncSession, principal: Principal, subscription_id: UUID, after: UUID | None, limit: int
) -> list[Attempt]:
    await get_subscription(session=session, principal=principal, subscription_id=subscription_id)
    return await repository.list_attempts(session, subscription_id=subscription_id, after=after, limit=limit)


async def get_delivery(
    *, session: AsyncSession, principal: Principal, subscription_id: UUID, delivery_id: UUID
) -> tuple[Delivery, list[Attempt]]:
    await get_subscription(session=session, principal=principal, subscription_id=subscription_id)
    delivery = await repository.get_delivery(session, subscription_id=subscription_id, delivery_id=delivery_id)
    if delivery is None:
        raise DeliveryNotFound()
    return delivery, await repository.attempts_of(session, delivery.id)


async def redeliver(
    *, session: AsyncSession, principal: Principal, subscription_id: UUID, delivery_id: UUID
) -> Delivery:
    """Send a delivery again now, with the same ``webhook-id``; a finished one starts a fresh retry plan."""
    delivery, _ = await get_delivery(
        session=session, principal=principal, subscription_id=subscription_id, delivery_id=delivery_id
    )
    subscription = await repository.get_subscription(session, subscription_id)
    if subscription is None or not subscription.enabled:
        raise SubscriptionDisabled("请先启用该订阅（PATCH enabled=true）再重新投递")
    if delivery.status != "pending":
        delivery.status, delivery.attempts = "pending", 0
    delivery.next_attempt_at, delivery.claim_token = datetime.now(UTC), None
    await session.flush()
    return delivery


async def fan_out(*, session: AsyncSession, event: CloudEvent, base_url: str) -> int:
    """Record one delivery per enabled subscription of the event's type, in the consumer's transaction."""
    return await fan_out_all(session=session, events=[event], base_url=base_url)


async def fan_out_all(*, session: AsyncSession, events: Sequence[CloudEvent], base_url: str) -> int:
    """``fan_out`` for several events: the subscribers from the per-process cache, each event's payload built once,
    all the rows inserted in one statement. Returns how many deliveries were recorded."""
    now, rows = datetime.now(UTC), []
    for event in events:
        subscribers = await subscribers_of(session, event.type)
        if not subscribers:
            continue
        data = event.data.model_dump() if hasattr(event.data, "model_dump") else dict(event.data or {})
        payload = rules.encode_payload(
            rules.thin_payload(
                event_id=event.id, event_type=event.type, subject=event.subject, time=event.time, data=data,
                base_url=base_url,
            )
        )  # fmt: skip
        common = {
            "source_event_id": event.id, "event_type": event.type, "payload": payload, "status": "pending",
            "attempts": 0, "next_attempt_at": now, "claim_token": None, "last_status_code": None, "last_error": None,
            "event_time": event.time, "created_at": now, "delivered_at": None,
        }  # fmt: skip
        rows += [{"id": uuid7(), "subscription_id": s} | common for s in subscribers]
    if rows:
        await repository.add_deliveries(session, rows)
    return len(rows)


async def current_secret(*, session: AsyncSession, subscription_id: UUID, settings: NotifySettings) -> str:
    """The current secret of a subscription (for the replay of its creation under the same Idempotency-Key)."""
    subscription = await repository.get_subscription(session, subscription_id)
    if subscription is None:
        raise SubscriptionNotFound()
    return Cipher(settings.pii_key).decrypt(subscription.secret, bind=_bind(subscription.id, "secret"))
