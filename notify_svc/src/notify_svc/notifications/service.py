"""Use cases of notifications: when an event arrives, record what is owed to whom (``pending``); the dispatcher
sends later, outside the consumer's transaction."""

import contextlib
from collections.abc import Sequence
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any
from uuid import UUID

from jinja2 import TemplateError
from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.config import NotifySettings
from notify_svc.contacts import service as contacts
from notify_svc.notifications import events as events_module
from notify_svc.notifications import repository, rules
from notify_svc.notifications.directory import Directory, Rule, Template, compile_source, directory
from notify_svc.notifications.exceptions import NotificationNotFailed, NotificationNotFound
from notify_svc.notifications.models import Notification
from notify_svc.notifications.recipients import Lookup, PetitionRows, Recipient, recipients, staff_recipients
from notify_svc.templates import rules as template_rules
from notify_svc.templates.defaults import NOTICE_TEMPLATES
from notify_svc.templates.exceptions import TemplateNotFound
from services.contracts import CloudEvent
from services.db.inbox import event_context
from services.db.outbox import add_events
from services.ids import uuid7


async def when_event_arrived(*, session: AsyncSession, event: CloudEvent, settings: NotifySettings) -> None:
    """Remember contacts the event carries, then record the notifications its rules call for, in one insert."""
    await when_events_arrived(session=session, events=[event], settings=settings)


APPOINTMENT_CANCELLED = "xinfang.appointment.cancelled.v1"


async def when_events_arrived(*, session: AsyncSession, events: Sequence[CloudEvent], settings: NotifySettings) -> None:
    """``when_event_arrived`` for several events (in delivery order) in the caller's transaction, with one statement
    per table: the contacts and petitions they carry, the petitions they name read in one query, their notifications
    inserted together (those recorded so far go in before a cancellation, which must find them)."""
    datas = [dict(event.data) for event in events]
    petitions = PetitionRows()
    lookups = [Lookup(session, data, petitions=petitions) for data in datas]
    await _remember_contacts(session=session, settings=settings, datas=datas, lookups=lookups)
    book = await directory(session)
    wanted = [d["petition_id"] for e, d in zip(events, datas, strict=True) if book.rules_for(e.type) and _names(d)]
    await petitions.read(session, wanted)
    now, rows = datetime.now(UTC), []
    for event, data, lookup in zip(events, datas, lookups, strict=True):
        if event.type == APPOINTMENT_CANCELLED:
            await record(session, rows, now=now, events=events)
            rows = []
            await repository.cancel_pending(
                session,
                subject_id=str(data["appointment_id"]),
                source_event_type="xinfang.appointment.booked.v1",
                reason="预约已取消",
            )
        rows += await _event_rows(book, event, data=data, lookup=lookup, settings=settings, now=now)
    await record(session, rows, now=now, events=events)


def _names(data: dict) -> bool:
    """Whether the event names a petition its rules may need read: for the petitioner, or for the scope."""
    if data.get("petition_id") is None:
        return False
    return data.get("petitioner_ref") is None or not any(data.get(name) for name in SCOPE_FIELDS)


async def _event_rows(
    book: Directory, event: CloudEvent, *, data: dict, lookup: Lookup, settings: NotifySettings, now: datetime
) -> list[dict]:
    rules_in_force = book.rules_for(event.type)
    if not rules_in_force:
        return []
    scope = await _scope(lookup=lookup, settings=settings, data=data)
    rows: list[dict] = []
    for rule in rules_in_force:
        found = await recipients(
            book=book, lookup=lookup, settings=settings, kind=rule.recipient_kind, event=event, data=data
        )
        if found:
            base = _base(book, rule, event=event, data=data, scope=scope, settings=settings, now=now)
            rows += _rows(base, found, rule, data=data, settings=settings, now=now)
    return rows


