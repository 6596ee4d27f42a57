"""Every query of the petitioners domain."""

from uuid import UUID

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached

from intake_api.petitioners.models import Petitioner
from services.db import is_postgres


async def get(session: AsyncSession, petitioner_id: UUID) -> Petitioner | None:
    return await session.get(Petitioner, petitioner_id)


async def by_id_hash(session: AsyncSession, id_hash: str) -> Petitioner | None:
    return await session.scalar(_BY_ID_HASH, {"id_hash": id_hash})


# built once: every registration with an ID number runs it
_BY_ID_HASH = select(Petitioner).where(Petitioner.id_number_hash == bindparam("id_hash"))


async def by_account(session: AsyncSession, account_sub: str) -> Petitioner | None:
    statement = select(Petitioner).where(Petitioner.account_sub == account_sub).order_by(Petitioner.id).limit(1)
    return await session.scalar(statement)


async def insert(session: AsyncSession, petitioner: Petitioner) -> bool:
    """False when a concurrent registration inserted the same ID number first. PostgreSQL: one ``INSERT … ON
    CONFLICT DO NOTHING`` (no savepoint round trips), then the object joins the session as already stored.
    SQLite needs neither: registration takes the write lock (the tracking number) before looking up."""
    if not is_postgres(session):
        session.add(petitioner)
        return True
    values = {key: getattr(petitioner, key) for key in _COLUMN_KEYS}
    result = await session.execute(_INSERT, values)
    if result.rowcount != 1:
        return False
    for key, value in values.items():  # every column set, so nothing is left to load (lazy loads fail in async)
        setattr(petitioner, key, value)
    make_transient_to_detached(petitioner)
    session.add(petitioner)
    return True


_COLUMN_KEYS = tuple(column.key for column in Petitioner.__mapper__.column_attrs)
_INSERT = (  # built once: bind parameters named as the columns
    postgresql.insert(Petitioner.__table__)
    .values({c.name: bindparam(c.name, type_=c.type) for c in Petitioner.__table__.columns})
    .on_conflict_do_nothing(index_elements=["id_number_hash"])
)
