"""Transactional outbox: the state change and its event commit together; a relay publishes later.

The relay claims the oldest pending event of each aggregate (so order per aggregate holds even with
several relays), publishes the batch with confirms, and marks the rows sent only after every confirm.
On PostgreSQL a claim is a lease (``lease_until``) taken in a short transaction: the batch is published with no
transaction open and marked sent in another short one, so replicas never publish the same row while its lease holds,
and a relay that died mid-batch leaves its rows to the others once the lease runs out (ADR 0033). On SQLite exactly
one relay runs per database (the file lock serialises writers anyway): it claims, publishes and marks in one
transaction.
"""

import asyncio
import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Insert, bindparam, delete, exists, func, insert, literal_column, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.contracts import CloudEvent
from services.db.engine import autocommit_sessions
from services.db.tables import outbox
from services.messaging import MessageBus, OutgoingMessage

log = logging.getLogger(__name__)


_STAGED = "outbox_staged"
PURGE_EVERY_SECONDS = 3600.0  # published rows older than the retention go when the relay is idle, hourly


async def add_event(
    session: AsyncSession,
    event: CloudEvent,
    *,
    statement: Insert | None = None,
    params: Mapping[str, Any] | None = None,
) -> None:
    """Stage an event in the caller's transaction; it is published only if that transaction commits.

    ``statement``: an ``outbox_insert()`` the caller built once with data-modifying CTEs added (PostgreSQL), run
    with their ``params``, so that a state change and its event cost one round trip and no statement building."""
    session.info[_STAGED] = True
    if statement is None:
        await session.execute(insert(outbox).values(_row(event)))
        return
    await session.execute(
        statement, {**{f"outbox_{key}": value for key, value in _row(event).items()}, **(params or {})}
    )


def outbox_insert() -> Insert:
    """The outbox INSERT with bind parameters ``outbox_<column>``, for ``add_event(statement=...)``."""
    columns = ("event_id", "event_type", "aggregate_id", "payload", "correlation_id", "created_at")
    return insert(outbox).values({name: bindparam(f"outbox_{name}", type_=outbox.c[name].type) for name in columns})


async def add_events(session: AsyncSession, events: Sequence[CloudEvent]) -> None:
    """Stage several events in the caller's transaction with one statement, in this order."""
    if events:
        session.info[_STAGED] = True
        await session.execute(insert(outbox), [_row(event) for event in events])


def _row(event: CloudEvent) -> dict:
    return {
        "event_id": UUID(event.id),
        "event_type": event.type,
        "aggregate_id": event.subject,
        "payload": event.to_json(),
        "correlation_id": event.correlationid,
        "created_at": event.time,
    }


def staged_events(session: AsyncSession) -> bool:
    """Whether this session staged an event, i.e. whether its commit should wake the relay."""
    return bool(session.info.pop(_STAGED, False))


HEAD_BATCHES = 4  # how many batches of the oldest pending rows a claim looks at (others' leased rows included)
LEASE_SECONDS = 30  # a relay's claim on its batch: well beyond the bus's confirm timeout


def _claim_statement(*, batch_size: int, postgres: bool):
    """The oldest pending rows whose aggregate has no earlier pending row, in ``seq`` order; on PostgreSQL only rows
    no other relay holds a lease on, leased for ``LEASE_SECONDS`` by this statement (the database's clock).

    On PostgreSQL without asking the rest of the table, and in a shape no plan can make cost more than the oldest
    pending rows: ``head`` is the oldest ``HEAD_BATCHES`` batches of pending rows (a materialised CTE, narrow); a
    row of the head has an earlier pending row of its aggregate exactly when an older row of the same aggregate is
    in the head too (every pending row older than a head row is in the head), so the first row of each aggregate
    there is a candidate (``row_number()``); candidates are then locked one by one through the primary key
    (``LATERAL … LIMIT 1 FOR UPDATE SKIP LOCKED``) until the batch is full. The check used to be a ``NOT EXISTS``
    over the whole table per candidate, planned from statistics taken when almost nothing was pending (a table
    that grows by thousands of rows a second, or a prepared statement planned while it was empty): a hash anti
    join over the whole backlog, or a nested loop that read the pending index for each candidate, seconds per
    claim once the relay fell behind, which made it fall further behind. An aggregate whose oldest pending row is
    leased is skipped altogether (its next row waits for that one). Sizes are literals. Rows come back unordered."""
    columns = (outbox.c.seq, outbox.c.event_id, outbox.c.event_type, outbox.c.payload, outbox.c.correlation_id)
    limit = literal_column(str(int(batch_size)))
    if not postgres:
        earlier = outbox.alias("earlier")
        has_earlier_pending = exists().where(
            earlier.c.aggregate_id == outbox.c.aggregate_id,
            earlier.c.published_at.is_(None),
            earlier.c.seq < outbox.c.seq,
        )
        return (
            select(*columns)
            .where(outbox.c.published_at.is_(None), ~has_earlier_pending)
            .order_by(outbox.c.seq)
            .limit(limit)
        )
    head = (
        select(outbox.c.seq, outbox.c.aggregate_id, outbox.c.lease_until)
        .where(outbox.c.published_at.is_(None))
        .order_by(outbox.c.seq)
        .limit(literal_column(str(int(batch_size) * HEAD_BATCHES)))
        .cte("head")
        .prefix_with("MATERIALIZED")
    )
    ranked = select(
        head.c.seq,
        head.c.lease_until,
        func.row_number().over(partition_by=head.c.aggregate_id, order_by=head.c.seq).label("n"),
    ).subquery("ranked")
    candidates = (
        select(ranked.c.seq)
        .where(ranked.c.n == literal_column("1"), _free(ranked.c.lease_until))
        .order_by(ranked.c.seq)
        .cte("candidates")
        .prefix_with("MATERIALIZED")
    )
    # each candidate by primary key, locked, then still pending and free in its locked (latest) version: a
    # published_at condition inside would let the planner read a partial index of pending rows instead of the key
    locked = (
        select(outbox.c.seq, outbox.c.published_at, outbox.c.lease_until)
        .where(outbox.c.seq == candidates.c.seq)
        .limit(literal_column("1"))
        .with_for_update(skip_locked=True)
        .lateral("locked")
    )
    picked = (
        select(locked.c.seq)
        .select_from(candidates.join(locked, true()))
        .where(locked.c.published_at.is_(None), _free(locked.c.lease_until))
        .limit(limit)
        .cte("picked")
        .prefix_with("MATERIALIZED")
    )
    lease = func.now() + literal_column(f"interval '{LEASE_SECONDS} seconds'")
    return update(outbox).where(outbox.c.seq == picked.c.seq).values(lease_until=lease).returning(*columns)


