"""Every query of the petitions domain."""

import re
from datetime import datetime
from functools import cache
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    Insert,
    Row,
    Select,
    TextClause,
    bindparam,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from intake_api.petitioners import repository as petitioners_repository
from intake_api.petitioners.models import Petitioner
from intake_api.petitions.models import Petition, TimelineEntry, TrackingCounter
from services.contracts import CloudEvent
from services.db import add_event, is_postgres
from services.db.outbox import outbox_insert

_SEQUENCE_NAME = re.compile(r"^tracking_seq_\d{6}_\d{4}$")


async def next_sequence(session: AsyncSession, *, year: int, district_code: str) -> int:
    """Take the next number of the year and district, unique under any concurrency.

    PostgreSQL: a sequence per year and district (``nextval`` locks nothing, so concurrent registrations
    do not queue behind one counter row; a rolled-back registration leaves a gap). SQLite serialises
    writers anyway, so a counter row in the transaction is as fast and gap-free.
    """
    if is_postgres(session):
        name = _sequence_name(year, district_code)
        return await _next_from_sequence(session, name, year=year, district_code=district_code)
    return await _next_from_counter(session, year=year, district_code=district_code)


async def next_sequence_and_petitioner(
    session: AsyncSession, *, year: int, district_code: str, id_hash: str
) -> tuple[int, Petitioner | None]:
    """``next_sequence`` and the petitioner with this ID number hash (``petitioners.repository.by_id_hash``). On
    PostgreSQL, once the year's sequence is known to exist, one round trip: the number is taken by the statement
    that looks the petitioner up (a one-row select left-joined to the petitioner)."""
    if is_postgres(session):
        name = _sequence_name(year, district_code)
        if _sequence_key(session, name) in _committed_sequences:
            number, petitioner = (await session.execute(_number_and_petitioner(name), {"id_hash": id_hash})).one()
            return number, petitioner
    number = await next_sequence(session, year=year, district_code=district_code)
    return number, await petitioners_repository.by_id_hash(session, id_hash)


@cache
def _number_and_petitioner(name: str) -> Select:
    one = select(literal(1).label("one")).subquery("one")
    number = literal_column(f"nextval('{name}')", BigInteger).label("number")
    by_hash = Petitioner.id_number_hash == bindparam("id_hash")
    return select(number, Petitioner).select_from(one).outerjoin(Petitioner, by_hash)


def _sequence_name(year: int, district_code: str) -> str:
    """The year and district's sequence; checked, as it is written into SQL."""
    name = f"tracking_seq_{district_code}_{year:04d}"
    if not _SEQUENCE_NAME.match(name):
        raise ValueError(f"unsafe sequence name {name!r}")
    return name


def _sequence_key(session: AsyncSession, name: str) -> tuple[str, str]:
    return str(session.bind.url), name


_committed_sequences: set[tuple[str, str]] = set()  # (database, sequence) seen committed: no catalog look-up


async def _next_from_sequence(session: AsyncSession, name: str, *, year: int, district_code: str) -> int:
    key = _sequence_key(session, name)
    if key not in _committed_sequences:
        if await session.scalar(text("SELECT to_regclass(:name) IS NOT NULL"), {"name": name}):
            _committed_sequences.add(key)
        else:
            await _create_sequence(session, name, year=year, district_code=district_code)
    return (await session.execute(_nextval(name))).scalar_one()


@cache
def _nextval(name: str) -> TextClause:
    """Built once per sequence (a year and district): ``text()`` parses its SQL for bind parameters each time."""
    return text(f"SELECT nextval('{name}')")


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


def add(session: AsyncSession, *objects: object) -> None:
    session.add_all(objects)


async def add_registered(
    session: AsyncSession, petition: dict[str, Any], steps: list[dict[str, Any]], event: CloudEvent
) -> None:
    """The new petition, its timeline steps (column values) and its outbox event. PostgreSQL: one statement (the
    rows as data-modifying CTEs of the outbox insert; the foreign keys are checked at its end), built once per number
    of steps and run with bind parameters: no ORM objects, no flush, no statement building. SQLite (no DML in CTEs):
    through the session."""
    if not is_postgres(session):
        add(session, Petition(**petition), *(TimelineEntry(**step) for step in steps))
        await add_event(session, event)
        return
    params = {f"petition_{key}": value for key, value in petition.items()}
    for number, step in enumerate(steps):
        params.update((f"step{number}_{key}", value) for key, value in step.items())
    await add_event(session, event, statement=_registration_insert(len(steps)), params=params)


