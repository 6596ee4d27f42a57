import functools
from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import Row, bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.contacts.models import PetitionerContact, PetitionRecipient, StaffContact
from services.db import is_postgres


async def petitioner_contact(session: AsyncSession, petitioner_ref: UUID) -> PetitionerContact | None:
    return await session.get(PetitionerContact, petitioner_ref)


PETITIONERS, PETITIONS = PetitionerContact.__table__, PetitionRecipient.__table__

_PETITION_WITH_CONTACT = (
    select(
        *PETITIONS.c,
        PETITIONERS.c.phone_masked.label("contact_phone_masked"),
        PETITIONERS.c.email_masked.label("contact_email_masked"),
        PETITIONERS.c.petitioner_ref.label("contact_ref"),
    )
    .outerjoin(PETITIONERS, PETITIONERS.c.petitioner_ref == PETITIONS.c.petitioner_ref)
    .where(PETITIONS.c.petition_id.in_(bindparam("petition_ids", expanding=True)))
)


async def petitions_with_contact(session: AsyncSession, petition_ids: list[UUID]) -> Sequence[Row]:
    """The petitions' rows (their columns by name) with ``contact_phone_masked``, ``contact_email_masked`` and
    ``contact_ref`` (None without a stored contact), in one query (a built statement, rows not objects: once per
    batch of consumed events); unknown petitions are absent."""
    if not petition_ids:
        return []
    return (await session.execute(_PETITION_WITH_CONTACT, {"petition_ids": petition_ids})).all()


_CONTACTS = select(PETITIONERS.c.petitioner_ref, PETITIONERS.c.phone_enc, PETITIONERS.c.email_enc).where(
    PETITIONERS.c.petitioner_ref.in_(bindparam("refs", expanding=True))
)


async def petitioner_contacts(session: AsyncSession, refs: list[UUID]) -> dict[UUID, Row]:
    """The encrypted contacts of these petitioners (rows with ``petitioner_ref``, ``phone_enc``, ``email_enc``), in
    one statement built once (a dispatcher round's petitioners)."""
    if not refs:
        return {}
    return {row.petitioner_ref: row for row in await session.execute(_CONTACTS, {"refs": refs})}


async def upsert_petitioner_contacts(session: AsyncSession, rows: list[dict]) -> None:
    """Insert each contact or overwrite the stored one, in one statement (rows of distinct petitioners, all with
    the same columns): two consumers storing the same petitioner's contact at once both succeed (the later one wins)
    instead of one failing on the primary key."""
    if rows:
        await session.execute(_upsert_contact(is_postgres(session), tuple(rows[0])), rows)


async def add_petition_recipients_once(session: AsyncSession, rows: list[dict]) -> None:
    """Insert which petitioner each petition belongs to; a row stored first (by a concurrent event) is kept."""
    if rows:
        await session.execute(_add_petition_once(is_postgres(session)), rows)


# built once per dialect (and set of columns), run with each batch's values


@functools.cache
def _upsert_contact(postgres: bool, columns: tuple[str, ...]) -> postgresql.Insert | sqlite.Insert:
    statement = (postgresql.insert if postgres else sqlite.insert)(PETITIONERS)
    changed = {column: statement.excluded[column] for column in columns if column != "petitioner_ref"}
    return statement.on_conflict_do_update(index_elements=["petitioner_ref"], set_=changed)


@functools.cache
def _add_petition_once(postgres: bool) -> postgresql.Insert | sqlite.Insert:
    statement = (postgresql.insert if postgres else sqlite.insert)(PETITIONS)
    return statement.on_conflict_do_nothing(index_elements=["petition_id"])


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
