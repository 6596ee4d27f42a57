"""Who a rule reaches for one event: the petitioner (by reference) or staff of the unit concerned."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.config import NotifySettings
from notify_svc.contacts import rules as contact_rules
from notify_svc.contacts import service as contacts
from notify_svc.notifications import rules
from notify_svc.notifications.directory import Directory
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


class PetitionRows:
    """The petitions a batch of events names, with their petitioners' masked contacts, read together; a petition
    read before, known or not, is not read again."""

    def __init__(self) -> None:
        self._rows: dict[str, tuple[Any, contacts.ContactMasks | None]] = {}

    async def read(self, session: AsyncSession, petition_ids: list[Any]) -> None:
        missing = list(dict.fromkeys(str(p) for p in petition_ids if str(p) not in self._rows))
        if not missing:
            return
        found = await contacts.petitions_with_contact(session=session, petition_ids=missing)
        for petition_id in missing:
            self._rows[petition_id] = found.get(UUID(petition_id), (None, None))

    async def get(self, session: AsyncSession, petition_id: Any) -> tuple[Any, contacts.ContactMasks | None]:
        await self.read(session, [petition_id])
        return self._rows[str(petition_id)]


class Lookup:
    """The petition an event names and its petitioner's masked contact, read at most once per event (``petitions``
    shares the reads of a batch of events); a contact this event just stored is known without reading it back."""

    def __init__(self, session: AsyncSession, data: dict[str, Any], *, petitions: PetitionRows | None = None) -> None:
        self._session, self._data = session, data
        self._petitions = petitions if petitions is not None else PetitionRows()
        self._contacts: dict[str, contacts.ContactMasks | None] = {}

    def know_contact(self, ref: Any, masks: contacts.ContactMasks) -> None:
        self._contacts[str(ref)] = masks

    async def petition(self) -> Any:
        """The petition's row (``PetitionRecipient``'s columns), None when the event names none or it is unknown."""
        if self._data.get("petition_id") is None:
            return None
        petition, masks = await self._petitions.get(self._session, self._data["petition_id"])
        if petition is not None:
            self._contacts.setdefault(str(petition.petitioner_ref), masks)
        return petition

    async def contact(self, ref: Any) -> contacts.ContactMasks | None:
        if str(ref) not in self._contacts:
            found = await contacts.petitioner_contact(session=self._session, petitioner_ref=ref)
            masks = None if found is None else contacts.ContactMasks(found.phone_masked, found.email_masked)
            self._contacts[str(ref)] = masks
        return self._contacts[str(ref)]


async def recipients(
    *, book: Directory, lookup: Lookup, settings: NotifySettings, kind: str, event: CloudEvent, data: dict[str, Any]
) -> list[Recipient]:
    if kind not in rules.recipient_kinds(event.type):
        return []
    if kind in ("petitioner", "appointment_holder"):
        found = await _petitioner(lookup=lookup, settings=settings, kind=kind, event=event, data=data)
        return [found] if found else []
    return staff_recipients(book=book, settings=settings, kind=kind, data=data)


async def _petitioner(
    *, lookup: Lookup, settings: NotifySettings, kind: str, event: CloudEvent, data: dict[str, Any]
) -> Recipient | None:
    ref, masked_phone = data.get("petitioner_ref"), data.get("phone_masked")
    if ref is None and data.get("petition_id") is not None:
        petition = await lookup.petition()
        if petition is None:
            return _unknown_petitioner(settings=settings, kind=kind, event=event, petition_id=data["petition_id"])
        ref, masked_phone = petition.petitioner_ref, petition.phone_masked
    if ref is None:
        return None
    contact = await lookup.contact(ref)
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


def staff_recipients(*, book: Directory, settings: NotifySettings, kind: str, data: dict[str, Any]) -> list[Recipient]:
    """Staff of the unit concerned (a handler rule also reaches the co-handling units; a supervisor rule the units
    above), from the cached directory."""
    unit = rules.unit_of(data, district_code=settings.district_code)
    units = [unit, *data.get("co_unit_codes", [])] if kind == "handler" else [unit]
    if kind == "supervisor":
        units = contact_rules.unit_chain(unit, district_code=settings.district_code)
    members = book.staff_of_units(units, _STAFF_ROLE[kind])
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
