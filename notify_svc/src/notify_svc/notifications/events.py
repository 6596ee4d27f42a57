"""The events a notification's outcome stages (kind and channel, never an address), and the dispatcher's wake-up
when a consumer commits notifications that are due."""

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import event as orm_event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from services.contracts.notify import NotificationData, NotificationFailed, NotificationFailedData, NotificationSent

_WAKE = "notify_dispatcher_wake"
_WAITERS: set[asyncio.Event] = set()


def sent(row: Any, now: datetime) -> NotificationSent:
    return NotificationSent.create(subject=str(row.id), data=_data(row, now))


def failed(row: Any, now: datetime, error: str) -> NotificationFailed:
    data = NotificationFailedData(**_data(row, now).model_dump(), error=error)
    return NotificationFailed.create(subject=str(row.id), data=data)


def _data(row: Any, now: datetime) -> NotificationData:
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


def wake_dispatchers_after_commit(session: AsyncSession) -> None:
    """Notifications due now were recorded in this transaction: wake this process's dispatchers when it commits."""
    session.info[_WAKE] = True


@orm_event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop(_WAKE, False):
        for waiter in tuple(_WAITERS):
            waiter.set()


@orm_event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_WAKE, None)


@contextmanager
def wake_signal() -> Iterator[asyncio.Event]:
    """An event set whenever a transaction of this process commits due notifications."""
    waiter = asyncio.Event()
    _WAITERS.add(waiter)
    try:
        yield waiter
    finally:
        _WAITERS.discard(waiter)
