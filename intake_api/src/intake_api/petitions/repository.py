"""Every query of the petitions domain."""

import re
from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from intake_api.petitions.models import Petition, TimelineEntry, TrackingCounter
from services.db import is_postgres

_SEQUENCE_NAME = re.compile(r"^tracking_seq_\d{6}_\d{4}$")


async def next_sequence(session: AsyncSession, *, year: int, district_code: str) -> int:
    """Take the next number of the year and district, unique under any concurrency.

    PostgreSQL: a sequence per year and district (``nextval`` locks nothing, so concurrent registrations
    do not queue behind one counter row; a rolled-back registration leaves a gap). SQLite serialises
    writers anyway, so a counter row in the transaction is as fast and gap-free.
    """
    if is_postgres(session):
        name = f"tracking_seq_{district_code}_{year:04d}"
        return await _next_from_sequence(session, name, year=year, district_code=district_code)
    return await _next_from_counter(session, year=year, district_code=district_code)


_committed_sequences: set[tuple[str, str]] = set()  # (database, sequence) seen committed: no catalog look-up


async def _next_from_sequence(session: AsyncSession, name: str, *, year: int, district_code: str) -> int:
    if not _SEQUENCE_NAME.match(name):
        raise ValueError(f"unsafe sequence name {name!r}")
    key = (str(session.bind.url), name)
    if key not in _committed_sequences:
        if await session.scalar(text("SELECT to_regclass(:name) IS NOT NULL"), {"name": name}):
            _committed_sequences.add(key)
        else:
            await _create_sequence(session, name, year=year, district_code=district_code)
    return (await session.execute(text(f"SELECT nextval('{name}')"))).scalar_one()


async def _create_sequence(session: AsyncSession, name: str, *, year: int, district_code: str) -> None:
    """In a savepoint: two first registrations of a year may race to create it; the loser finds it made.
    It commits with this registration (and is cached only once seen committed); a counter row left by
    the earlier counting scheme sets where it starts."""
    try:
        async with session.begin_nested():
            await session.execute(text(f"CREATE SEQUENCE IF NOT EXISTS {name}"))
            await session.execute(
                select(func.setval(name, TrackingCounter.last)).where(
                    TrackingCounter.year == year,
                    TrackingCounter.district_code == district_code,
                    TrackingCounter.last > 0,
                )
            )
    except DBAPIError:
        pass


async def _next_from_counter(session: AsyncSession, *, year: int, district_code: str) -> int:
    await session.execute(
        sqlite.insert(TrackingCounter)
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


async def set_status(session: AsyncSession, petition_id: UUID, *, status: str, at: datetime) -> bool:
    """One UPDATE, no read first; False when the petition does not exist."""
    result = await session.execute(
        update(Petition).where(Petition.id == petition_id).values(status=status, updated_at=at)
    )
    return result.rowcount == 1
