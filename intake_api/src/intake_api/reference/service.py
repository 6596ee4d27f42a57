"""Keep intake's read-only copies of routing_svc's jurisdiction tree and catalogue, and answer from them.

A copy that has never been filled (no event received, no demo seed) checks nothing: intake cannot refuse a code
before it knows the list, and routing_svc validates again when it opens the case (ADR 0008)."""

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.reference import repository, snapshot
from intake_api.reference.models import ReferenceCategory, ReferenceDepartment, ReferenceJurisdiction
from intake_api.reference.snapshot import Snapshot
from services.contracts.routing import CatalogueUpdatedData, JurisdictionUpdatedData

JURISDICTIONS, CATALOGUE = "jurisdictions", "catalogue"


async def apply_jurisdictions(*, session: AsyncSession, data: JurisdictionUpdatedData) -> bool:
    """False (nothing changed) for a version not newer than the one applied."""
    if not await _newer(session, JURISDICTIONS, data.version):
        return False
    rows = [
        ReferenceJurisdiction(code=n.code, name=n.name, level=n.level, parent_code=n.parent_code, active=n.active)
        for n in data.nodes
    ]
    await _apply(session, ReferenceJurisdiction, rows, full=data.full)
    await _apply_departments(session, data)
    await repository.set_version(session, JURISDICTIONS, data.version)
    return True


async def apply_catalogue(*, session: AsyncSession, data: CatalogueUpdatedData) -> bool:
    if not await _newer(session, CATALOGUE, data.version):
        return False
    rows = [
        ReferenceCategory(code=c.code, name=c.name, parent_code=c.parent_code, active=c.active) for c in data.categories
    ]
    await _apply(session, ReferenceCategory, rows, full=data.full)
    await repository.set_version(session, CATALOGUE, data.version)
    return True


async def _newer(session: AsyncSession, name: str, version: int) -> bool:
    snapshot.changing(session)  # no cached snapshot for this transaction; dropped when it commits
    return version > await repository.lock_version(session, name)


async def _apply(session: AsyncSession, model: type, rows: list, *, full: bool) -> None:
    if full:
        await repository.replace_all(session, model, rows)
    else:
        await repository.upsert(session, rows)


async def copies(session: AsyncSession, *, recheck_seconds: float = 0.0) -> Snapshot:
    """The catalogue and jurisdiction copies (a per-process snapshot checked against their versions now, or when
    the last check is older than ``recheck_seconds``)."""
    return await snapshot.current(session, recheck_seconds=recheck_seconds)


async def category_known(*, session: AsyncSession, code: str) -> bool:
    return (await copies(session)).category_known(code)


async def community_known(*, session: AsyncSession, code: str) -> bool:
    return (await copies(session)).community_known(code)


async def category_name(*, session: AsyncSession, code: str) -> str | None:
    found = (await copies(session)).categories.get(code)
    return None if found is None else found.name


# -- the departments a transfer form may name -------------------------------
async def _apply_departments(session: AsyncSession, data: JurisdictionUpdatedData) -> None:
    rows = [
        ReferenceDepartment(code=d.code, name=d.name, levels=list(d.levels), active=d.active) for d in data.departments
    ]
    await _apply(session, ReferenceDepartment, rows, full=data.full)


async def receiving_unit_name(*, session: AsyncSession, code: str) -> str | None:
    """The name of an active department or jurisdiction of the copies; None for an unknown or inactive code."""
    found = await repository.department(session, code) or await repository.jurisdiction(session, code)
    return found.name if found is not None and found.active else None


async def place_name(*, session: AsyncSession, code: str | None) -> str | None:
    return (await copies(session)).place_name(code)