@cache
def _registration_insert(steps: int) -> Insert:
    ctes = [_row_insert(Petition, "petition").cte("new_petition")]
    ctes += [_row_insert(TimelineEntry, f"step{number}").cte(f"new_step{number}") for number in range(steps)]
    return outbox_insert().add_cte(*ctes)


def _row_insert(model: type[Petition | TimelineEntry], prefix: str) -> Insert:
    table = model.__table__
    return insert(table).values({c.name: bindparam(f"{prefix}_{c.name}", type_=c.type) for c in table.columns})


def _with_details(statement):  # noqa: ANN001, ANN202 - a Select of Petition
    return statement.options(selectinload(Petition.timeline), selectinload(Petition.petitioner))


async def get_with_timeline(session: AsyncSession, petition_id: UUID) -> Petition | None:
    statement = _with_details(select(Petition).where(Petition.id == petition_id))
    return (await session.execute(statement)).scalar_one_or_none()


async def get_plain(session: AsyncSession, petition_id: UUID) -> Petition | None:
    return await session.get(Petition, petition_id)


async def get_for_update(session: AsyncSession, petition_id: UUID) -> Petition | None:
    """Row-locked (PostgreSQL) so that two case events of one petition apply one after the other."""
    return await session.scalar(select(Petition).where(Petition.id == petition_id).with_for_update())


async def latest_case_step_at(session: AsyncSession, petition_id: UUID) -> datetime | None:
    statement = select(func.max(TimelineEntry.at)).where(
        TimelineEntry.petition_id == petition_id, TimelineEntry.source_event_id.is_not(None)
    )
    return await session.scalar(statement)


async def by_tracking_no(session: AsyncSession, tracking_no: str) -> Petition | None:
    statement = select(Petition).where(Petition.tracking_no == tracking_no).options(selectinload(Petition.timeline))
    return (await session.execute(statement)).scalar_one_or_none()


_EARLIER_COLUMNS = (
    Petition.id, Petition.tracking_no, Petition.status, Petition.case_status, Petition.case_tier,
    Petition.re_reviewed, Petition.repeat_of, Petition.signature,
)  # fmt: skip


async def earlier_of(session: AsyncSession, petitioner_id: UUID, *, limit: int = 200) -> list[Row]:
    """The petitioner's latest petitions, newest first: plain rows of the columns the checks read (no ORM objects:
    a long-standing petitioner has up to ``limit`` of them on every registration)."""
    return list(await session.execute(_earlier_statement(limit), {"petitioner_id": petitioner_id}))


@cache
def _earlier_statement(limit: int) -> Select:
    """Built once (every registration of a known petitioner runs it): a bound petitioner, a fixed limit."""
    statement = select(*_EARLIER_COLUMNS).where(Petition.petitioner_id == bindparam("petitioner_id"))
    return statement.order_by(Petition.id.desc()).limit(limit)


async def page(
    session: AsyncSession,
    *,
    after: UUID | None,
    limit: int,
    jurisdiction: str | None,
    owner_sub: str | None,
    status: str | None,
) -> list[Petition]:
    """Newest first; ``jurisdiction`` a code prefix, ``owner_sub`` a petitioner's own (registered or linked)."""
    statement = select(Petition).order_by(Petition.id.desc()).limit(limit + 1)
    if after is not None:
        statement = statement.where(Petition.id < after)
    if jurisdiction is not None:
        statement = statement.where(Petition.jurisdiction_code.startswith(jurisdiction, autoescape=True))
    if owner_sub is not None:
        linked = select(Petitioner.id).where(Petitioner.account_sub == owner_sub)
        statement = statement.where(or_(Petition.registered_by == owner_sub, Petition.petitioner_id.in_(linked)))
    if status is not None:
        statement = statement.where(Petition.status == status)
    return list(await session.scalars(statement))


async def set_status(session: AsyncSession, petition_id: UUID, *, status: str, at: datetime) -> bool:
    """One UPDATE, no read first; False when the petition does not exist."""
    result = await session.execute(
        update(Petition).where(Petition.id == petition_id).values(status=status, updated_at=at)
    )
    return result.rowcount == 1
