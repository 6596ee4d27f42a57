"""Use cases of templates: save a new version after validating it, find the version in force."""

from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.templates import repository, rules
from notify_svc.templates.exceptions import TemplateInvalid, TemplateNotFound, TemplateSavedConcurrently
from notify_svc.templates.models import NotificationTemplate
from services.http.errors import FieldError
from services.ids import uuid7


def _problems(*, event_type: str, title: str, body: str) -> list[FieldError]:
    return [
        FieldError(pointer=pointer, code=code, detail=detail)
        for pointer, source in (("/title", title), ("/body", body))
        for code, detail in rules.template_problems(source, event_type=event_type)
    ]


async def save_version(
    *, session: AsyncSession, key: str, event_type: str, title: str, body: str, created_by: str
) -> NotificationTemplate:
    """A new version of ``key``; the event type of a key never changes (its rules expect its variables)."""
    current = await repository.latest(session, key)
    if current is not None and current.event_type != event_type:
        detail = f"模板 {key} 属于事件类型 {current.event_type}，不能改为其他事件类型"
        raise TemplateInvalid(
            detail, errors=[FieldError(pointer="/event_type", code="event_type_fixed", detail=detail)]
        )
    if errors := _problems(event_type=event_type, title=title, body=body):
        raise TemplateInvalid("模板含有未定义的变量或语法错误", errors=errors)
    template = NotificationTemplate(
        id=uuid7(),
        key=key,
        version=1 if current is None else current.version + 1,
        event_type=event_type,
        title=title,
        body=body,
        created_by=created_by,
        created_at=datetime.now(UTC),
    )
    repository.add(session, template)
    try:
        await session.flush()
    except IntegrityError as exc:  # another save of this key took the same version number first
        raise TemplateSavedConcurrently() from exc
    return template


async def in_force(*, session: AsyncSession, key: str) -> NotificationTemplate:
    template = await repository.latest(session, key)
    if template is None:
        raise TemplateNotFound(f"模板 {key} 不存在")
    return template


async def versions(*, session: AsyncSession, key: str) -> list[NotificationTemplate]:
    found = list(await repository.versions(session, key))
    if not found:
        raise TemplateNotFound(f"模板 {key} 不存在")
    return found


async def list_templates(*, session: AsyncSession) -> list[NotificationTemplate]:
    return list(await repository.latest_of_every_key(session))
