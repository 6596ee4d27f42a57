"""What every event and every dispatch round needs to know, cached per process: the rules in force, the latest
template of each key (compiled once per key and version) and the staff contacts (ADR 0025).

Database triggers raise ``directory_version.version`` on every change to ``notification_rules``,
``notification_templates`` or ``staff_contacts``, whoever makes it (the API, another process, a migration, SQL by
hand). ``directory(session)`` reads that one row in the caller's transaction and reloads the three tables only when
the version moved, so a change committed anywhere is used by the next event of every process. The cache is kept per
database engine (tests run several databases in one process).
"""

import weakref
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Template, TemplateError
from sqlalchemy import Engine, select
from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.contacts.models import StaffContact
from notify_svc.notification_rules.models import NotificationRule
from notify_svc.notifications import repository
from notify_svc.templates import repository as template_repository
from notify_svc.templates import rules as template_rules


@dataclass(frozen=True)
class Rule:
    event_type: str
    recipient_kind: str
    channel_list: tuple[str, ...]
    template_key: str
    urgent: bool
    timing: str


@dataclass(frozen=True)
class Template:
    key: str
    version: int
    event_type: str
    title: str
    body: str
    compiled: tuple[Template | None, Template | None] = field(compare=False)

    def render(self, context: dict[str, Any]) -> tuple[str, str]:
        """Title and body; raises ``TemplateError`` when a source does not compile (stored before validation)."""
        title, body = self.compiled
        if title is None or body is None:
            raise TemplateError("模板无法编译")
        return title.render(context).strip(), body.render(context).strip()


@dataclass(frozen=True)
class Staff:
    id: str
    unit_code: str
    role: str
    inbox_id: str | None
    phone: str | None
    email: str | None
    active: bool


@dataclass(frozen=True)
class Directory:
    version: int | None
    rules: dict[str, tuple[Rule, ...]]
    templates: dict[str, Template]
    staff: dict[str, Staff]  # by id, inactive members too (a recorded notice is still sent)
    _by_unit_role: dict[tuple[str, str], tuple[Staff, ...]]

    def rules_for(self, event_type: str) -> tuple[Rule, ...]:
        return self.rules.get(event_type, ())

    def staff_of_units(self, unit_codes: list[str], role: str) -> list[Staff]:
        """Active members of the units with the role, ordered by id (as the query it replaces)."""
        found = {m.id: m for unit in dict.fromkeys(unit_codes) for m in self._by_unit_role.get((unit, role), ())}
        return [found[i] for i in sorted(found)]


_CACHE: "weakref.WeakKeyDictionary[Engine, Directory]" = weakref.WeakKeyDictionary()


async def directory(session: AsyncSession) -> Directory:
    """The directory as committed when this transaction reads the version (one primary-key read when unchanged)."""
    engine = session.get_bind()
    version = await repository.directory_version(session)
    cached = _CACHE.get(engine)
    if cached is not None and version is not None and cached.version == version:
        return cached
    loaded = await _load(session, version)
    if version is not None:  # without the counter row there is nothing to compare with: never cache
        _CACHE[engine] = loaded
    return loaded


def forget(engine: Engine | None = None) -> None:
    """Drop the cached directory of one engine (or all); the next use reloads it."""
    if engine is None:
        _CACHE.clear()
    else:
        _CACHE.pop(engine, None)


async def _load(session: AsyncSession, version: int | None) -> Directory:
    enabled = NotificationRule.enabled.is_(True)
    statement = select(NotificationRule).where(enabled).order_by(NotificationRule.recipient_kind)
    rules: dict[str, list[Rule]] = defaultdict(list)
    for r in (await session.scalars(statement)).all():
        rule = Rule(r.event_type, r.recipient_kind, tuple(r.channel_list), r.template_key, r.urgent, r.timing)
        rules[r.event_type].append(rule)
    templates = {t.key: _template(t) for t in await template_repository.latest_of_every_key(session)}
    staff = [_staff(m) for m in (await session.scalars(select(StaffContact).order_by(StaffContact.id))).all()]
    by_unit_role: dict[tuple[str, str], list[Staff]] = defaultdict(list)
    for member in staff:
        if member.active:
            by_unit_role[(member.unit_code, member.role)].append(member)
    return Directory(
        version=version,
        rules={k: tuple(v) for k, v in rules.items()},
        templates=templates,
        staff={m.id: m for m in staff},
        _by_unit_role={k: tuple(v) for k, v in by_unit_role.items()},
    )


def _template(row) -> Template:
    compiled = (compile_source(row.title), compile_source(row.body))
    return Template(row.key, row.version, row.event_type, row.title, row.body, compiled)


def compile_source(source: str) -> Template | None:
    try:
        return template_rules.ENVIRONMENT.from_string(source)
    except TemplateError:
        return None


def _staff(row: StaffContact) -> Staff:
    return Staff(str(row.id), row.unit_code, row.role, row.inbox_id, row.phone, row.email, bool(row.active))
