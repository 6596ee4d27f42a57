from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.contacts.models import PetitionerContact, PetitionRecipient, StaffContact
from services.db import is_postgres


async def petitioner_contact(session: AsyncSession, petitioner_ref: UUID) -> PetitionerContact | None:
    return await session.get(PetitionerContact, petitioner_ref)


async def petition_recipient(session: AsyncSession, petition_id: UUID) -> PetitionRecipient | None:
    return await session.get(PetitionRecipient, petition_id)


async def petition_with_contact(session: AsyncSession, petition_id: UUID):
    """``(petition, phone_masked, email_masked, contact's ref or None)`` or None, in one query."""
    statement = (
        select(
            PetitionRecipient,
            PetitionerContact.phone_masked,
            PetitionerContact.email_masked,
            PetitionerContact.petitioner_ref,
        )
        .outerjoin(PetitionerContact, PetitionerContact.petitioner_ref == PetitionRecipient.petitioner_ref)
        .where(PetitionRecipient.petition_id == petition_id)
    )
    return (await session.execute(statement)).first()


async def petitioner_contacts(session: AsyncSession, refs: list[UUID]) -> dict[UUID, PetitionerContact]:
    if not refs:
        return {}
    statement = select(PetitionerContact).where(PetitionerContact.petitioner_ref.in_(refs))
    return {c.petitioner_ref: c for c in (await session.scalars(statement)).all()}


async def upsert_petitioner_contact(session: AsyncSession, values: dict) -> None:
    """Insert the contact or overwrite the stored one, in one statement: two consumers storing the same
    petitioner's contact at once both succeed (the later one wins) instead of one failing on the primary key."""
    statement = _insert(session, PetitionerContact).values(**values)
    changed = {column: statement.excluded[column] for column in values if column != "petitioner_ref"}
    await session.execute(statement.on_conflict_do_update(index_elements=["petitioner_ref"], set_=changed))


async def add_petition_recipient_once(session: AsyncSession, values: dict) -> None:
    """Insert which petitioner a petition belongs to; a row stored first (by a concurrent event) is kept."""
    statement = _insert(session, PetitionRecipient).values(**values)
    await session.execute(statement.on_conflict_do_nothing(index_elements=["petition_id"]))


def _insert(session: AsyncSession, model: type) -> postgresql.Insert | sqlite.Insert:
    return (postgresql.insert if is_postgres(session) else sqlite.insert)(model)


def add(session: AsyncSession, row: PetitionerContact | PetitionRecipient | StaffContact) -> None:
    session.add(row)


async def staff_of_units(session: AsyncSession, *, unit_codes: Sequence[str], role: str) -> Sequence[StaffContact]:
    statement = (
        select(StaffContact)
        .where(StaffContact.unit_code.in_(unit_codes), StaffContact.role == role, StaffContact.active.is_(True))
        .order_by(StaffContact.id)
    )
    return (await session.scalars(statement)).all()


async def staff_member(session: AsyncSession, staff_id: UUID) -> StaffContact | None:
    return await session.get(StaffContact, staff_id)


async def list_staff(
    session: AsyncSession, *, unit_code: str | None, after: UUID | None, limit: int
) -> Sequence[StaffContact]:
    statement = select(StaffContact).order_by(StaffContact.id).limit(limit)
    if unit_code is not None:
        statement = statement.where(StaffContact.unit_code == unit_code)
    if after is not None:
        statement = statement.where(StaffContact.id > after)
    return (await session.scalars(statement)).all()


async def staff_count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(StaffContact)) or 0
