"""Sends due notifications outside any consumer transaction: claim, send, settle (with retries and backoff).

``dispatch_due`` runs one round (tests and the benchmark call it); ``run_dispatcher`` loops it in the background.
On PostgreSQL due rows are selected ``FOR UPDATE SKIP LOCKED`` so replicas never claim the same row; every claim is
also a conditional update, which is what serialises two dispatchers on SQLite. A claim holds a lease: a row left
``sending`` by a crashed process becomes due again when the lease runs out.
"""

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notify_svc.channels.base import Channel, Message, SendResult
from notify_svc.channels.factory import build_channels
from notify_svc.config import NotifySettings
from notify_svc.contacts import service as contacts
from notify_svc.notifications import repository, rules
from notify_svc.notifications.models import Notification
from services.contracts.notify import NotificationData, NotificationFailed, NotificationFailedData, NotificationSent
from services.db import add_event

log = logging.getLogger(__name__)


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
) -> DispatchReport:
    """One round: ``source`` is a ``ServiceRuntime`` or a session factory (then ``settings`` defaults apply)."""
    session_factory = getattr(source, "session_factory", source)
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
    claimed = await _claim(session_factory, settings, now)
    if not claimed:
        return DispatchReport()
    limit = asyncio.Semaphore(settings.dispatch_concurrency)

    async def send(row: Notification, address: str | None) -> SendResult:
        async with limit:
            return await _send(channels, row, address, timeout=settings.send_timeout_seconds)

    results = await asyncio.gather(*(send(row, address) for row, address in claimed))
    async with session_factory() as session, session.begin():
        outcomes = [(row, result) for (row, _), result in zip(claimed, results, strict=True)]
        return await _settle(session, settings, outcomes, now)


async def _claim(session_factory, settings: NotifySettings, now: datetime) -> list[tuple[Notification, str | None]]:
    lease_until = now + timedelta(seconds=settings.claim_lease_seconds)
    async with session_factory() as session, session.begin():
        ids = await repository.due_ids(session, now=now, limit=settings.dispatch_batch_size)
        won = [i for i in ids if await repository.claim(session, i, now=now, lease_until=lease_until)]
        rows = list(await repository.by_ids(session, won)) if won else []
        addresses = [await _address(session, settings, row) for row in rows]
        session.expunge_all()
    return list(zip(rows, addresses, strict=True))


async def _address(session: AsyncSession, settings: NotifySettings, row: Notification) -> str | None:
    if row.channel == "inbox":
        return row.inbox_owner
    if row.recipient_kind in ("petitioner", "appointment_holder"):
        try:
            ref = UUID(row.recipient_ref)
        except ValueError:  # ``petition:<id>``: the petitioner was never known here
            return None
        return await contacts.petitioner_address(
            session=session, settings=settings, petitioner_ref=ref, channel=row.channel
        )
    member = await contacts.staff_member_or_none(session=session, staff_id=row.recipient_ref)
    return None if member is None else {"sms": member.phone, "email": member.email}.get(row.channel)


async def _send(channels: dict[str, Channel], row: Notification, address: str | None, *, timeout: float) -> SendResult:
    channel = channels.get(row.channel)
    if channel is None:
        return SendResult.failed(f"未配置 {row.channel} 通道", retryable=False)
    if not address:
        return SendResult.failed("没有可用的联系方式", retryable=False)
    message = Message(row.id, row.channel, address, row.title, row.body, row.urgent)
    try:
        return await asyncio.wait_for(channel.send(message), timeout=timeout)
    except TimeoutError:
        return SendResult.failed("发送超时")
    except Exception as exc:  # noqa: BLE001 - a broken adapter must not stop the round; the row records why
        log.warning("channel raised", exc_info=True)
        return SendResult.failed(f"通道异常：{type(exc).__name__}")


async def _settle(session: AsyncSession, settings: NotifySettings, outcomes: list, now: datetime) -> DispatchReport:
    """Outcomes are timed by the round's clock (``now``), so a test or benchmark controls the backoff."""
    report = DispatchReport()
    for row, result in outcomes:
        values = _outcome(row, result, settings=settings, now=now)
        if not await repository.settle(session, row.id, attempts=row.attempts, values=values):
            continue
        if values["status"] == "sent":
            report.sent += 1
            await add_event(session, NotificationSent.create(subject=str(row.id), data=_data(row, now)))
        elif values["status"] == "failed":
            report.failed += 1
            failed = NotificationFailedData(**_data(row, now).model_dump(), error=values["last_error"])
            await add_event(session, NotificationFailed.create(subject=str(row.id), data=failed))
        else:
            report.retrying += 1
    return report


def _outcome(row: Notification, result: SendResult, *, settings: NotifySettings, now: datetime) -> dict:
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


def _data(row: Notification, now: datetime) -> NotificationData:
    return NotificationData(
        notification_id=row.id,
        source_event_id=row.source_event_id,
        source_event_type=row.source_event_type,
        channel=row.channel,
        recipient_kind=row.recipient_kind,
        template_key=row.template_key,
        attempts=max(row.attempts, 1),
        occurred_at=now,
    )


async def run_dispatcher(runtime: Any) -> None:
    """Loop until cancelled: a full round goes again at once, an empty one waits for the poll interval."""
    settings: NotifySettings = runtime.settings
    channels = build_channels(settings, runtime.session_factory)
    backoff = settings.dispatch_poll_seconds
    try:
        while True:
            try:
                report = await dispatch_due(runtime, channels=channels, settings=settings)
                backoff = settings.dispatch_poll_seconds
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("notification dispatcher failed, will retry", exc_info=True)
                report, backoff = DispatchReport(), min(backoff * 2, 5.0)
            if report.total == 0:
                await asyncio.sleep(backoff)
    finally:
        await asyncio.gather(*(channel.aclose() for channel in channels.values()), return_exceptions=True)
