"""Use cases of notifications: when an event arrives, record what is owed to whom (``pending``); the dispatcher
sends later, outside the consumer's transaction."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from jinja2 import TemplateError
from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.config import NotifySettings
from notify_svc.contacts import service as contacts
from notify_svc.notification_rules import service as rule_book
from notify_svc.notification_rules.models import NotificationRule
from notify_svc.notifications import repository, rules
from notify_svc.notifications.exceptions import NotificationNotFailed, NotificationNotFound
from notify_svc.notifications.models import Notification
from notify_svc.notifications.recipients import Recipient, recipients
from notify_svc.templates import rules as template_rules
from notify_svc.templates import service as templates
from notify_svc.templates.models import NotificationTemplate
from services.contracts import CloudEvent
from services.ids import uuid7


async def when_event_arrived(*, session: AsyncSession, event: CloudEvent, settings: NotifySettings) -> None:
    """Remember contacts the event carries, then record the notifications its rules call for."""
    data = dict(event.data)
    await _remember_contacts(session=session, settings=settings, event=event, data=data)
    if event.type == "xinfang.appointment.cancelled.v1":
        await repository.cancel_pending(
            session,
            subject_id=str(data["appointment_id"]),
            source_event_type="xinfang.appointment.booked.v1",
            reason="预约已取消",
        )
    rules_in_force = await rule_book.rules_for(session=session, event_type=event.type)
    if not rules_in_force:
        return
    scope = await _scope(session=session, settings=settings, data=data)
    for rule in rules_in_force:
        await _apply(session=session, settings=settings, event=event, data=data, rule=rule, scope=scope)


async def _scope(*, session: AsyncSession, settings: NotifySettings, data: dict) -> str:
    petition_scope = None
    if data.get("petition_id") is not None:
        petition = await contacts.petitioner_of_petition(session=session, petition_id=data["petition_id"])
        petition_scope = petition.scope_code if petition else None
    return rules.scope_of(data, district_code=settings.district_code, petition_scope=petition_scope)


async def _remember_contacts(*, session: AsyncSession, settings: NotifySettings, event: CloudEvent, data: dict) -> None:
    ref = data.get("petitioner_ref")
    if ref is None:
        return
    await contacts.remember_petitioner(
        session=session, settings=settings, petitioner_ref=ref, contact_sealed=data.get("contact_sealed")
    )
    if data.get("petition_id") is not None and data.get("tracking_no"):
        await contacts.remember_petition(
            session=session,
            petition_id=data["petition_id"],
            petitioner_ref=ref,
            tracking_no=data["tracking_no"],
            phone_masked=data.get("phone_masked"),
            scope_code=rules.scope_of(data, district_code=settings.district_code),
        )


async def _apply(
    *,
    session: AsyncSession,
    settings: NotifySettings,
    event: CloudEvent,
    data: dict,
    rule: NotificationRule,
    scope: str,
) -> None:
    found = await recipients(session=session, settings=settings, kind=rule.recipient_kind, event=event, data=data)
    if not found:
        return
    template = await templates.in_force(session=session, key=rule.template_key)
    now = datetime.now(UTC)
    base = _rendered(template, data, event_type=event.type, settings=settings) | {
        "source_event_id": event.id,
        "source_event_type": event.type,
        "subject_id": rules.subject_of(data),
        "petition_id": data.get("petition_id"),
        "scope_code": scope,
        "urgent": rule.urgent,
        "created_at": now,
    }
    at = rules.scheduled_at(rule.timing, data, now=now)
    rows = [
        _row(base, recipient, channel, at=at, settings=settings)
        for recipient in found
        for channel in rule.channel_list
        if channel in recipient.masked and channel in enabled_channels(settings)
    ]
    await repository.add_once(session, rows)


def _rendered(template: NotificationTemplate, data: dict, *, event_type: str, settings: NotifySettings) -> dict:
    """Title and body from the template in force; a template that fails on this event's values gives a row that
    is ``failed`` at once with the reason (visible), instead of failing the whole event."""
    context = template_rules.template_context(
        data, event_type=event_type, timezone=settings.timezone, guide_url=settings.guide_url
    )
    rendered = {"template_key": template.key, "template_version": template.version, "last_error": None}
    try:
        title, body = template_rules.render(template.title, context), template_rules.render(template.body, context)
    except TemplateError as exc:
        return rendered | {"title": template.title[:200], "body": "", "last_error": f"模板渲染失败：{exc}"[:500]}
    return rendered | {"title": title[:200], "body": body}


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