async def notify_owner(
    session: AsyncSession,
    owner: str,
    kind: str,
    data: dict[str, Any],
    *,
    settings: NotifySettings | None = None,
    source_id: str | None = None,
) -> int:
    """Tell a unit (``owner``: the unit code a webhook subscription belongs to) about something of its own, in its
    staff's inbox and by e-mail to those who have one, in the caller's transaction; the dispatcher sends it.

    ``kind``: ``"webhook_disabled"``, with ``data`` keys ``subscription_id``, ``url``, ``description``,
    ``disabled_reason`` (``gone``, ``attempts_exhausted``, ``manual``) and ``disabled_at`` (an aware datetime);
    missing keys render as absent. The text is the template ``owner.<kind>`` in force (a Chinese default, editable
    like any template). The unit's handlers are told; a unit without handlers in the staff directory, its
    supervisors up to the district. ``source_id`` makes repeated calls for the same occurrence record once
    (default: a new id per call). Returns how many notifications were recorded.
    """
    settings = settings or NotifySettings()
    key, notice_type = f"owner.{kind}", f"notify.{kind}"
    if notice_type not in template_rules.OWNER_NOTICES:
        raise ValueError(f"unknown owner notice {kind!r}")
    now, book = datetime.now(UTC), await directory(session)
    template = book.templates.get(key) or _default_notice(key)
    unit = {"unit_code": owner}
    found = staff_recipients(book=book, settings=settings, kind="handler", data=unit) or staff_recipients(
        book=book, settings=settings, kind="supervisor", data=unit
    )
    base = rendered(template, data, event_type=notice_type, settings=settings) | {
        "source_event_id": source_id or str(uuid7()),
        "source_event_type": notice_type,
        "subject_id": str(data["subscription_id"]) if data.get("subscription_id") else None,
        "petition_id": None,
        "scope_code": rules.scope_of(unit, district_code=settings.district_code),
        "urgent": False,
        "created_at": now,
    }
    rule = Rule(notice_type, "handler", ("inbox", "email"), key, False, "immediately")
    rows = _rows(base, found, rule, data=data, settings=settings, now=now)
    await record(session, rows, now=now)
    return len(rows)


def _default_notice(key: str) -> Template:
    notice_type, title, body = NOTICE_TEMPLATES[key]
    return Template(key, 0, notice_type, title, body, (compile_source(title), compile_source(body)))


async def record(session: AsyncSession, rows: list[dict], *, now: datetime, events: Sequence[CloudEvent] = ()) -> None:
    """Insert the rows (one statement each for pending and failed ones); a row that could not be rendered is
    ``failed`` at once and stages ``notification.failed`` (under the correlation of its event among ``events``);
    the dispatcher is woken if any row is due."""
    pending = [row for row in rows if row["status"] == "pending"]
    await repository.add_once(session, pending)
    failed = [row for row in rows if row["status"] == "failed"]
    if failed:
        inserted = set(await repository.add_once(session, failed, returning=True))
        by_id = {event.id: event for event in events}
        staged = []
        for row in failed:
            if row["id"] in inserted:
                source = by_id.get(row["source_event_id"])
                with event_context(source) if source is not None else contextlib.nullcontext():
                    staged.append(events_module.failed(SimpleNamespace(**row), now, row["last_error"]))
        await add_events(session, staged)
    if any(row["next_attempt_at"] <= now for row in pending):
        events_module.wake_dispatchers_after_commit(session)


SCOPE_FIELDS = ("unit_code", "community_code", "jurisdiction_code")


async def _scope(*, lookup: Lookup, settings: NotifySettings, data: dict) -> str:
    """The event's own unit, community or jurisdiction; only an event naming none needs its petition's."""
    if any(data.get(name) for name in SCOPE_FIELDS):
        return rules.scope_of(data, district_code=settings.district_code)
    petition = await lookup.petition()
    petition_scope = petition.scope_code if petition else None
    return rules.scope_of(data, district_code=settings.district_code, petition_scope=petition_scope)


async def _remember_contacts(
    *, session: AsyncSession, settings: NotifySettings, datas: list[dict], lookups: list[Lookup]
) -> None:
    """Store the contacts and petitions the events carry, one statement each (a petitioner's latest contact wins,
    a petition's first row stays); each event's lookup knows the contact it carried."""
    contact_rows, petition_rows = {}, {}
    for data, lookup in zip(datas, lookups, strict=True):
        ref = data.get("petitioner_ref")
        if ref is None:
            continue
        row = contacts.petitioner_contact_row(settings=settings, petitioner_ref=ref, sealed=data.get("contact_sealed"))
        if row is not None:
            contact_rows[row["petitioner_ref"]] = row
            lookup.know_contact(ref, contacts.ContactMasks(row["phone_masked"], row["email_masked"]))
        if data.get("petition_id") is not None and data.get("tracking_no"):
            petition = contacts.petition_row(
                petition_id=data["petition_id"],
                petitioner_ref=ref,
                tracking_no=data["tracking_no"],
                phone_masked=data.get("phone_masked"),
                scope_code=rules.scope_of(data, district_code=settings.district_code),
            )
            petition_rows.setdefault(petition["petition_id"], petition)
    await contacts.store_petitioner_contacts(session, list(contact_rows.values()))
    await contacts.store_petitions(session, list(petition_rows.values()))


