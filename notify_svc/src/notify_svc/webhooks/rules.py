"""Pure decisions of webhooks: which event types may be subscribed, who manages a subscription, which addresses
are allowed in which environment, which secrets sign, and the thin payload of a delivery (ADR 0020)."""

import json
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from services.contracts.consumers import CONSUMED_BY

SUBSCRIBABLE_EVENT_TYPES: tuple[str, ...] = tuple(sorted(cls.event_type for cls in CONSUMED_BY["notify"]))
"""Every event notify_svc consumes may be subscribed to; notify's own events are not (they describe deliveries)."""

LOOPBACK_ALLOWLIST: tuple[str, ...] = ("127.0.0.0/8", "::1", "localhost")
"""What development and test environments (embedded mode) allow by default: a local receiver, also over http."""

_EMBEDDED_ENVIRONMENTS = frozenset({"development", "test"})
MAX_PAYLOAD_BYTES = 20_000
MANAGER_ROLES = ("admin", "partner")

LINKS: dict[str, tuple[str, str]] = {
    "petition_id": ("petition", "/intake/v1/petitions/{}"),
    "case_id": ("case", "/routing/v1/cases/{}"),
    "grid_id": ("grid", "/screening/v1/grids/{}"),
}
"""An id field of an event -> the name and path of the API resource a subscriber reads (with its own token)."""


def effective_allowlist(*, environment: str, configured: list[str] | None) -> tuple[str, ...]:
    """The configured allowlist, or loopback in development/test (embedded mode) and nothing elsewhere."""
    if configured is not None:
        return tuple(configured)
    return LOOPBACK_ALLOWLIST if environment in _EMBEDDED_ENVIRONMENTS else ()


def http_allowed(*, environment: str, configured: bool | None) -> bool:
    """Whether plain http may reach an allowlisted host: as configured, else only in development/test."""
    return configured if configured is not None else environment in _EMBEDDED_ENVIRONMENTS


def unknown_event_types(event_types: Iterable[str]) -> list[tuple[int, str]]:
    """``(index, type)`` of every entry that is not a subscribable event type."""
    known = frozenset(SUBSCRIBABLE_EVENT_TYPES)
    return [(index, value) for index, value in enumerate(event_types) if value not in known]


def duplicate_event_types(event_types: Iterable[str]) -> list[tuple[int, str]]:
    """``(index, type)`` of every entry that repeats an earlier one."""
    seen: set[str] = set()
    repeated = []
    for index, value in enumerate(event_types):
        if value in seen:
            repeated.append((index, value))
        seen.add(value)
    return repeated


def may_manage(*, roles: Iterable[str], jurisdiction: str | None, owner: str) -> bool:
    """An admin manages every subscription; a partner only those of its own owner code (its token's scope)."""
    role_set = frozenset(roles)
    if "admin" in role_set:
        return True
    return "partner" in role_set and jurisdiction is not None and jurisdiction == owner


def owner_for_new(*, roles: Iterable[str], jurisdiction: str | None, requested: str | None) -> str | None:
    """The owner a new subscription gets: the requested one, or the partner's own code; ``None`` when not allowed."""
    owner = requested if requested is not None else (jurisdiction if "admin" not in frozenset(roles) else None)
    if owner is None or not may_manage(roles=roles, jurisdiction=jurisdiction, owner=owner):
        return None
    return owner


def signing_secrets(
    *, current: str, previous: str | None, previous_expires_at: datetime | None, now: datetime
) -> list[str]:
    """The new secret first, then the previous one while the rotation's overlap lasts."""
    if previous is not None and previous_expires_at is not None and now < previous_expires_at:
        return [current, previous]
    return [current]


def overlap_end(*, now: datetime, hours: float) -> datetime | None:
    """Until when the previous secret still signs after a rotation; ``None`` when there is no overlap."""
    return now + timedelta(hours=hours) if hours > 0 else None


def event_ids(data: Mapping[str, Any]) -> dict[str, str]:
    """The UUID-valued ``*_id`` fields of an event's data; references to people (``*_ref``) never qualify."""
    found = {}
    for name, value in data.items():
        if not name.endswith("_id") or value is None:
            continue
        try:
            found[name] = str(UUID(str(value)))
        except ValueError:
            continue
    return found


def links(ids: Mapping[str, str], *, base_url: str) -> dict[str, str]:
    base = base_url.rstrip("/")
    return {LINKS[name][0]: base + LINKS[name][1].format(value) for name, value in ids.items() if name in LINKS}


def thin_payload(
    *, event_id: str, event_type: str, subject: str, time: datetime, data: Mapping[str, Any], base_url: str
) -> dict[str, Any]:
    """The body of a delivery (Standard Webhooks' ``type``/``timestamp``/``data``): ids and links, no personal data."""
    ids = event_ids(data)
    return {
        "type": event_type,
        "timestamp": time.isoformat(),
        "data": {"event_id": event_id, "subject": subject, **ids, "links": links(ids, base_url=base_url)},
    }


def encode_payload(payload: Mapping[str, Any]) -> str:
    """Compact JSON; ``ValueError`` when it would exceed ``MAX_PAYLOAD_BYTES`` (a thin payload never should)."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    if len(text.encode()) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"webhook payload exceeds {MAX_PAYLOAD_BYTES} bytes")
    return text
