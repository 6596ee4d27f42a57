"""Every query of the petitions domain."""

from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from intake_api.petitions.models import Petition, TimelineEntry, TrackingCounter
from services.db import is_postgres


async def next_sequence(session: AsyncSession, *, year: int, district_code: str) -> int:
    """Atomically take the next number; the counter row stays locked until the transaction ends."""
    dialect_insert = postgresql.insert if is_postgres(session) else sqlite.insert
    await session.execute(
        dialect_insert(TrackingCounter)
        .values(year=year, district_code=district_code, last=0)
        .on_conflict_do_nothing(index_elements=["year", "district_code"])
    )
    result = await session.execute(
        update(TrackingCounter)
        .where(TrackingCounter.year == year, TrackingCounter.district_code == district_code)
        .values(last=TrackingCounter.last + 1)
        .returning(TrackingCounter.last)
    )
    return result.scalar_one()


def add(session: AsyncSession, *objects: Petition | TimelineEntry) -> None:
    session.add_all(objects)


async def get_with_timeline(session: AsyncSession, petition_id: UUID) -> Petition | None:
    statement = select(Petition).where(Petition.id == petition_id).options(selectinload(Petition.timeline))
    return (await session.execute(statement)).scalar_one_or_none()


async def get(session: AsyncSession, petition_id: UUID) -> Petition | None:
    return await session.get(Petition, petition_id)
