"""Every query of webhooks. Deliveries are claimed by pushing ``next_attempt_at`` to a lease and stamping a claim
token: ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, a conditional update on SQLite (its writers are serialised)."""

import functools
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    DateTime,
    Integer,
    Row,
    String,
    Uuid,
    bindparam,
    cast,
    exists,
    func,
    insert,
    literal_column,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.notifications.repository import directory_version, directory_version_statement
from notify_svc.webhooks.models import Attempt, Delivery, Subscription
from services.db import is_postgres

DELIVERIES, ATTEMPTS = Delivery.__table__, Attempt.__table__


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


PENDING = literal_column("'pending'")
"""Inline, not a bound parameter: a generic plan of a prepared statement (asyncpg) can use the partial index
``status = 'pending'`` only when the query states the same literal."""


def _due(now: datetime):
    return (Delivery.status == PENDING, Delivery.next_attempt_at <= now)


async def enabled_event_types(session: AsyncSession) -> list[tuple[UUID, list[str]]]:
    statement = select(Subscription.id, Subscription.event_types).where(Subscription.enabled.is_(True))
    return [(row[0], row[1]) for row in await session.execute(statement)]


async def add_deliveries(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Insert deliveries (of one or several events) in one statement."""
    await session.execute(insert(DELIVERIES), rows)


async def due_subscription_ids(session: AsyncSession, *, now: datetime, limit: int) -> list[UUID]:
    """Enabled subscriptions with at least one delivery due: one probe of the pending index per subscription (a
    scalar subquery with ``LIMIT 1`` is run per row, not joined with every due row), however long the backlog;
    a disabled endpoint's deliveries wait."""
    first_due = (
        select(Delivery.id).where(Delivery.subscription_id == Subscription.id, *_due(now)).limit(1).scalar_subquery()
    )
    statement = select(Subscription.id).where(Subscription.enabled.is_(True), first_due.is_not(None)).limit(limit)
    return list((await session.scalars(statement)).all())


CLAIMED = (
    Delivery.id, Delivery.subscription_id, Delivery.source_event_id, Delivery.event_type, Delivery.payload,
    Delivery.attempts,
)  # fmt: skip


async def claim(
    session: AsyncSession, *, subscription_id: UUID, now: datetime, lease_until: datetime, token: UUID, limit: int
) -> tuple[list[Row], int | None]:
    """Claim up to ``limit`` due deliveries of one enabled subscription, oldest due first, and read the version of
    the subscriptions with them; others never get the same rows.

    PostgreSQL: one statement, the due rows selected ``FOR UPDATE SKIP LOCKED`` in a materialised CTE (evaluated
    once, so never more rows than the limit) and updated from it. SQLite (no row locks, serialised writers): the
    ids, then an update that repeats the due condition, the conditional update that settles a race.
    """
    if is_postgres(session):
        parameters = {
            "b_sub": subscription_id,
            "b_now": now,
            "b_lease": lease_until,
            "b_token": token,
            "b_limit": limit,
        }
        rows = list(await session.execute(_claim_postgres(), parameters))
        return rows, (rows[0][-1] if rows else None)
    enabled = exists().where(Subscription.id == subscription_id, Subscription.enabled.is_(True))
    due = (
        select(Delivery.id)
        .where(Delivery.subscription_id == subscription_id, *_due(now), enabled)
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(limit)
    )
    values = {"next_attempt_at": lease_until, "claim_token": token}
    ids = list((await session.scalars(due)).all())
    if not ids:
        return [], None
    statement = update(Delivery).where(Delivery.id.in_(ids), *_due(now)).values(values).returning(*CLAIMED)
    rows = list(await session.execute(statement.execution_options(synchronize_session=False)))
    return rows, await directory_version(session)


@functools.cache
def _claim_postgres():
    """The claim of ``claim`` on PostgreSQL, built once (table columns and bind parameters: no statement to build,
    no cache key to compute per claim)."""
    d, s = DELIVERIES.c, Subscription.__table__.c
    enabled = exists().where(s.id == bindparam("b_sub"), s.enabled.is_(True))
    due = (
        select(d.id)
        .where(d.subscription_id == bindparam("b_sub"), d.status == PENDING, d.next_attempt_at <= bindparam("b_now"))
        .where(enabled)
        .order_by(d.next_attempt_at, d.id)
        .limit(bindparam("b_limit"))
        .with_for_update(skip_locked=True, of=DELIVERIES)
        .cte("due")
        .prefix_with("MATERIALIZED")
    )
    return (
        update(DELIVERIES).where(d.id == due.c.id)
        .values(next_attempt_at=bindparam("b_lease"), claim_token=bindparam("b_token"))
        .returning(*(DELIVERIES.c[c.key] for c in CLAIMED), directory_version_statement().scalar_subquery())
    )  # fmt: skip


_HELD = select(DELIVERIES.c.id, DELIVERIES.c.claim_token).where(DELIVERIES.c.id.in_(bindparam("ids", expanding=True)))

_SETTLE = (
    update(DELIVERIES)
    .where(DELIVERIES.c.id == bindparam("b_id"), DELIVERIES.c.claim_token == bindparam("b_token"))
    .values(
        status=bindparam("b_status"), attempts=bindparam("b_attempts"), claim_token=None,
        next_attempt_at=bindparam("b_next"), last_status_code=bindparam("b_code"), last_error=bindparam("b_error"),
        delivered_at=bindparam("b_delivered"),
    )
)  # fmt: skip

# the columns of a settled delivery, each given as an array (PostgreSQL): (bind parameter, element type)
_SETTLE_ARRAYS = {
    "b_id": Uuid(), "b_token": Uuid(), "b_status": String(), "b_attempts": Integer(),
    "b_next": DateTime(timezone=True), "b_code": Integer(), "b_error": String(),
    "b_delivered": DateTime(timezone=True),
}  # fmt: skip


@functools.cache
def _settle_postgres():
    """``settle``'s update as one statement over arrays (``unnest``, PostgreSQL): the claims still held are updated
    and locked, and their ids returned, whatever the batch's size (one execution, not one per row)."""
    settled = select(
        *(func.unnest(cast(bindparam(name), ARRAY(kind))).label(name) for name, kind in _SETTLE_ARRAYS.items())
    ).subquery("settled")
    b, d = settled.c, DELIVERIES.c
    return (
        update(DELIVERIES)
        .where(d.id == b.b_id, d.claim_token == b.b_token)
        .values(
            status=b.b_status, attempts=b.b_attempts, claim_token=None, next_attempt_at=b.b_next,
            last_status_code=b.b_code, last_error=b.b_error, delivered_at=b.b_delivered,
        )
        .returning(d.id)
    )  # fmt: skip


async def settle(session: AsyncSession, rows: list[dict[str, Any]]) -> set[UUID]:
    """Record the outcomes of a batch of attempts (rows of ``b_id``, ``b_token``, ``b_status``, …) on the deliveries
    whose claim (``b_token``) still holds; returns their ids (the others were claimed again meanwhile: lost).
    PostgreSQL: one statement; SQLite (serialised writers): the claims still held, then their update."""
    if not rows:
        return set()
    if is_postgres(session):
        arrays = {name: [row[name] for row in rows] for name in _SETTLE_ARRAYS}
        return set((await session.scalars(_settle_postgres(), arrays)).all())
    tokens = {row["b_id"]: row["b_token"] for row in rows}
    current = await session.execute(_HELD, {"ids": list(tokens)})
    held = {delivery_id for delivery_id, token in current if token == tokens[delivery_id]}
    if held:
        await session.execute(_SETTLE, [row for row in rows if row["b_id"] in held])
    return held


async def add_attempts(session: AsyncSession, attempts: list[dict[str, Any]]) -> None:
    """Insert attempt log rows in one statement."""
    if attempts:
        await session.execute(insert(ATTEMPTS), attempts)


_RELEASE = (
    update(DELIVERIES)
    .where(DELIVERIES.c.id == bindparam("b_id"), DELIVERIES.c.claim_token == bindparam("b_token"))
    .values(claim_token=None, next_attempt_at=bindparam("b_now"))
)


async def release(session: AsyncSession, claims: list[tuple[UUID, UUID]], *, now: datetime) -> None:
    """Give back claims that were not sent (still held by their token): due again at ``now``."""
    await session.execute(_RELEASE, [{"b_id": i, "b_token": t, "b_now": now} for i, t in claims])


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
