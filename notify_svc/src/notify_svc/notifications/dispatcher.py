"""Sends due notifications outside any consumer transaction: claim, send, settle (with retries and backoff).

``dispatch_due`` runs one round (tests and the benchmark call it); ``run_dispatcher`` loops it in the background.
A round is a few statements whatever its size (ADR 0025): the claim is ONE ``WITH picked AS MATERIALIZED (SELECT …
FOR UPDATE SKIP LOCKED LIMIT n) UPDATE … RETURNING`` (so dispatchers of several processes never take the same row,
and no round takes more than its batch), the petitioners' contacts are read in one query and staff addresses come
from the cached directory; each channel sends its messages concurrently (bounded), and the outcomes are settled with
one statement per kind of outcome plus one insert of their events. A claim holds a lease: a row left ``sending`` by
a crashed process becomes due again when it runs out.
"""

import asyncio
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notify_svc.channels.base import Channel, Message, SendResult, guarded
from notify_svc.channels.factory import build_channels
from notify_svc.config import NotifySettings
from notify_svc.contacts import service as contacts
from notify_svc.notifications import events, repository, rules
from notify_svc.notifications.directory import directory
from services.db import autocommit_sessions, is_memory_sqlite, make_session_factory, make_worker_engine
from services.db.outbox import add_events

log = logging.getLogger(__name__)

_PETITIONER_KINDS = ("petitioner", "appointment_holder")


@dataclass
class DispatchReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.retrying + self.failed


async def dispatch_due(
    source: Any,
    now: datetime | None = None,
    *,
    channels: dict[str, Channel] | None = None,
    settings: NotifySettings | None = None,
    session_factory: async_sessionmaker[AsyncSession] | None = None,
) -> DispatchReport:
    """One round: ``source`` is a ``ServiceRuntime`` or a session factory (then ``settings`` defaults apply);
    ``session_factory`` overrides the source's (the background dispatcher's own connections)."""
    session_factory = session_factory or getattr(source, "session_factory", source)
    settings = settings or getattr(source, "settings", None) or NotifySettings()
    owned = channels is None
    channels = channels if channels is not None else build_channels(settings, session_factory)
    try:
        report = await _round(session_factory, settings, channels, now or datetime.now(UTC))
    finally:
        if owned:
            await asyncio.gather(*(channel.aclose() for channel in channels.values()))
    relay = getattr(source, "relay", None)
    if report.total and relay is not None:
        relay.kick()
    return report


async def _round(
    session_factory: async_sessionmaker[AsyncSession], settings: NotifySettings, channels: dict, now: datetime
) -> DispatchReport:
    claimed, addresses = await _claim(session_factory, settings, now)
    if not claimed:
        return DispatchReport()
    results = await _send_all(channels, claimed, addresses, settings=settings)
    async with session_factory() as session, session.begin():
        return await _settle(session, settings, list(zip(claimed, results, strict=True)), now)


async def _claim(session_factory, settings: NotifySettings, now: datetime) -> tuple[list[Row], dict[UUID, str]]:
    lease_until = now + timedelta(seconds=settings.claim_lease_seconds)
    # the claim holds alone (one statement on PostgreSQL); the addresses are reads
    async with autocommit_sessions(session_factory)() as session, session.begin():
        claimed = await repository.claim_due(
            session, now=now, lease_until=lease_until, limit=settings.dispatch_batch_size
        )
        addresses = await _addresses(session, settings, claimed) if claimed else {}
    return claimed, addresses


async def _addresses(session: AsyncSession, settings: NotifySettings, claimed: list[Row]) -> dict[UUID, str]:
    """The address of each claimed row that has one: inbox owners as recorded, petitioners' contacts decrypted
    (one query for the round), staff from the directory."""
    found: dict[UUID, str] = {}
    wanted: dict[UUID, tuple[UUID, str]] = {}
    staff = {}
    for row in claimed:
        if row.channel == "inbox":
            if row.inbox_owner:
                found[row.id] = row.inbox_owner
        elif row.recipient_kind in _PETITIONER_KINDS:
            try:
                wanted[row.id] = (UUID(row.recipient_ref), row.channel)
            except ValueError:  # ``petition:<id>``: the petitioner was never known here
                pass
        else:
            staff = staff or (await directory(session)).staff
            member = staff.get(row.recipient_ref)
            address = None if member is None else {"sms": member.phone, "email": member.email}.get(row.channel)
            if address:
                found[row.id] = address
    if wanted:
        plain = await contacts.petitioner_addresses(session=session, settings=settings, wanted=list(wanted.values()))
        found |= {row_id: plain[key] for row_id, key in wanted.items() if key in plain}
    return found


