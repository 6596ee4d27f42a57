from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.contacts.models import PetitionerContact, PetitionRecipient, StaffContact


async def petitioner_contact(session: AsyncSession, petitioner_ref: UUID) -> PetitionerContact | None:
    return await session.get(PetitionerContact, petitioner_ref)


async def petition_recipient(session: AsyncSession, petition_id: UUID) -> PetitionRecipient | None:
    return await session.get(PetitionRecipient, petition_id)


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
