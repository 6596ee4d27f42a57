"""Every query of the petitioners domain."""

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.petitioners.models import Petitioner
from services.db import is_postgres


async def get(session: AsyncSession, petitioner_id: UUID) -> Petitioner | None:
    return await session.get(Petitioner, petitioner_id)


async def by_id_hash(session: AsyncSession, id_hash: str) -> Petitioner | None:
    return await session.scalar(select(Petitioner).where(Petitioner.id_number_hash == id_hash))


async def by_account(session: AsyncSession, account_sub: str) -> Petitioner | None:
    statement = select(Petitioner).where(Petitioner.account_sub == account_sub).order_by(Petitioner.id).limit(1)
    return await session.scalar(statement)


async def insert(session: AsyncSession, petitioner: Petitioner) -> bool:
    """False when a concurrent registration inserted the same ID number first (PostgreSQL, in a savepoint).
    SQLite needs no savepoint: registration takes the write lock (the tracking number) before looking up."""
    if not is_postgres(session):
        session.add(petitioner)
        return True
    try:
        async with session.begin_nested():
            session.add(petitioner)
            await session.flush([petitioner])  # only this row inside the savepoint
    except IntegrityError:
        return False
    return True
