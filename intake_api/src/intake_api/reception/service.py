"""Shared use cases of the reception domains: the petitioner behind a request, the sealed contact for notify_svc,
and the petition a reception is linked to. Personal data stays in the petitioner records (ADR 0010)."""

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.config import IntakeSettings
from intake_api.petitioners import repository as petitioners
from intake_api.petitioners.crypto import PetitionerCrypto
from intake_api.petitioners.models import Petitioner
from intake_api.petitions import repository as petitions
from intake_api.petitions.models import Petition
from intake_api.reception import rules
from intake_api.reception.exceptions import (
    LinkedPetitionUnknown,
    PetitionerAccountUnknown,
    PetitionerRequired,
    PetitionerUnknown,
)
from services.http.auth import Principal


async def acting_petitioner(*, session: AsyncSession, principal: Principal, petitioner_id: UUID | None) -> Petitioner:
    """Staff name the petitioner they act for; a petitioner acts for the record of their own portal account."""
    if rules.is_staff(principal):
        if petitioner_id is None:
            raise PetitionerRequired()
        petitioner = await petitioners.get(session, petitioner_id)
        if petitioner is None:
            raise PetitionerUnknown()
        return petitioner
    petitioner = await petitioners.by_account(session, principal.sub)
    if petitioner is None:
        raise PetitionerAccountUnknown()
    return petitioner


async def optional_petitioner(*, session: AsyncSession, petitioner_id: UUID | None) -> Petitioner | None:
    if petitioner_id is None:
        return None
    petitioner = await petitioners.get(session, petitioner_id)
    if petitioner is None:
        raise PetitionerUnknown()
    return petitioner


async def owns(*, session: AsyncSession, principal: Principal, petitioner_id: UUID | None) -> bool:
    """Whether a petitioner token belongs to the person of this record."""
    if petitioner_id is None or not principal.has_any("petitioner"):
        return False
    petitioner = await petitioners.get(session, petitioner_id)
    return petitioner is not None and petitioner.account_sub == principal.sub


def sealed_contact(petitioner: Petitioner, *, settings: IntakeSettings) -> str:
    """``contact_sealed`` of appointment events, built as petition events carry it for petition events (ADR 0007)."""
    crypto = PetitionerCrypto.from_settings(settings)
    return crypto.seal_contact(
        petitioner.id,
        name=petitioner.name,
        phone=crypto.decrypt_phone(petitioner.id, petitioner.phone_cipher),
        email=crypto.decrypt_email(petitioner.id, petitioner.email_cipher),
    )


async def linked_petition(
    *, session: AsyncSession, petition_id: UUID, principal: Principal, pointer: str = "/petition_id"
) -> Petition:
    """A petition the caller may see, to link a reception to; anything else is a 422 naming the field."""
    petition = await petitions.get_plain(session, petition_id)
    if petition is None or not rules.staff_covers(principal, petition.jurisdiction_code):
        raise LinkedPetitionUnknown(pointer)
    return petition
