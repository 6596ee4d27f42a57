"""A per-process snapshot of the reference copies, checked against their versions.

Registration reads the category, the community and the street and district above it; four primary-key look-ups a
petition. The copies change only through ``service.apply_*``, and every change raises the version of its set
(``ref_versions``), so a snapshot labelled with the versions read *before* its rows is never staler than those
versions: one cheap read of ``ref_versions`` tells whether it still holds, in every process (ADR 0027).
``recheck_seconds`` lets a caller skip that read while the last check is younger than that: registration uses the
copy at most that much older than the database (``INTAKE_REFERENCE_RECHECK_SECONDS``, ADR 0031); the copies are
themselves replicas of routing's data, updated seconds after it by events.
A session that changed a copy itself (not committed yet) reads past the snapshot and does not store one; when it
commits, this process's snapshot is dropped, so the process that applied a change uses it at once.
"""

import time
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from sqlalchemy import event, select
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


@dataclass(frozen=True, slots=True)
class _Checked:
    snapshot: Snapshot
    at: float  # _clock() just before the versions were read


_clock = time.monotonic
_snapshots: "WeakKeyDictionary[object, _Checked]" = WeakKeyDictionary()  # per engine (database)
_dropped: "WeakKeyDictionary[object, float]" = WeakKeyDictionary()  # per engine: when a commit here changed a copy


async def current(session: AsyncSession, *, recheck_seconds: float = 0.0) -> Snapshot:
    """The copies as of the last check of their versions, which is at most ``recheck_seconds`` old (0: now)."""
    engine = session.get_bind()
    if session.info.get(CHANGED_HERE):
        return await _load(session, await _versions(session))
    found = _snapshots.get(engine)
    started = _clock()
    if found is not None and started - found.at < recheck_seconds:
        return found.snapshot
    versions = await _versions(session)
    snapshot = found.snapshot if found is not None and found.snapshot.versions == versions else None
    snapshot = snapshot or await _load(session, versions)
    if _dropped.get(engine, float("-inf")) < started:  # else a change committed here meanwhile: read again next time
        _snapshots[engine] = _Checked(snapshot, started)
    return snapshot


def changing(session: AsyncSession) -> None:
    """``session`` may change a copy: it reads past the snapshot, and its commit drops this process's snapshot."""
    if not session.info.get(CHANGED_HERE):
        session.info[CHANGED_HERE] = True
        event.listen(session.sync_session, "after_commit", _drop, once=True)


def _drop(sync_session) -> None:  # noqa: ANN001 - the sync Session of the AsyncSession that committed
    engine = sync_session.get_bind()
    _dropped[engine] = _clock()
    _snapshots.pop(engine, None)


_VERSIONS = select(ReferenceVersion.__table__.c.name, ReferenceVersion.__table__.c.version)


async def _versions(session: AsyncSession) -> tuple[tuple[str, int], ...]:
    """On the session's connection, not through the ORM: a plain two-column read."""
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