def _base(
    book: Directory, rule: Rule, *, event: CloudEvent, data: dict, scope: str, settings: NotifySettings, now: datetime
) -> dict:
    template = book.templates.get(rule.template_key)
    if template is None:
        raise TemplateNotFound(f"模板 {rule.template_key} 不存在")
    return rendered(template, data, event_type=event.type, settings=settings) | {
        "source_event_id": event.id,
        "source_event_type": event.type,
        "subject_id": rules.subject_of(data),
        "petition_id": data.get("petition_id"),
        "scope_code": scope,
        "urgent": rule.urgent,
        "created_at": now,
    }


def _rows(
    base: dict, found: list[Recipient], rule: Rule, *, data: dict, settings: NotifySettings, now: datetime
) -> list[dict]:
    at = rules.scheduled_at(rule.timing, data, now=now)
    return [
        _row(base, recipient, channel, at=at, settings=settings)
        for recipient in found
        for channel in rule.channel_list
        if channel in recipient.masked and channel in enabled_channels(settings)
    ]


# what a template may fail with on one event's values (e.g. ``|abs`` of a null); the notice fails, not the event
RENDER_ERRORS = (TemplateError, TypeError, ValueError, ArithmeticError, LookupError, AttributeError)


def rendered(template: Template, data: dict, *, event_type: str, settings: NotifySettings) -> dict:
    """Title and body from the template in force; a template that fails on this event's values gives a row that
    is ``failed`` at once with the reason (visible), instead of failing the whole event."""
    context = template_rules.template_context(
        data, event_type=event_type, timezone=settings.timezone, guide_url=settings.guide_url
    )
    result = {"template_key": template.key, "template_version": template.version, "last_error": None}
    try:
        title, body = template.render(context)
    except RENDER_ERRORS as exc:
        return result | {"title": template.title[:200], "body": "", "last_error": f"模板渲染失败：{exc}"[:500]}
    return result | {"title": title[:200], "body": body}


def enabled_channels(settings: NotifySettings) -> tuple[str, ...]:
    """E-mail only where an SMTP server is configured; SMS always (a gateway or the recording channel)."""
    return ("sms", "inbox", "email") if settings.smtp_host else ("sms", "inbox")


def _row(base: dict, recipient: Recipient, channel: str, *, at: datetime, settings: NotifySettings) -> dict:
    if channel == "sms":
        at = rules.sms_allowed_at(
            at, urgent=base["urgent"], start=settings.quiet_start, end=settings.quiet_end, timezone=settings.timezone
        )
    return base | {
        "id": uuid7(),
        "recipient_kind": recipient.kind,
        "recipient_ref": recipient.ref,
        "recipient_masked": recipient.masked[channel],
        "inbox_owner": recipient.inbox_owner if channel == "inbox" else None,
        "channel": channel,
        "status": "failed" if base["last_error"] else "pending",
        "attempts": 0,
        "not_before": at,
        "next_attempt_at": at,
        "sent_at": None,
        "read_at": None,
    }


async def get_notification(*, session: AsyncSession, notification_id: UUID, readable: str | None) -> Notification:
    """``readable``: the scope prefix the caller may read (None: all); another jurisdiction's notification is 404."""
    notification = await repository.get(session, notification_id)
    if notification is None or not rules.visible(notification.scope_code, readable=readable):
        raise NotificationNotFound()
    return notification


async def retry(
    *, session: AsyncSession, notification_id: UUID, readable: str | None, settings: NotifySettings
) -> Notification:
    """A failed notification goes back to ``pending`` with a fresh count of attempts (quiet hours still hold)."""
    notification = await get_notification(session=session, notification_id=notification_id, readable=readable)
    if notification.status != "failed" or not notification.body:
        raise NotificationNotFailed(f"通知状态为 {notification.status}，只有发送失败的通知可以重试")
    at = datetime.now(UTC)
    if notification.channel == "sms":
        at = rules.sms_allowed_at(
            at,
            urgent=notification.urgent,
            start=settings.quiet_start,
            end=settings.quiet_end,
            timezone=settings.timezone,
        )
    notification.status, notification.attempts, notification.next_attempt_at = "pending", 0, at
    await session.flush()
    return notification


async def list_notifications(*, session: AsyncSession, **filters: Any):
    return await repository.list_notifications(session, **filters)


async def inbox(*, session: AsyncSession, owner: str, unread_only: bool, after: UUID | None, limit: int):
    return await repository.inbox_of(session, owner=owner, unread_only=unread_only, after=after, limit=limit)


async def mark_read(*, session: AsyncSession, owner: str, notification_id: UUID) -> Notification:
    notification = await repository.get(session, notification_id)
    if notification is None or notification.inbox_owner != owner or notification.channel != "inbox":
        raise NotificationNotFound()
    if notification.read_at is None:
        notification.read_at = datetime.now(UTC)
        await session.flush()
    return notification
