"""Use cases of notification rules: the table that says who hears about which event, and how."""

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.notification_rules import repository
from notify_svc.notification_rules.defaults import DEFAULT_RULES
from notify_svc.notification_rules.exceptions import RuleExists, RuleInvalid, RuleNotFound
from notify_svc.notification_rules.models import NotificationRule
from notify_svc.templates import repository as templates
from notify_svc.templates.defaults import DEFAULT_TEMPLATES, NOTICE_TEMPLATES
from notify_svc.templates.models import NotificationTemplate
from services.http.errors import FieldError
from services.ids import uuid7


async def rules_for(*, session: AsyncSession, event_type: str) -> list[NotificationRule]:
    return list(await repository.rules_for(session, event_type))


async def _check_template(session: AsyncSession, *, template_key: str, event_type: str) -> None:
    template = await templates.latest(session, template_key)
    if template is None:
        detail = f"模板 {template_key} 不存在"
    elif template.event_type != event_type:
        detail = f"模板 {template_key} 属于事件类型 {template.event_type}"
    else:
        return
    raise RuleInvalid(detail, errors=[FieldError(pointer="/template_key", code="template_mismatch", detail=detail)])


async def add_rule(*, session: AsyncSession, values: dict) -> NotificationRule:
    await _check_template(session, template_key=values["template_key"], event_type=values["event_type"])
    if await repository.find(session, event_type=values["event_type"], recipient_kind=values["recipient_kind"]):
        raise RuleExists()
    rule = NotificationRule(id=uuid7(), updated_at=datetime.now(UTC), **_stored(values))
    repository.add(session, rule)
    try:
        await session.flush()
    except IntegrityError as exc:  # the same rule added concurrently
        raise RuleExists() from exc
    return rule


async def update_rule(*, session: AsyncSession, rule_id: UUID, changes: dict) -> NotificationRule:
    rule = await get_rule(session=session, rule_id=rule_id)
    if "template_key" in changes:
        await _check_template(session, template_key=changes["template_key"], event_type=rule.event_type)
    for name, value in _stored(changes).items():
        setattr(rule, name, value)
    rule.updated_at = datetime.now(UTC)
    await session.flush()
    return rule


def _stored(values: dict) -> dict:
    if "channels" in values:
        values = values | {"channels": ",".join(dict.fromkeys(values["channels"]))}
    return values


async def get_rule(*, session: AsyncSession, rule_id: UUID) -> NotificationRule:
    rule = await repository.get(session, rule_id)
    if rule is None:
        raise RuleNotFound()
    return rule


async def list_rules(*, session: AsyncSession, event_type: str | None) -> list[NotificationRule]:
    return list(await repository.list_rules(session, event_type=event_type))


async def seed_defaults(*, session: AsyncSession) -> bool:
    """Version 1 of the default templates and the default rules, on a fresh database only; version 1 of a notice
    template missing from an older database is added."""
    now = datetime.now(UTC)
    for key, template in NOTICE_TEMPLATES.items():
        if await templates.latest(session, key) is None:
            _add_template(session, key, template, now=now)
    if await repository.count(session) or await templates.count(session) > len(NOTICE_TEMPLATES):
        return False
    for key, template in DEFAULT_TEMPLATES.items():
        _add_template(session, key, template, now=now)
    for rule in DEFAULT_RULES:
        values = rule._asdict() | {"channels": ",".join(rule.channels)}
        repository.add(session, NotificationRule(id=uuid7(), enabled=True, updated_at=now, **values))
    return True


def _add_template(session: AsyncSession, key: str, template: tuple[str, str, str], *, now: datetime) -> None:
    event_type, title, body = template
    templates.add(
        session,
        NotificationTemplate(
            id=uuid7(), key=key, version=1, event_type=event_type, title=title, body=body,
            created_by="system", created_at=now,
        ),
    )  # fmt: skip
