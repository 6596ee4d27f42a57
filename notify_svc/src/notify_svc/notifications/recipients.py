"""Who a rule reaches for one event: the petitioner (by reference) or staff of the unit concerned."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.config import NotifySettings
from notify_svc.contacts import rules as contact_rules
from notify_svc.contacts import service as contacts
from notify_svc.notifications import rules
from services.contracts import CloudEvent
from services.messaging import RetryLater
from services.pii import mask_phone

_STAFF_ROLE = {"handler": "handler", "supervisor": "supervisor", "grid_team": "grid_team"}


@dataclass(frozen=True)
class Recipient:
    kind: str
    ref: str
    masked: dict[str, str] = field(default_factory=dict)  # channel -> masked address, for the channels they have
    inbox_owner: str | None = None


async def recipients(
    *, session: AsyncSession, settings: NotifySettings, kind: str, event: CloudEvent, data: dict[str, Any]
) -> list[Recipient]:
    if kind not in rules.recipient_kinds(event.type):
        return []
    if kind in ("petitioner", "appointment_holder"):
        found = await _petitioner(session=session, settings=settings, kind=kind, event=event, data=data)
        return [found] if found else []
    return await _staff(session=session, settings=settings, kind=kind, data=data)


async def _petitioner(
    *, session: AsyncSession, settings: NotifySettings, kind: str, event: CloudEvent, data: dict[str, Any]
) -> Recipient | None:
    ref, masked_phone = data.get("petitioner_ref"), data.get("phone_masked")
    if ref is None and data.get("petition_id") is not None:
        petition = await contacts.petitioner_of_petition(session=session, petition_id=data["petition_id"])
        if petition is None:
            return _unknown_petitioner(settings=settings, kind=kind, event=event, petition_id=data["petition_id"])
        ref, masked_phone = petition.petitioner_ref, petition.phone_masked
    if ref is None:
        return None
    contact = await contacts.petitioner_contact(session=session, petitioner_ref=ref)
    if contact is None:  # no contact arrived: the SMS is recorded and fails visibly for staff to follow up
        return Recipient(kind=kind, ref=str(ref), masked={"sms": masked_phone or "未登记"})
    masked = {"sms": contact.phone_masked, "email": contact.email_masked}
    return Recipient(kind=kind, ref=str(ref), masked={c: m for c, m in masked.items() if m})


def _unknown_petitioner(*, settings: NotifySettings, kind: str, event: CloudEvent, petition_id) -> Recipient:
    """The petition's registration has not been consumed yet: wait for it (it was published first, its transaction
    may still run); past ``petition_wait_seconds`` record an SMS that fails visibly, so staff follow it up and the
    event's other effects (staff notices, webhooks) are not held back."""
    if datetime.now(UTC) - event.time < timedelta(seconds=settings.petition_wait_seconds):
        raise RetryLater(f"petition {petition_id} not registered here yet")
    return Recipient(kind=kind, ref=f"petition:{petition_id}", masked={"sms": "未知"})


async def _staff(
    *, session: AsyncSession, settings: NotifySettings, kind: str, data: dict[str, Any]
) -> list[Recipient]:
    unit = rules.unit_of(data, district_code=settings.district_code)
    units = [unit, *data.get("co_unit_codes", [])] if kind == "handler" else [unit]
    if kind == "supervisor":
        units = contact_rules.unit_chain(unit, district_code=settings.district_code)
    members = await contacts.staff_of_units(session=session, unit_codes=units, role=_STAFF_ROLE[kind])
    return [_staff_recipient(kind, member) for member in members]


def _staff_recipient(kind: str, member) -> Recipient:
    masked = {
        "inbox": member.inbox_id,
        "sms": mask_phone(member.phone) if member.phone else None,
        "email": contact_rules.mask_email(member.email) if member.email else None,
    }
    return Recipient(
        kind=kind,
        ref=str(member.id),
        masked={channel: value for channel, value in masked.items() if value},
        inbox_owner=member.inbox_id,
    )
