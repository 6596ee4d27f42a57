from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import Row, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.notifications.models import DirectoryVersion, Notification
from services.db import is_postgres


async def add_once(session: AsyncSession, rows: list[dict], *, returning: bool = False) -> list[UUID]:
    """Insert notifications in one statement; one that exists for the same (event, recipient, channel) is left as
    it is. With ``returning``: the ids actually inserted."""
    if not rows:
        return []
    dialect_insert = postgresql.insert if is_postgres(session) else sqlite.insert
    statement = dialect_insert(Notification).on_conflict_do_nothing(
        index_elements=["source_event_id", "recipient_ref", "channel"]
    )
    if not returning:
        await session.execute(statement, rows)
        return []
    return list((await session.scalars(statement.returning(Notification.id), rows)).all())


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


CLAIMED_COLUMNS = (
    Notification.id,
    Notification.source_event_id,
    Notification.source_event_type,
    Notification.recipient_kind,
    Notification.recipient_ref,
    Notification.inbox_owner,
    Notification.channel,
    Notification.template_key,
    Notification.title,
    Notification.body,
    Notification.urgent,
    Notification.attempts,
)


async def claim_due(session: AsyncSession, *, now: datetime, lease_until: datetime, limit: int) -> list[Row]:
    """Take up to ``limit`` due rows for sending in ONE statement: pending rows whose time has come and rows left
    ``sending`` by a dispatcher whose lease ran out. On PostgreSQL the rows are picked ``FOR UPDATE SKIP LOCKED``,
    so dispatchers of several processes never take the same row; the update re-checks status and time, which is
    what keeps two dispatchers apart on SQLite (one writer at a time)."""
    due = (Notification.status.in_(("pending", "sending")), Notification.next_attempt_at <= now)
    picked = select(Notification.id).where(*due).order_by(Notification.next_attempt_at).limit(limit)
    if is_postgres(session):
        picked = picked.with_for_update(skip_locked=True)
    # a CTE, evaluated once: as a plain ``IN (subquery)`` PostgreSQL may run the subquery again for each row it
    # updates, each time finding the next ``limit`` due rows, and claim far more than ``limit``
    picked_once = picked.cte("picked").prefix_with("MATERIALIZED") if is_postgres(session) else picked.cte("picked")
    statement = (
        update(Notification)
        .where(Notification.id.in_(select(picked_once.c.id)), *due)
        .values(status="sending", attempts=Notification.attempts + 1, next_attempt_at=lease_until)
        .returning(*CLAIMED_COLUMNS)
        .execution_options(synchronize_session=False)
    )
    return sorted((await session.execute(statement)).all(), key=lambda row: row.id)


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


async def settle_many(session: AsyncSession, claims: list[tuple[UUID, int]], *, values: dict) -> set[UUID]:
    """Record one outcome for several claims ``(id, attempts)`` in one statement, except rows claimed again
    meanwhile (their lease ran out); returns the ids settled."""
    if not claims:
        return set()
    statement = (
        update(Notification)
        .where(Notification.status == "sending", tuple_(Notification.id, Notification.attempts).in_(claims))
        .values(**values)
        .returning(Notification.id)
        .execution_options(synchronize_session=False)
    )
    return set((await session.scalars(statement)).all())


def directory_version_statement():
    """The counter that triggers raise on every change to rules, templates, staff contacts and webhook
    subscriptions (migrations 0004 and 0005): the per-process caches compare with it."""
    return select(DirectoryVersion.version).where(DirectoryVersion.id == 1)


async def directory_version(session: AsyncSession) -> int | None:
    return await session.scalar(directory_version_statement())
