"""What one finished attempt changes: the attempt log, the delivery, the endpoint, and the events it stages."""

import random
from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.webhooks import repository, schedule, service
from notify_svc.webhooks.models import Attempt, Delivery, Subscription
from notify_svc.webhooks.sender import AttemptResult
from services.contracts.notify import (
    WebhookDelivered,
    WebhookDeliveryData,
    WebhookFailed,
    WebhookFailedData,
)
from services.db import add_event
from services.ids import uuid7

DISABLE_REASONS = {"endpoint_gone": "gone", "attempts_exhausted": "attempts_exhausted"}


async def record(
    session: AsyncSession,
    *,
    delivery_id: UUID,
    token: UUID,
    result: AttemptResult,
    started_at: datetime,
    now: datetime,
    rng: random.Random,
) -> str:
    """Apply the retry plan to ``result``; returns the outcome (``lost`` when the claim no longer holds)."""
    delivery = await repository.claimed(session, delivery_id=delivery_id, token=token)
    if delivery is None:
        return "lost"
    attempt_no = delivery.attempts + 1
    decision = schedule.decide(
        attempt_no, status_code=result.status_code, error=RuntimeError(result.error or "no response"),
        retry_after=result.retry_after, now=now, rng=rng,
    )  # fmt: skip
    _update(delivery, attempt_no, result, decision, now)
    repository.add(session, _attempt(delivery, attempt_no, result, decision, started_at))
    subscription = await repository.get_subscription(session, delivery.subscription_id)
    await add_event(session, _outcome_event(delivery, subscription, decision, now))
    if decision.action is schedule.Action.DISABLE_ENDPOINT and subscription is not None:
        await _disable(session, subscription, DISABLE_REASONS[decision.reason], now)
    return decision.reason


def _update(delivery: Delivery, attempt_no: int, result: AttemptResult, decision: schedule.Decision, now) -> None:
    delivery.attempts, delivery.claim_token = attempt_no, None
    delivery.last_status_code, delivery.last_error = result.status_code, result.error
    delivery.next_attempt_at = decision.next_attempt_at
    if decision.action is schedule.Action.DONE:
        delivery.status, delivery.delivered_at = "delivered", now
    else:
        delivery.status = "pending" if decision.action is schedule.Action.RETRY else "failed"


def _attempt(delivery: Delivery, attempt_no: int, result: AttemptResult, decision, started_at) -> Attempt:
    return Attempt(
        id=uuid7(), delivery_id=delivery.id, subscription_id=delivery.subscription_id, attempt_no=attempt_no,
        started_at=started_at, duration_ms=result.duration_ms, status_code=result.status_code, error=result.error,
        outcome=decision.reason, next_attempt_at=decision.next_attempt_at,
    )  # fmt: skip


def _outcome_event(delivery: Delivery, subscription: Subscription | None, decision: schedule.Decision, now):
    common = {
        "delivery_id": delivery.id,
        "subscription_id": delivery.subscription_id,
        "owner": subscription.owner if subscription is not None else "",
        "source_event_id": delivery.source_event_id,
        "source_event_type": delivery.event_type,
        "attempts": delivery.attempts,
        "status_code": delivery.last_status_code,
        "occurred_at": now,
    }
    if decision.action is schedule.Action.DONE:
        return WebhookDelivered.create(subject=str(delivery.subscription_id), data=WebhookDeliveryData(**common))
    data = WebhookFailedData(
        **common,
        error=delivery.last_error or "",
        final=decision.action is not schedule.Action.RETRY,
        next_attempt_at=decision.next_attempt_at,
    )
    return WebhookFailed.create(subject=str(delivery.subscription_id), data=data)


async def _disable(session: AsyncSession, subscription: Subscription, reason: str, now: datetime) -> None:
    """Disable the endpoint once, and tell its owner (the event; see ADR 0021 for the owner's notice)."""
    if await repository.disable(session, subscription_id=subscription.id, reason=reason, now=now):
        await add_event(session, service.disabled_event(subscription, reason=reason, now=now))
