"""Use cases of contacts: open sealed contact data from events, keep it encrypted, find addresses when sending."""

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, NamedTuple
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.config import NotifySettings
from notify_svc.contacts import repository, rules
from notify_svc.contacts.exceptions import StaffMemberNotFound
from notify_svc.contacts.models import PetitionerContact, StaffContact
from services.ids import uuid7
from services.pii import Cipher, PIIError, mask_phone, unseal

log = logging.getLogger(__name__)


class ContactMasks(NamedTuple):
    phone_masked: str | None
    email_masked: str | None


def _bind(petitioner_ref: UUID, column: str) -> str:
    return f"petitioner_contacts:{petitioner_ref}:{column}"


def petitioner_contact_row(*, settings: NotifySettings, petitioner_ref: UUID, sealed: str | None) -> dict | None:
    """The stored columns of the petitioner's contact from an event's sealed field, encrypted and masked; None when
    the event carries none or its seal does not open (logged, not fatal)."""
    if not sealed:
        return None
    try:
        payload = unseal(sealed, key=settings.contact_key, bind=f"contact:{petitioner_ref}")
    except (PIIError, ValueError):
        log.warning("sealed contact does not open", extra={"fields": {"petitioner_ref": str(petitioner_ref)}})
        return None
    phone, email = rules.contact_fields(payload)
    return _contact_columns(UUID(str(petitioner_ref)), cipher(settings.pii_key), phone=phone, email=email)


async def store_petitioner_contacts(session: AsyncSession, rows: list[dict]) -> None:
    """Insert or overwrite the contacts (at most one row per petitioner), in one statement."""
    await repository.upsert_petitioner_contacts(session, sorted(rows, key=lambda row: row["petitioner_ref"]))


@lru_cache(maxsize=8)
def cipher(key: str) -> Cipher:
    """One cipher per key (building one derives the key)."""
    return Cipher(key)


def _contact_columns(ref: UUID, cipher: Cipher, *, phone: str | None, email: str | None) -> dict[str, Any]:
    return {
        "petitioner_ref": ref,
        "phone_enc": cipher.encrypt(phone, bind=_bind(ref, "phone")) if phone else None,
        "phone_masked": mask_phone(phone) if phone else None,
        "email_enc": cipher.encrypt(email, bind=_bind(ref, "email")) if email else None,
        "email_masked": rules.mask_email(email) if email else None,
        "updated_at": datetime.now(UTC),
    }


def petition_row(
    *, petition_id: UUID, petitioner_ref: UUID, tracking_no: str, phone_masked: str | None, scope_code: str
) -> dict:
    return {
        "petition_id": UUID(str(petition_id)),
        "petitioner_ref": UUID(str(petitioner_ref)),
        "tracking_no": tracking_no,
        "phone_masked": phone_masked,
        "scope_code": scope_code,
        "created_at": datetime.now(UTC),
    }


async def store_petitions(session: AsyncSession, rows: list[dict]) -> None:
    """Which petitioner each petition belongs to, stored once (a row stored first, by a concurrent event, stays),
    in one statement."""
    await repository.add_petition_recipients_once(session, sorted(rows, key=lambda row: row["petition_id"]))


async def petitioner_contact(*, session: AsyncSession, petitioner_ref: UUID) -> PetitionerContact | None:
    return await repository.petitioner_contact(session, petitioner_ref)


async def petitions_with_contact(
    *, session: AsyncSession, petition_ids: Sequence[UUID]
) -> dict[UUID, tuple[Any, ContactMasks | None]]:
    """Each known petition's petitioner (a row with the columns of ``PetitionRecipient``: ``petitioner_ref``,
    ``phone_masked``, ``scope_code``, …) and that petitioner's masked contact (None without one), in one query."""
    found = await repository.petitions_with_contact(session, list({UUID(str(p)) for p in petition_ids}))
    return {row.petition_id: (row, _masks(row) if row.contact_ref is not None else None) for row in found}


def _masks(row: Any) -> ContactMasks:
    return ContactMasks(row.contact_phone_masked, row.contact_email_masked)


async def petitioner_address(
    *, session: AsyncSession, settings: NotifySettings, petitioner_ref: UUID, channel: str
) -> str | None:
    """The plain phone or e-mail, decrypted only for the moment of sending."""
    found = await petitioner_addresses(session=session, settings=settings, wanted=[(petitioner_ref, channel)])
    return found.get((petitioner_ref, channel))


async def petitioner_addresses(
    *, session: AsyncSession, settings: NotifySettings, wanted: list[tuple[UUID, str]]
) -> dict[tuple[UUID, str], str]:
    """The plain phone or e-mail of each ``(petitioner_ref, channel)``, read in one query and decrypted only for
    the moment of sending; a petitioner without that contact is absent."""
    contacts = await repository.petitioner_contacts(session, list({ref for ref, _ in wanted}))
    found: dict[tuple[UUID, str], str] = {}
    for ref, channel in wanted:
        contact = contacts.get(ref)
        blob = None if contact is None else {"sms": contact.phone_enc, "email": contact.email_enc}.get(channel)
        if blob is not None:
            column = "phone" if channel == "sms" else "email"
            found[(ref, channel)] = cipher(settings.pii_key).decrypt(blob, bind=_bind(ref, column))
    return found


async def staff_of_units(*, session: AsyncSession, unit_codes: list[str], role: str) -> list[StaffContact]:
    return list(await repository.staff_of_units(session, unit_codes=unit_codes, role=role))


async def staff_member(*, session: AsyncSession, staff_id: UUID) -> StaffContact:
    member = await repository.staff_member(session, staff_id)
    if member is None:
        raise StaffMemberNotFound()
    return member


async def add_staff_member(*, session: AsyncSession, values: dict) -> StaffContact:
    now = datetime.now(UTC)
    member = StaffContact(id=uuid7(), active=True, created_at=now, updated_at=now, **values)
    repository.add(session, member)
    await session.flush()
    return member


async def update_staff_member(*, session: AsyncSession, staff_id: UUID, changes: dict) -> StaffContact:
    member = await staff_member(session=session, staff_id=staff_id)
    for name, value in changes.items():
        setattr(member, name, value)
    member.updated_at = datetime.now(UTC)
    await session.flush()
    return member


async def list_staff(*, session: AsyncSession, unit_code: str | None, after: UUID | None, limit: int):
    return await repository.list_staff(session, unit_code=unit_code, after=after, limit=limit)


async def staff_member_or_none(*, session: AsyncSession, staff_id: str) -> StaffContact | None:
    try:
        return await repository.staff_member(session, UUID(staff_id))
    except ValueError:
        return None
