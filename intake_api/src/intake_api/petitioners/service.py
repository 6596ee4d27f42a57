"""Use cases of petitioners: find or register the person behind a petition, read masked, reveal audited."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.petitioners import repository
from intake_api.petitioners.crypto import PetitionerCrypto
from intake_api.petitioners.exceptions import IdNumberOfAnotherAccount, PetitionerNotFound
from intake_api.petitioners.models import Petitioner
from intake_api.petitioners.schemas import PetitionerIn, PetitionerRead, RevealedPetitioner, RevealField
from services.ids import uuid7

NOT_LOOKED_UP = object()  # find_or_register: look the ID number up yourself


async def find_or_register(
    *,
    session: AsyncSession,
    data: PetitionerIn,
    crypto: PetitionerCrypto,
    account_sub: str | None,
    by_id_number: Petitioner | None | object = NOT_LOOKED_UP,
) -> tuple[Petitioner, bool]:
    """The petitioner with this ID number (or, without one, this portal account), updated with the contact details
    just given; a new one otherwise. The flag tells whether they were known before. ``by_id_number``: the result of
    ``repository.by_id_hash`` for ``data.id_number`` when the caller looked it up already (in the same transaction,
    with the tracking number)."""
    if data.id_number is not None and by_id_number is not NOT_LOOKED_UP:
        known = by_id_number
    else:
        known = await _known(session, data=data, crypto=crypto, account_sub=account_sub)
    if known is not None and account_sub is not None and known.account_sub not in (None, account_sub):
        raise IdNumberOfAnotherAccount()
    if known is not None:
        _update(known, data=data, crypto=crypto, account_sub=account_sub)
        return known, True
    petitioner = _new(data=data, crypto=crypto, account_sub=account_sub)
    if await repository.insert(session, petitioner):
        return petitioner, False
    raced = await repository.by_id_hash(session, crypto.id_hash(data.id_number or ""))
    _update(raced, data=data, crypto=crypto, account_sub=account_sub)
    return raced, True


async def _known(
    session: AsyncSession, *, data: PetitionerIn, crypto: PetitionerCrypto, account_sub: str | None
) -> Petitioner | None:
    if data.id_number is not None:
        return await repository.by_id_hash(session, crypto.id_hash(data.id_number))
    if account_sub is not None:
        return await repository.by_account(session, account_sub)
    return None


def _new(*, data: PetitionerIn, crypto: PetitionerCrypto, account_sub: str | None) -> Petitioner:
    now = datetime.now(UTC)
    petitioner = Petitioner(id=uuid7(), created_at=now, updated_at=now)
    for column, value in _changes(petitioner, data=data, crypto=crypto, account_sub=account_sub).items():
        setattr(petitioner, column, value)
    return petitioner


def _update(petitioner: Petitioner, *, data: PetitionerIn, crypto: PetitionerCrypto, account_sub: str | None) -> None:
    """Writes only what differs, so registering a known petitioner with the same details issues no UPDATE (and
    takes no row lock until commit): a fresh ciphertext (new nonce) is written only when the keyed hash changed."""
    changes = _changes(petitioner, data=data, crypto=crypto, account_sub=account_sub)
    for column, value in changes.items():
        setattr(petitioner, column, value)
    if changes:
        petitioner.updated_at = datetime.now(UTC)


def _changes(
    petitioner: Petitioner, *, data: PetitionerIn, crypto: PetitionerCrypto, account_sub: str | None
) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if data.id_number is not None and petitioner.id_number_hash != crypto.id_hash(data.id_number):
        changes |= crypto.id_columns(petitioner.id, data.id_number)
    if petitioner.phone_hash != crypto.phone_hash(data.phone):
        changes |= crypto.phone_columns(petitioner.id, data.phone)
    if data.email is not None and crypto.decrypt_email(petitioner.id, petitioner.email_cipher) != data.email:
        changes["email_cipher"] = crypto.email_cipher(petitioner.id, data.email)
    plain = {
        "name": data.name,
        "address": data.address or petitioner.address,
        "special_needs": data.special_needs,
        "account_sub": petitioner.account_sub or account_sub,
    }
    return changes | {column: value for column, value in plain.items() if getattr(petitioner, column) != value}


async def get_petitioner(*, session: AsyncSession, petitioner_id: UUID) -> Petitioner:
    petitioner = await repository.get(session, petitioner_id)
    if petitioner is None:
        raise PetitionerNotFound()
    return petitioner


def masked(petitioner: Petitioner) -> PetitionerRead:
    return PetitionerRead(
        id=petitioner.id,
        name=petitioner.name,
        id_number=petitioner.id_number_masked,
        phone=petitioner.phone_masked,
        has_email=petitioner.email_cipher is not None,
        address=petitioner.address,
        special_needs=petitioner.special_needs,
        created_at=petitioner.created_at,
    )


def reveal(petitioner: Petitioner, *, fields: list[RevealField], crypto: PetitionerCrypto) -> RevealedPetitioner:
    revealed = RevealedPetitioner(id=petitioner.id)
    if "id_number" in fields and petitioner.id_number_cipher is not None:
        revealed.id_number = crypto.decrypt_id_number(petitioner.id, petitioner.id_number_cipher)
    if "phone" in fields:
        revealed.phone = crypto.decrypt_phone(petitioner.id, petitioner.phone_cipher)
    if "email" in fields:
        revealed.email = crypto.decrypt_email(petitioner.id, petitioner.email_cipher)
    return revealed
