"""A per-process snapshot of the reference copies, checked against their versions on every use.

Registration reads the category, the community and the street and district above it; four primary-key look-ups a
petition. The copies change only through ``service.apply_*``, and every change raises the version of its set
(``ref_versions``), so a snapshot labelled with the versions read *before* its rows is never staler than those
versions: one cheap read of ``ref_versions`` per use tells whether it still holds, in every process (ADR 0027).
A session that changed a copy itself (not committed yet) reads past the snapshot and does not store one.
"""

from dataclasses import dataclass
from weakref import WeakKeyDictionary

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.reference.models import ReferenceCategory, ReferenceJurisdiction, ReferenceVersion

CHANGED_HERE = "reference_copy_changed"  # session.info flag set by service.apply_*


@dataclass(frozen=True, slots=True)
class Node:
    name: str
    level: str | None
    parent_code: str | None
    active: bool


@dataclass(frozen=True, slots=True)
class Snapshot:
    versions: tuple[tuple[str, int], ...]
    categories: dict[str, Node]
    jurisdictions: dict[str, Node]

    def category_known(self, code: str) -> bool:
        """An active category of the copy; any code while the copy is empty."""
        found = self.categories.get(code)
        return found.active if found is not None else not self.categories

    def community_known(self, code: str) -> bool:
        found = self.jurisdictions.get(code)
        return found.active and found.level == "community" if found is not None else not self.jurisdictions

    def place_name(self, code: str | None) -> str | None:
        """``清河区长桥街道柳岸社区`` for a community code (names from the district down); None if unknown."""
        names: list[str] = []
        while code is not None and (node := self.jurisdictions.get(code)) is not None and len(names) < 8:
            names.insert(0, node.name)
            code = node.parent_code
        return "".join(names) or None


_snapshots: "WeakKeyDictionary[object, Snapshot]" = WeakKeyDictionary()  # per engine (database)


async def current(session: AsyncSession) -> Snapshot:
    versions = await _versions(session)
    engine = session.get_bind()
    if session.info.get(CHANGED_HERE):
        return await _load(session, versions)
    found = _snapshots.get(engine)
    if found is None or found.versions != versions:
        found = _snapshots[engine] = await _load(session, versions)
    return found


_VERSIONS = select(ReferenceVersion.__table__.c.name, ReferenceVersion.__table__.c.version)


async def _versions(session: AsyncSession) -> tuple[tuple[str, int], ...]:
    """On the session's connection, not through the ORM: a plain two-column read, on every registration."""
    rows = await (await session.connection()).execute(_VERSIONS)
    return tuple(sorted((name, version) for name, version in rows))


async def _load(session: AsyncSession, versions: tuple[tuple[str, int], ...]) -> Snapshot:
    categories = await session.execute(
        select(ReferenceCategory.code, ReferenceCategory.name, ReferenceCategory.parent_code, ReferenceCategory.active)
    )
    jurisdictions = await session.execute(
        select(
            ReferenceJurisdiction.code, ReferenceJurisdiction.name, ReferenceJurisdiction.level,
            ReferenceJurisdiction.parent_code, ReferenceJurisdiction.active,
        )
    )  # fmt: skip
    return Snapshot(
        versions=versions,
        categories={code: Node(name, None, parent, active) for code, name, parent, active in categories},
        jurisdictions={code: Node(name, level, parent, active) for code, name, level, parent, active in jurisdictions},
    )
