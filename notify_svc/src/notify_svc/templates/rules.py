"""Pure template rules: which variables each event type offers, validation when saved, rendering when recorded.

Templates are Jinja2 in a sandbox with ``StrictUndefined``: a template can read the variables of its event type
and nothing else, and an unknown name is refused when the template is saved, never discovered when sending.
"""

from datetime import date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import StrictUndefined, TemplateError, meta
from jinja2.sandbox import SandboxedEnvironment

from notify_svc.templates.labels import LABELS
from services.contracts import CloudEvent
from services.contracts.consumers import CONSUMED_BY

EVENT_TYPES: dict[str, type[CloudEvent]] = {cls.event_type: cls for cls in CONSUMED_BY["notify"]}
HIDDEN_FIELDS = frozenset({"contact_sealed", "petitioner_ref"})  # never offered to a template
GLOBALS = frozenset({"guide_url"})
ENVIRONMENT = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)


# notices of notify's own to a unit (not caused by an event): their type and the values they offer to templates
OWNER_NOTICES: dict[str, tuple[str, ...]] = {
    "notify.webhook_disabled": ("subscription_id", "url", "description", "disabled_reason", "disabled_at"),
}


def known_event_type(event_type: str) -> bool:
    """An event type notify consumes, or one of its own notices: templates may be saved for it."""
    return event_type in EVENT_TYPES or event_type in OWNER_NOTICES


def _data_fields(event_type: str) -> dict[str, Any]:
    if event_type in OWNER_NOTICES:
        return {name: datetime if name.endswith("_at") else str for name in OWNER_NOTICES[event_type]}
    data_model = EVENT_TYPES[event_type].model_fields["data"].annotation
    return {name: field.annotation for name, field in data_model.model_fields.items() if name not in HIDDEN_FIELDS}


def _is_time(annotation: Any) -> bool:
    return any(t in (datetime, date) for t in (annotation, *getattr(annotation, "__args__", ())))


@lru_cache(maxsize=64)
def allowed_variables(event_type: str) -> frozenset[str]:
    """Every name a template of this event type may use: the payload's fields, ``<time>_text`` for its times,
    ``<code>_name`` for its coded values, and the globals."""
    fields = _data_fields(event_type)
    derived = {f"{name}_text" for name, annotation in fields.items() if _is_time(annotation)}
    derived |= {f"{name}_name" for name in fields if name in LABELS}
    return frozenset(fields) | derived | GLOBALS


def format_time(value: datetime | date, *, timezone: str) -> str:
    """``2026年3月2日 09:31`` in the bureau's time zone; a date alone is ``2026年4月20日``."""
    if isinstance(value, datetime):
        local = value.astimezone(ZoneInfo(timezone))
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
    return f"{value.year}年{value.month}月{value.day}日"


def template_context(data: dict[str, Any], *, event_type: str, timezone: str, guide_url: str) -> dict[str, Any]:
    """The variables offered to a template: ``data`` is the event's payload as Python values."""
    context = {name: data.get(name) for name in _data_fields(event_type)}
    for name, value in list(context.items()):
        if isinstance(value, datetime | date):
            context[f"{name}_text"] = format_time(value, timezone=timezone)
        elif name in LABELS:
            context[f"{name}_name"] = LABELS[name].get(value, value) if isinstance(value, str) else value
    for name in allowed_variables(event_type) - context.keys() - GLOBALS:
        context[name] = None  # a time that is null in this event: ``{% if due_at %}`` still works
    return context | {"guide_url": guide_url}


def template_problems(source: str, *, event_type: str) -> list[tuple[str, str]]:
    """``(code, Chinese detail)`` for each problem of a template's source; empty when it may be saved."""
    try:
        parsed = ENVIRONMENT.parse(source)
        ENVIRONMENT.from_string(source)
    except TemplateError as exc:
        return [("template_syntax", f"模板语法错误：{exc}")]
    unknown = sorted(meta.find_undeclared_variables(parsed) - allowed_variables(event_type))
    return [("unknown_variable", f"模板使用了该事件类型没有的变量：{name}") for name in unknown]


@lru_cache(maxsize=512)
def _compiled(source: str):
    return ENVIRONMENT.from_string(source)


def render(source: str, context: dict[str, Any]) -> str:
    """Render with the sandbox; raises ``jinja2.TemplateError`` (e.g. an attribute of a null value)."""
    return _compiled(source).render(context).strip()