async def _send_all(
    channels: dict[str, Channel], claimed: list[Row], addresses: dict[UUID, str], *, settings: NotifySettings
) -> list[SendResult]:
    """Every channel sends its messages at the same time as the others; one result per claimed row, in order."""
    results: dict[UUID, SendResult] = {}
    by_channel: dict[str, list[Message]] = defaultdict(list)
    for row in claimed:
        if row.channel not in channels:
            results[row.id] = SendResult.failed(f"未配置 {row.channel} 通道", retryable=False)
        elif not addresses.get(row.id):
            results[row.id] = SendResult.failed("没有可用的联系方式", retryable=False)
        else:
            message = Message(row.id, row.channel, addresses[row.id], row.title, row.body, row.urgent)
            by_channel[row.channel].append(message)

    async def send(name: str, messages: list[Message]) -> None:
        sending = channels[name].send_many(
            messages, concurrency=settings.dispatch_concurrency, timeout=settings.send_timeout_seconds
        )
        outcome = await guarded(sending, timeout=settings.send_timeout_seconds * len(messages))
        answers = outcome if isinstance(outcome, list) else [outcome] * len(messages)
        results.update(zip((m.notification_id for m in messages), answers, strict=True))

    await asyncio.gather(*(send(name, messages) for name, messages in by_channel.items()))
    return [results[row.id] for row in claimed]


async def _settle(session: AsyncSession, settings: NotifySettings, outcomes: list, now: datetime) -> DispatchReport:
    """Outcomes are timed by the round's clock (``now``), so a test or benchmark controls the backoff. Rows with
    the same outcome are settled by one statement; a row claimed again meanwhile (its lease ran out) is skipped."""
    groups: dict[tuple, list[Row]] = defaultdict(list)
    for row, result in outcomes:
        values = _outcome(row, result, settings=settings, now=now)
        groups[tuple(sorted(values.items()))].append(row)
    report, staged = DispatchReport(), []
    for key, rows in groups.items():
        values = dict(key)
        settled = await repository.settle_many(session, [(row.id, row.attempts) for row in rows], values=values)
        done = [row for row in rows if row.id in settled]
        if values["status"] == "sent":
            report.sent += len(done)
            staged += [events.sent(row, now) for row in done]
        elif values["status"] == "failed":
            report.failed += len(done)
            staged += [events.failed(row, now, values["last_error"]) for row in done]
        else:
            report.retrying += len(done)
    await add_events(session, sorted(staged, key=lambda event: event.subject))
    return report


def _outcome(row: Row, result: SendResult, *, settings: NotifySettings, now: datetime) -> dict:
    if result.ok:
        return {"status": "sent", "sent_at": now, "last_error": None}
    status = rules.outcome_after_failure(row.attempts, max_attempts=settings.max_attempts, retryable=result.retryable)
    at = now + rules.retry_delay(
        row.attempts, base_seconds=settings.retry_base_seconds, cap_seconds=settings.retry_cap_seconds
    )
    if row.channel == "sms":
        at = rules.sms_allowed_at(
            at, urgent=row.urgent, start=settings.quiet_start, end=settings.quiet_end, timezone=settings.timezone
        )
    return {"status": status, "next_attempt_at": at, "last_error": result.error}


async def run_dispatcher(runtime: Any) -> None:
    """Loop until cancelled, on connections of its own (a busy consumer cannot take them), with
    ``dispatch_workers`` rounds in flight at once: a round mostly waits on the gateway and the mail server (ADR 0032),
    so one round at a time capped a process at about one batch per round trip of the slowest channel."""
    settings: NotifySettings = runtime.settings
    own = _own_pool(settings)
    engine = make_worker_engine(settings.database_url, pool_size=settings.dispatch_pool_size) if own else None
    session_factory = make_session_factory(engine) if engine is not None else runtime.session_factory
    channels = build_channels(settings, session_factory)
    try:
        loops = [_dispatch_loop(runtime, settings, channels, session_factory) for _ in range(settings.dispatch_workers)]
        await asyncio.gather(*loops)
    finally:
        await asyncio.gather(*(channel.aclose() for channel in channels.values()), return_exceptions=True)
        if engine is not None:
            await engine.dispose()


async def _dispatch_loop(runtime: Any, settings: NotifySettings, channels: dict, session_factory) -> None:
    """One worker: claim, send, settle; a full round goes again at once; otherwise it waits until a consumer of this
    process commits due notifications, or the poll interval. Workers claim with ``SKIP LOCKED``, so they never take
    the same rows; a worker claims only after its own round, so batches grow with the load."""
    backoff = settings.dispatch_poll_seconds
    with events.wake_signal() as woken:
        while True:
            woken.clear()
            try:
                report = await dispatch_due(
                    runtime, channels=channels, settings=settings, session_factory=session_factory
                )
                backoff = settings.dispatch_poll_seconds
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("notification dispatcher failed, will retry", exc_info=True)
                report, backoff = DispatchReport(), min(backoff * 2, 5.0)
            if report.total < settings.dispatch_batch_size:
                await _wait(woken, backoff)


def _own_pool(settings: NotifySettings) -> bool:
    """A pool of its own, except for an in-memory SQLite database (another engine would see another database)."""
    return settings.dispatch_pool_size > 0 and not is_memory_sqlite(settings.database_url)


async def _wait(woken: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(woken.wait(), timeout=seconds)
    except TimeoutError:
        pass
