"""Every query of the organisation. The cases domain finds units through the keyword-only look-ups below:
`unit`, `community_for`, `match_address`, `parent_of`, `street_of`, `district_of` (and, for departments,
`routing_svc.catalogue.repository.competent_department`). Inactive nodes are found by `get`/`unit` (old cases
name them) but never chosen by `community_for` or `match_address`."""

from collections.abc import Sequence

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from routing_svc.jurisdictions import rules
from routing_svc.jurisdictions.models import Department, Jurisdiction, ReferenceVersion


async def get(session: AsyncSession, code: str) -> Jurisdiction | None:
    return await session.get(Jurisdiction, code)


async def list_all(
    session: AsyncSession, *, level: str | None = None, parent_code: str | None = None, include_inactive: bool = True
) -> Sequence[Jurisdiction]:
    statement = select(Jurisdiction).order_by(Jurisdiction.code)
    if level is not None:
        statement = statement.where(Jurisdiction.level == level)
    if parent_code is not None:
        statement = statement.where(Jurisdiction.parent_code == parent_code)
    if not include_inactive:
        statement = statement.where(Jurisdiction.active.is_(True))
    return (await session.scalars(statement)).all()


async def count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(Jurisdiction)) or 0


async def count_active_children(session: AsyncSession, *, code: str) -> int:
    statement = select(func.count()).where(Jurisdiction.parent_code == code, Jurisdiction.active.is_(True))
    return await session.scalar(statement) or 0


def add_all(session: AsyncSession, nodes: Sequence[Jurisdiction | Department]) -> None:
    session.add_all(nodes)


async def add_new(session: AsyncSession, rows: Sequence[object]) -> bool:
    """Add and flush new rows; False when a concurrent request inserted the same key first (the caller refuses)."""
    session.add_all(rows)
    try:
        await session.flush()
    except IntegrityError:
        return False
    return True


async def unit(session: AsyncSession, *, code: str) -> Jurisdiction | Department | None:
    """The jurisdiction node or department with this code (active or not)."""
    return await session.get(Jurisdiction, code) or await session.get(Department, code)


async def community_for(session: AsyncSession, *, code: str | None) -> Jurisdiction | None:
    """The active community with this code; None for an unknown, inactive or non-community code."""
    node = await session.get(Jurisdiction, code) if code else None
    return node if node is not None and node.level == "community" and node.active else None


async def match_address(session: AsyncSession, *, address: str) -> Jurisdiction | None:
    """The active community an address names (its name or an alias), None when none or several tie."""
    nodes = await list_all(session, include_inactive=False)
    places = [
        rules.Place(code=n.code, level=n.level, name=n.name, aliases=tuple(n.aliases), parent_code=n.parent_code)
        for n in nodes
        if n.level != "district"
    ]
    found = rules.match_address(address, places)
    return next((n for n in nodes if n.code == found.community_code), None) if found else None


async def parent_of(session: AsyncSession, *, code: str) -> Jurisdiction | None:
    node = await session.get(Jurisdiction, code)
    return await session.get(Jurisdiction, node.parent_code) if node is not None and node.parent_code else None


async def street_of(session: AsyncSession, *, code: str) -> Jurisdiction | None:
    """The street of a community (a street is its own street)."""
    return await _ancestor_at(session, code=code, level="street")


async def district_of(session: AsyncSession, *, code: str) -> Jurisdiction | None:
    """The district of any node (a district is its own district)."""
    return await _ancestor_at(session, code=code, level="district")


async def _ancestor_at(session: AsyncSession, *, code: str, level: str) -> Jurisdiction | None:
    for candidate in (code, *rules.ancestors(code)):
        node = await session.get(Jurisdiction, candidate)
        if node is not None and node.level == level:
            return node
    return None


# -- departments --------------------------------------------------------------------------------------------------


async def get_department(session: AsyncSession, code: str) -> Department | None:
    return await session.get(Department, code)


async def list_departments(session: AsyncSession, *, include_inactive: bool = True) -> Sequence[Department]:
    statement = select(Department).order_by(Department.code)
    if not include_inactive:
        statement = statement.where(Department.active.is_(True))
    return (await session.scalars(statement)).all()


async def department_levels(session: AsyncSession) -> dict[str, frozenset[str]]:
    """Each active department's code with the levels where it sits."""
    return {d.code: frozenset(d.levels) for d in await list_departments(session, include_inactive=False)}


# -- reference versions -------------------------------------------------------------------------------------------


async def next_version(session: AsyncSession, *, stream: str) -> int:
    """Bump and return the stream's version; the row lock (PostgreSQL) or the file lock (SQLite) serialises writers."""
    bumped = update(ReferenceVersion).where(ReferenceVersion.stream == stream)
    result = await session.execute(bumped.values(version=ReferenceVersion.version + 1))
    if result.rowcount == 0:
        await session.execute(insert(ReferenceVersion).values(stream=stream, version=1))
    return await session.scalar(select(ReferenceVersion.version).where(ReferenceVersion.stream == stream)) or 1


async def current_version(session: AsyncSession, *, stream: str) -> int:
    return await session.scalar(select(ReferenceVersion.version).where(ReferenceVersion.stream == stream)) or 0
