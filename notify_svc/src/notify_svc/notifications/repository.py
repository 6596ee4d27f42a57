import contextlib
import functools
from collections.abc import Iterator, Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import Row, bindparam, literal_column, select, tuple_, union_all, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.notifications.models import DirectoryVersion, Notification
from services.db import is_postgres

NOTIFICATIONS = Notification.__table__


async def add_once(session: AsyncSession, rows: list[dict], *, returning: bool = False) -> list[UUID]:
    """Insert notifications in one statement; one that exists for the same (event, recipient, channel) is left as
    it is. With ``returning``: the ids actually inserted."""
    if not rows:
        return []
    # the table, not the mapped class: rows go straight to the driver, without the ORM's bulk insert per row
    statement = _add_once(is_postgres(session), returning)
    if not returning:
        await session.execute(statement, rows)
        return []
    return list((await session.scalars(statement, rows)).all())


@functools.cache
def _add_once(postgres: bool, returning: bool):
    statement = (postgresql.insert if postgres else sqlite.insert)(NOTIFICATIONS).on_conflict_do_nothing(
        index_elements=["source_event_id", "recipient_ref", "channel"]
    )
    return statement.returning(NOTIFICATIONS.c.id) if returning else statement


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
    if is_postgres(session):
        return await _claim_due_postgres(session, now=now, lease_until=lease_until, limit=limit)
    due = (Notification.status.in_(("pending", "sending")), Notification.next_attempt_at <= now)
    picked = select(Notification.id).where(*due).order_by(Notification.next_attempt_at).limit(limit).cte("picked")
    statement = (
        update(Notification)
        .where(Notification.id.in_(select(picked.c.id)), *due)
        .values(status="sending", attempts=Notification.attempts + 1, next_attempt_at=lease_until)
        .returning(*CLAIMED_COLUMNS)
        .execution_options(synchronize_session=False)
    )
    return sorted((await session.execute(statement)).all(), key=lambda row: row.id)


def _due_in_order(status: str, limit: int):
    """Due rows of one status, oldest due first: a range of ``ix_notifications_due`` read in order that stops at
    ``limit`` (both literal: a generic plan of the prepared statement keeps that shape)."""
    n = NOTIFICATIONS.c
    return (
        select(n.id)
        .where(n.status == literal_column(f"'{status}'"), n.next_attempt_at <= bindparam("b_now"))
        .order_by(n.next_attempt_at)
        .limit(literal_column(str(int(limit))))
        .with_for_update(skip_locked=True)
        .subquery()
    )


@functools.cache
def _claim_due_statement(limit: int):
    """Pending rows first, then expired leases, each in due order, at most ``limit`` in all: one range of the due
    index per status that stops at the limit (``status IN (…)`` sorted every due row of both statuses, thousands
    when the dispatcher was behind), picked in a materialised CTE (evaluated once: never more rows than the
    limit) and updated through the primary key. Built once per limit, of table columns and bind parameters."""
    pending, expired = _due_in_order("pending", limit), _due_in_order("sending", limit)
    picked = (
        union_all(select(pending.c.id), select(expired.c.id))
        .limit(literal_column(str(int(limit))))
        .cte("picked")
        .prefix_with("MATERIALIZED")
    )
    n = NOTIFICATIONS.c
    return (
        update(NOTIFICATIONS)
        .where(n.id == picked.c.id)
        .values(status="sending", attempts=n.attempts + 1, next_attempt_at=bindparam("b_lease"))
        .returning(*(n[column.key] for column in CLAIMED_COLUMNS))
    )


async def _claim_due_postgres(session: AsyncSession, *, now: datetime, lease_until: datetime, limit: int) -> list[Row]:
    rows = await session.execute(_claim_due_statement(limit), {"b_now": now, "b_lease": lease_until})
    return sorted(rows.all(), key=lambda row: row.id)


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
    parameters = {f"v_{name}": value for name, value in values.items()}
    parameters |= {"ids": [notification_id for notification_id, _ in claims], "pairs": claims}
    return set((await session.scalars(_settle_statement(tuple(sorted(values))), parameters)).all())


@functools.cache
def _settle_statement(columns: tuple[str, ...]):
    """``settle_many``'s update setting ``columns``, built once per set of columns (bind parameters ``v_<column>``)."""
    n = NOTIFICATIONS.c
    return (
        update(NOTIFICATIONS)
        .where(
            # found by primary key, whatever the statistics say: with only the pairs PostgreSQL read the whole
            # table, and with ``status = 'sending'`` indexable it read every row being sent (and the index entries
            # of those sent meanwhile) through ``ix_notifications_due``; the status is checked on the rows found
            n.id.in_(bindparam("ids", expanding=True)),
            tuple_(n.id, n.attempts).in_(bindparam("pairs", expanding=True)),
            n.status.concat("") == "sending",
        )
        .values({name: bindparam(f"v_{name}") for name in columns})
        .returning(n.id)
    )


@functools.cache
def directory_version_statement():
    """The counter that triggers raise on every change to rules, templates, staff contacts and webhook
    subscriptions (migrations 0004 and 0005): the per-process caches compare with it."""
    return select(DirectoryVersion.version).where(DirectoryVersion.id == 1)


_VERSION_READ = "directory_version_read"


async def directory_version(session: AsyncSession) -> int | None:
    """The counter, read in the caller's transaction; inside ``version_read_once`` only the first read of the
    transaction goes to the database."""
    memo = session.info.get(_VERSION_READ)
    if memo is not None and memo[0] is not None and memo[0] is session.sync_session.get_transaction():
        return memo[1]
    version = await session.scalar(directory_version_statement())
    if memo is not None:
        session.info[_VERSION_READ] = (session.sync_session.get_transaction(), version)
    return version


@contextlib.contextmanager
def version_read_once(session: AsyncSession) -> Iterator[None]:
    """Within this block the counter is read once per transaction of ``session`` (a consumed event's sinks, the
    notifications and the webhooks, both compare their caches with it). Only for transactions that do not change
    rules, templates, staff or subscriptions themselves: they would keep comparing with the version before."""
    session.info[_VERSION_READ] = (None, None)
    try:
        yield
    finally:
        session.info.pop(_VERSION_READ, None)
