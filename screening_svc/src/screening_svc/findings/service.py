"""Use cases of findings: report (solve on the spot or escalate by tier) and follow the case that comes back."""

from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from screening_svc.findings import repository, rules
from screening_svc.findings.exceptions import FindingNotFound, MeasureRequired, OccurredInFuture, UnknownCategory
from screening_svc.findings.models import Finding
from screening_svc.findings.schemas import CaseView, FindingCreate, FindingRead
from screening_svc.grids import repository as grids
from screening_svc.grids.exceptions import UnknownGrid
from screening_svc.grids.models import Grid
from screening_svc.grids.rules import Scope
from screening_svc.reference import repository as reference
from services.contracts.envelope import CloudEvent
from services.contracts.routing import CaseData
from services.contracts.screening import (
    ConflictEscalated,
    ConflictEscalatedData,
    ConflictReported,
    ConflictResolvedOnSpot,
    ConflictResolvedOnSpotData,
    FindingData,
)
from services.db import add_event
from services.ids import uuid7


async def report_finding(
    *, session: AsyncSession, request: FindingCreate, scope: Scope, reported_by: str, now: datetime
) -> FindingRead:
    grid = await _check(session, request=request, scope=scope, now=now)
    finding = _new_finding(request, grid=grid, reported_by=reported_by, now=now)
    repository.add(session, finding)
    await session.flush()
    for event in _events(finding, grid=grid):
        await add_event(session, event)
    return read(finding)


async def _check(session: AsyncSession, *, request: FindingCreate, scope: Scope, now: datetime) -> Grid:
    grid = await grids.get_visible(session, code=request.grid_code, scope=scope)
    if grid is None:
        raise UnknownGrid()
    if await reference.active_category(session, request.category_code) is None:
        raise UnknownCategory()
    if rules.needs_measure(request.severity, request.measure):
        raise MeasureRequired()
    if request.occurred_at is not None and rules.in_future(request.occurred_at, now):
        raise OccurredInFuture()
    return grid


def _new_finding(request: FindingCreate, *, grid: Grid, reported_by: str, now: datetime) -> Finding:
    return Finding(
        id=uuid7(),
        grid_code=grid.code,
        community_code=grid.community_code,
        category_code=request.category_code,
        kind=request.kind,
        severity=request.severity,
        summary=request.summary,
        description=request.description,
        people_count=request.people_count,
        occurred_at=request.occurred_at or now,
        reported_by=reported_by,
        reported_at=now,
        outcome=rules.outcome_for(request.severity),
        measure=request.measure,
        tier=rules.tier_for(request.severity),
    )


def _events(finding: Finding, *, grid: Grid) -> list[CloudEvent]:
    subject = str(finding.id)
    base = FindingData(
        finding_id=finding.id,
        grid_id=grid.id,
        community_code=finding.community_code,
        category_code=finding.category_code,
        kind=finding.kind,
        severity=finding.severity,
        people_count=finding.people_count,
        occurred_at=finding.occurred_at,
    )
    fields = base.model_dump()
    if finding.tier is None:
        outcome = ConflictResolvedOnSpot.create(
            subject=subject, data=ConflictResolvedOnSpotData(**fields, measure=finding.measure or "")
        )
    else:
        data = ConflictEscalatedData(
            **fields, tier=finding.tier, summary=finding.summary, description=finding.description
        )
        outcome = ConflictEscalated.create(subject=subject, data=data)
    return [ConflictReported.create(subject=subject, data=base), outcome]


async def get_finding(*, session: AsyncSession, finding_id: UUID, scope: Scope) -> FindingRead:
    finding = await repository.get_visible(session, finding_id=finding_id, scope=scope)
    if finding is None:
        raise FindingNotFound()
    return read(finding)


async def list_findings(
    *, session: AsyncSession, scope: Scope, grid_code: str | None, outcome: str | None, after: UUID | None, limit: int
) -> list[FindingRead]:
    found = await repository.list_findings(
        session, scope=scope, grid_code=grid_code, outcome=outcome, after=after, limit=limit
    )
    return [read(f) for f in found]


def read(finding: Finding) -> FindingRead:
    fields = {name: getattr(finding, name) for name in FindingRead.model_fields if name != "case"}
    return FindingRead.model_validate(fields | {"case": _case_view(finding)})


def _case_view(finding: Finding) -> CaseView | None:
    if finding.case_id is None:
        return None
    return CaseView(
        case_id=finding.case_id,
        status=finding.case_status,
        unit_code=finding.case_unit_code,
        unit_name=finding.case_unit_name,
        tier=finding.case_tier,
        updated_at=finding.case_updated_at,
        closed_how=finding.closed_how,
        closed_at=finding.closed_at,
    )


async def follow_case(*, session: AsyncSession, data: CaseData) -> bool:
    """Mirror a case opened from a finding; False for a case of another source or an unknown finding (ignored)."""
    if data.source != "conflict" or data.finding_id is None:
        return False
    finding = await repository.get_for_update(session, data.finding_id)
    if finding is None or not rules.newer(finding.case_updated_at, data.occurred_at):
        return False
    finding.case_id, finding.case_status = data.case_id, data.status
    finding.case_unit_code, finding.case_unit_name, finding.case_tier = data.unit_code, data.unit_name, data.tier
    finding.case_updated_at = data.occurred_at
    closed_how = getattr(data, "how", None)
    if closed_how is not None:
        finding.closed_how, finding.closed_at = closed_how, data.occurred_at
    await session.flush()
    return True
