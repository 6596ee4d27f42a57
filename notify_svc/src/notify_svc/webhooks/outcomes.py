"""What finished attempts change: the attempt log, the deliveries, the endpoint, and the events they stage.

The attempts that finish together, of one endpoint or of several (the deliverer's group commit), are recorded in one
transaction with one statement per kind of row (ADR 0029, 0036): the deliveries' update (which also tells which
claims still hold), the attempt rows, the outcome events.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.config import NotifySettings
from notify_svc.webhooks import repository, schedule, service
from notify_svc.webhooks.sender import AttemptResult
from services.contracts import CloudEvent
from services.contracts.notify import (
    WebhookDelivered,
    WebhookDeliveryData,
    WebhookFailed,
    WebhookFailedData,
)
from services.db.outbox import add_events
from services.ids import uuid7

DISABLE_REASONS = {"endpoint_gone": "gone", "attempts_exhausted": "attempts_exhausted"}


@dataclass(frozen=True, slots=True)
class Finished:
    """One attempt made under a claim: the claimed row (``repository.CLAIMED``), its token and what happened."""

    delivery: Row
    token: UUID
    result: AttemptResult
    started_at: datetime


@dataclass(frozen=True, slots=True)
class _Planned:
    """What recording one finished attempt writes, if its claim still holds."""

    group: int
    delivery_id: UUID
    update: dict[str, Any]
    attempt: dict[str, Any]
    event: CloudEvent
    reason: str
    disables: bool


def may_disable(item: Finished) -> bool:
    """Whether recording this attempt can disable the endpoint (410, or a failed last attempt)."""
    code = item.result.status_code
    if code is not None and 200 <= code <= 299:
        return False
    return code == 410 or item.delivery.attempts + 1 >= schedule.MAX_ATTEMPTS


async def record_all(
    session: AsyncSession,
    groups: Sequence[tuple[service.Endpointish, list[Finished], datetime]],
    *,
    rng: random.Random,
    settings: NotifySettings,
) -> list[list[str]]:
    """Apply the retry plan to the finished attempts of one or several endpoints (each group with its own ``now``),
    with one statement per kind of row for all of them (the deliveries' update tells which claims still held).
    Returns each group's outcomes, in order (``lost`` when its claim no longer holds)."""
    planned: list[_Planned] = []
    for index, (endpoint, finished, now) in enumerate(groups):
        for item in finished:
            delivery, result, attempt_no = item.delivery, item.result, item.delivery.attempts + 1
            decision = schedule.decide(
                attempt_no, status_code=result.status_code, error=RuntimeError(result.error or "no response"),
                retry_after=result.retry_after, now=now, rng=rng,
            )  # fmt: skip
            planned.append(
                _Planned(
                    group=index,
                    delivery_id=delivery.id,
                    update=_update(delivery.id, item.token, attempt_no, result, decision, now),
                    attempt=_attempt(delivery, attempt_no, item, decision),
                    event=_outcome_event(delivery, endpoint.owner, attempt_no, result, decision, now),
                    reason=decision.reason,
                    disables=decision.action is schedule.Action.DISABLE_ENDPOINT,
                )
            )
    held = await repository.settle(session, [plan.update for plan in planned])
    kept = [plan for plan in planned if plan.delivery_id in held]
    await repository.add_attempts(session, [plan.attempt for plan in kept])
    await add_events(session, [plan.event for plan in kept])
    outcomes: list[list[str]] = [[] for _ in groups]
    for plan in planned:
        outcomes[plan.group].append(plan.reason if plan.delivery_id in held else "lost")
    disabling = {plan.group: DISABLE_REASONS[plan.reason] for plan in kept if plan.disables}
    for index, reason in disabling.items():
        endpoint, _, now = groups[index]
        await _disable(session, endpoint, reason, now, settings)
    return outcomes


def _update(delivery_id: UUID, token: UUID, attempt_no: int, result: AttemptResult, decision, now) -> dict[str, Any]:
    done = decision.action is schedule.Action.DONE
    status = "delivered" if done else "pending" if decision.action is schedule.Action.RETRY else "failed"
    return {
        "b_id": delivery_id, "b_token": token, "b_status": status, "b_attempts": attempt_no,
        "b_next": decision.next_attempt_at, "b_code": result.status_code, "b_error": result.error,
        "b_delivered": now if done else None,
    }  # fmt: skip


def _attempt(delivery: Row, attempt_no: int, item: Finished, decision: schedule.Decision) -> dict[str, Any]:
    return {
        "id": uuid7(), "delivery_id": delivery.id, "subscription_id": delivery.subscription_id,
        "attempt_no": attempt_no, "started_at": item.started_at, "duration_ms": item.result.duration_ms,
        "status_code": item.result.status_code, "error": item.result.error, "outcome": decision.reason,
        "next_attempt_at": decision.next_attempt_at,
    }  # fmt: skip


def _outcome_event(delivery: Row, owner: str, attempts: int, result: AttemptResult, decision: schedule.Decision, now):
    """``webhook.delivered`` / ``webhook.failed`` with the delivery as subject: the outbox keeps the order of one
    delivery's outcomes and publishes different deliveries side by side (the subscription is in the data)."""
    common = {
        "delivery_id": delivery.id,
        "subscription_id": delivery.subscription_id,
        "owner": owner,
        "source_event_id": delivery.source_event_id,
        "source_event_type": delivery.event_type,
        "attempts": attempts,
        "status_code": result.status_code,
        "occurred_at": now,
    }
    if decision.action is schedule.Action.DONE:
        return WebhookDelivered.create(subject=str(delivery.id), data=WebhookDeliveryData(**common))
    data = WebhookFailedData(
        **common,
        error=result.error or "",
        final=decision.action is not schedule.Action.RETRY,
        next_attempt_at=decision.next_attempt_at,
    )
    return WebhookFailed.create(subject=str(delivery.id), data=data)


async def _disable(
    session: AsyncSession, endpoint: service.Endpointish, reason: str, now: datetime, settings: NotifySettings
) -> None:
    """Disable the endpoint once, and tell its owner: the event, and a notice to the owner's staff (ADR 0029)."""
    if await repository.disable(session, subscription_id=endpoint.id, reason=reason, now=now):
        await service.announce_disabled(session, endpoint, reason=reason, now=now, settings=settings)