def _free(lease_until):
    """No relay holds the row: never leased, or its lease ran out (by the database's clock)."""
    return or_(lease_until.is_(None), lease_until < func.now())


class OutboxRelay:
    """Publishes pending outbox rows; ``kick()`` after a commit wakes it without waiting for the poll."""

    def __init__(
        self,
        *,
        session_factory: async_sessionmaker[AsyncSession],
        bus: MessageBus,
        batch_size: int = 200,
        poll_seconds: float = 0.25,
        retention: timedelta = timedelta(days=7),
    ) -> None:
        self._session_factory = session_factory
        self._bus = bus
        self._poll_seconds = poll_seconds
        self._retention = retention
        self._wake = asyncio.Event()
        self._postgres = session_factory.kw["bind"].dialect.name == "postgresql"
        self._claim = _claim_statement(batch_size=batch_size, postgres=self._postgres)  # built once
        self._statements = autocommit_sessions(session_factory)  # the lease, the mark: one statement each
        self.published_total = 0

    def kick(self) -> None:
        self._wake.set()

    async def publish_pending(self) -> int:
        """Publish one batch; returns how many events were confirmed and marked sent."""
        if not self._postgres:  # the only relay of its file: it claims, publishes and marks in one transaction
            async with self._session_factory() as session, session.begin():
                rows = (await session.execute(self._claim)).all()
                if rows:
                    await self._bus.publish([_message(row) for row in rows])
                    await _mark_published(session, rows)
            self.published_total += len(rows)
            return len(rows)
        async with self._statements() as session:
            rows = (await session.execute(self._claim)).all()
        if not rows:
            return 0
        rows = sorted(rows, key=lambda row: row.seq)
        try:
            await self._bus.publish([_message(row) for row in rows])
        except Exception:
            await self._release(rows)
            raise
        async with self._statements() as session:
            await _mark_published(session, rows)
        self.published_total += len(rows)
        return len(rows)

    async def _release(self, rows) -> None:
        """Give a batch that could not be published back at once (otherwise its lease would hold it back)."""
        try:
            async with self._statements() as session:
                await session.execute(
                    update(outbox)
                    .where(outbox.c.seq.in_([row.seq for row in rows]), outbox.c.published_at.is_(None))
                    .values(lease_until=None)
                )
        except Exception:  # the database is gone too: the lease runs out by itself
            log.warning("outbox lease not released, it will run out", exc_info=True)

    async def purge_published(self) -> int:
        cutoff = datetime.now(UTC) - self._retention
        async with self._session_factory() as session, session.begin():
            result = await session.execute(
                delete(outbox).where(outbox.c.published_at.is_not(None), outbox.c.published_at < cutoff)
            )
        return result.rowcount or 0

    async def run(self) -> None:
        """Loop until cancelled; errors (broker or database down) back off and retry."""
        backoff, next_purge = self._poll_seconds, 0.0
        while True:
            try:
                published = await self.publish_pending()
                backoff = self._poll_seconds
                if published == 0 and asyncio.get_running_loop().time() >= next_purge:
                    await self.purge_published()
                    next_purge = asyncio.get_running_loop().time() + PURGE_EVERY_SECONDS
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("outbox relay failed, will retry", exc_info=True)
                published, backoff = 0, min(backoff * 2, 5.0)
            if published == 0:
                await self._sleep(backoff)

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)
        except TimeoutError:
            pass
        self._wake.clear()

    async def pending_count(self) -> int:
        async with self._session_factory() as session:
            return await session.scalar(select(func.count()).where(outbox.c.published_at.is_(None))) or 0


# built once (an IN list of literal values made a bind parameter object per row of every batch)
_MARK_PUBLISHED = (
    update(outbox)
    .where(outbox.c.seq.in_(bindparam("seqs", expanding=True)))
    .values(published_at=bindparam("now"), lease_until=None)
)


async def _mark_published(session: AsyncSession, rows) -> None:
    await session.execute(_MARK_PUBLISHED, {"seqs": [row.seq for row in rows], "now": datetime.now(UTC)})


def _message(row) -> OutgoingMessage:
    return OutgoingMessage(
        message_id=str(row.event_id),
        event_type=row.event_type,
        body=row.payload.encode(),
        correlation_id=row.correlation_id,
    )
