from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.notifications.models import Notification
from services.db import is_postgres


async def add_once(session: AsyncSession, rows: list[dict]) -> None:
    """Insert notifications; one that exists for the same (event, recipient, channel) is left as it is."""
    if not rows:
        return
    dialect_insert = postgresql.insert if is_postgres(session) else sqlite.insert
    statement = dialect_insert(Notification).on_conflict_do_nothing(
        index_elements=["source_event_id", "recipient_ref", "channel"]
    )
    await session.execute(statement, rows)


async def get(session: AsyncSession, notification_id: UUID) -> Notification | None:
    return await session.get(Notification, notification_id)


async def list_notifications(
    session: AsyncSession,
    *,
    petition_id: UUID | None,
    status: str | None,
    channel: str | None,
    readable: str | None,
    after: UUID | None,
    limit: int,
) -> Sequence[Notification]:
    statement = select(Notification).order_by(Notification.id).limit(limit)
    if readable is not None:
        statement = statement.where(Notification.scope_code.startswith(readable, autoescape=True))
    for column, value in ((Notification.petition_id, petition_id), (Notification.status, status)):
        if value is not None:
            statement = statement.where(column == value)
    if channel is not None:
        statement = statement.where(Notification.channel == channel)
    if after is not None:
        statement = statement.where(Notification.id > after)
    return (await session.scalars(statement)).all()


async def inbox_of(
    session: AsyncSession, *, owner: str, unread_only: bool, after: UUID | None, limit: int
) -> Sequence[Notification]:
    statement = (
        select(Notification)
        .where(Notification.inbox_owner == owner, Notification.channel == "inbox", Notification.status == "sent")
        .order_by(Notification.id.desc())
        .limit(limit)
    )
    if unread_only:
        statement = statement.where(Notification.read_at.is_(None))
    if after is not None:
        statement = statement.where(Notification.id < after)
    return (await session.scalars(statement)).all()


async def cancel_pending(session: AsyncSession, *, subject_id: str, source_event_type: str, reason: str) -> int:
    statement = (
        update(Notification)
        .where(
            Notification.subject_id == subject_id,
            Notification.source_event_type == source_event_type,
            Notification.status == "pending",
        )
        .values(status="cancelled", last_error=reason)
    )
    return (await session.execute(statement)).rowcount or 0


# -- dispatching --------------------------------------------------------------------------------------------------


async def due_ids(session: AsyncSession, *, now: datetime, limit: int) -> list[UUID]:
    """Pending rows whose time has come, and rows left ``sending`` by a dispatcher whose lease ran out."""
    statement = (
        select(Notification.id)
        .where(Notification.status.in_(("pending", "sending")), Notification.next_attempt_at <= now)
        .order_by(Notification.next_attempt_at)
        .limit(limit)
    )
    if is_postgres(session):
        statement = statement.with_for_update(skip_locked=True)
    return list((await session.scalars(statement)).all())


async def claim(session: AsyncSession, notification_id: UUID, *, now: datetime, lease_until: datetime) -> bool:
    """Take one due row for sending (conditional update: on SQLite two dispatchers cannot both win)."""
    statement = (
        update(Notification)
        .where(
            Notification.id == notification_id,
            Notification.status.in_(("pending", "sending")),
            Notification.next_attempt_at <= now,
        )
        .values(status="sending", attempts=Notification.attempts + 1, next_attempt_at=lease_until)
    )
    return (await session.execute(statement)).rowcount == 1


async def by_ids(session: AsyncSession, ids: list[UUID]) -> Sequence[Notification]:
    statement = select(Notification).where(Notification.id.in_(ids)).order_by(Notification.id)
    return (await session.scalars(statement)).all()


async def settle(session: AsyncSession, notification_id: UUID, *, attempts: int, values: dict) -> bool:
    """Record a send's outcome, unless the row was claimed again meanwhile (its lease ran out)."""
    statement = (
        update(Notification)
        .where(
            Notification.id == notification_id,
            Notification.status == "sending",
            Notification.attempts == attempts,
        )
        .values(**values)
    )
    return (await session.execute(statement)).rowcount == 1
