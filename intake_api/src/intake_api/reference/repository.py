"""Every query of the reference copies."""

from collections.abc import Iterable

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.reference.models import (
    ReferenceCategory,
    ReferenceDepartment,
    ReferenceJurisdiction,
    ReferenceVersion,
)
from services.db import is_postgres

Row = ReferenceJurisdiction | ReferenceCategory | ReferenceDepartment


NEVER = -1


async def lock_version(session: AsyncSession, name: str) -> int:
    """The version applied so far (``NEVER`` before the first), with the row locked until commit: updates of one
    reference set apply one after the other (a write first on SQLite takes the database's write lock)."""
    insert = postgresql.insert if is_postgres(session) else sqlite.insert
    await session.execute(
        insert(ReferenceVersion).values(name=name, version=NEVER).on_conflict_do_nothing(index_elements=["name"])
    )
    statement = select(ReferenceVersion.version).where(ReferenceVersion.name == name).with_for_update()
    return await session.scalar(statement)


async def set_version(session: AsyncSession, name: str, value: int) -> None:
    await session.execute(update(ReferenceVersion).where(ReferenceVersion.name == name).values(version=value))


async def replace_all(session: AsyncSession, model: type[Row], rows: Iterable[Row]) -> None:
    await session.execute(delete(model))
    session.add_all(list(rows))


async def upsert(session: AsyncSession, rows: Iterable[Row]) -> None:
    for row in rows:
        await session.merge(row)


async def count(session: AsyncSession, model: type[Row]) -> int:
    return await session.scalar(select(func.count()).select_from(model)) or 0


async def jurisdiction(session: AsyncSession, code: str) -> ReferenceJurisdiction | None:
    return await session.get(ReferenceJurisdiction, code)


async def category(session: AsyncSession, code: str) -> ReferenceCategory | None:
    return await session.get(ReferenceCategory, code)


async def categories(session: AsyncSession) -> list[ReferenceCategory]:
    return list(await session.scalars(select(ReferenceCategory).order_by(ReferenceCategory.code)))


async def jurisdictions(session: AsyncSession) -> list[ReferenceJurisdiction]:
    return list(await session.scalars(select(ReferenceJurisdiction).order_by(ReferenceJurisdiction.code)))


async def department(session: AsyncSession, code: str) -> ReferenceDepartment | None:
    return await session.get(ReferenceDepartment, code)
