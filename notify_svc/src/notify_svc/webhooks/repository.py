"""Every query of webhooks. Deliveries are claimed by pushing ``next_attempt_at`` to a lease and stamping a claim
token: ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, a conditional update on SQLite (its writers are serialised)."""

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.webhooks.models import Attempt, Delivery, Subscription
from services.db import is_postgres


def add(session: AsyncSession, *rows: Any) -> None:
    session.add_all(rows)


async def get_subscription(session: AsyncSession, subscription_id: UUID) -> Subscription | None:
    return await session.get(Subscription, subscription_id)


async def list_subscriptions(
    session: AsyncSession, *, owner: str | None, after: UUID | None, limit: int
) -> list[Subscription]:
    statement = select(Subscription).order_by(Subscription.id).limit(limit)
    if owner is not None:
        statement = statement.where(Subscription.owner == owner)
    if after is not None:
        statement = statement.where(Subscription.id > after)
    return list((await session.scalars(statement)).all())


async def enabled_subscriptions(session: AsyncSession) -> list[Subscription]:
    return list((await session.scalars(select(Subscription).where(Subscription.enabled.is_(True)))).all())


async def get_delivery(session: AsyncSession, *, subscription_id: UUID, delivery_id: UUID) -> Delivery | None:
    delivery = await session.get(Delivery, delivery_id)
    return delivery if delivery is not None and delivery.subscription_id == subscription_id else None


async def list_deliveries(
    session: AsyncSession, *, subscription_id: UUID, status: str | None, after: UUID | None, limit: int
) -> list[Delivery]:
    statement = select(Delivery).where(Delivery.subscription_id == subscription_id)
    if status is not None:
        statement = statement.where(Delivery.status == status)
    if after is not None:
        statement = statement.where(Delivery.id < after)
    return list((await session.scalars(statement.order_by(Delivery.id.desc()).limit(limit))).all())


async def list_attempts(
    session: AsyncSession, *, subscription_id: UUID, after: UUID | None, limit: int
) -> list[Attempt]:
    statement = select(Attempt).where(Attempt.subscription_id == subscription_id)
    if after is not None:
        statement = statement.where(Attempt.id < after)
    return list((await session.scalars(statement.order_by(Attempt.id.desc()).limit(limit))).all())


async def attempts_of(session: AsyncSession, delivery_id: UUID) -> list[Attempt]:
    statement = select(Attempt).where(Attempt.delivery_id == delivery_id).order_by(Attempt.id)
    return list((await session.scalars(statement)).all())


def _due(now: datetime):
    return (Delivery.status == "pending", Delivery.next_attempt_at <= now)


async def due_subscription_ids(session: AsyncSession, *, now: datetime, limit: int) -> list[UUID]:
    """Enabled subscriptions with at least one delivery due; a disabled endpoint's deliveries wait."""
    statement = (
        select(Delivery.subscription_id)
        .join(Subscription, Subscription.id == Delivery.subscription_id)
        .where(*_due(now), Subscription.enabled.is_(True))
        .distinct()
        .limit(limit)
    )
    return list((await session.scalars(statement)).all())


async def claim(
    session: AsyncSession, *, subscription_id: UUID, now: datetime, lease_until: datetime, token: UUID, limit: int
) -> list[Delivery]:
    """Claim up to ``limit`` due deliveries of one subscription, oldest due first; others never get the same rows.

    Two statements, not ``UPDATE … WHERE id IN (SELECT … LIMIT … FOR UPDATE SKIP LOCKED)``: PostgreSQL may run
    such a subquery more than once and so update more rows than the limit. The update repeats the due condition,
    which on SQLite (no row locks, serialised writers) makes it the conditional update that settles a race.
    """
    due = (
        select(Delivery.id)
        .where(Delivery.subscription_id == subscription_id, *_due(now))
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(limit)
    )
    if is_postgres(session):
        due = due.with_for_update(skip_locked=True)
    ids = list((await session.scalars(due)).all())
    if not ids:
        return []
    statement = (
        update(Delivery)
        .where(Delivery.id.in_(ids), *_due(now))
        .values(next_attempt_at=lease_until, claim_token=token)
        .returning(Delivery)
        .execution_options(synchronize_session=False)
    )
    return list((await session.scalars(statement)).all())


async def claimed(session: AsyncSession, *, delivery_id: UUID, token: UUID) -> Delivery | None:
    """The delivery if this claim still holds it (a claim whose lease ran out may have passed to another)."""
    statement = select(Delivery).where(Delivery.id == delivery_id, Delivery.claim_token == token)
    return (await session.scalars(statement)).first()


async def disable(session: AsyncSession, *, subscription_id: UUID, reason: str, now: datetime) -> bool:
    """Disable an enabled subscription; ``False`` when it was disabled already (so it is announced once)."""
    statement = (
        update(Subscription)
        .where(Subscription.id == subscription_id, Subscription.enabled.is_(True))
        .values(enabled=False, disabled_reason=reason, disabled_at=now, updated_at=now)
        .returning(Subscription.id)
        .execution_options(synchronize_session=False)
    )
    return (await session.execute(statement)).first() is not None
