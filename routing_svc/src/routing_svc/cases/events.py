"""Builds the `xinfang.case.*.v1` events from a case row: every event carries the case's current state and unit."""

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from routing_svc.cases.models import Case
from services.contracts import routing as contracts
from services.db import add_event

_TIERS = ("community", "street", "district")


def case_data(case: Case, *, at: datetime) -> dict[str, Any]:
    """The fields every case event shares (CaseData); nothing about the petitioner (Art. 30)."""
    return {
        "case_id": case.id,
        "source": case.source,
        "petition_id": case.petition_id,
        "finding_id": case.finding_id,
        "tracking_no": case.tracking_no,
        "kind": case.kind,
        "status": case.status,
        "unit_code": case.unit_code,
        "unit_name": case.unit_name,
        "tier": case.tier if case.tier in _TIERS else "district",
        "category_code": case.category_code,
        "occurred_at": at,
    }


async def stage(session: AsyncSession, event_class: type, data_class: type, case: Case, *, at: datetime, **extra):
    """Stage one case event in the caller's transaction (the outbox)."""
    data = data_class(**case_data(case, at=at), **extra)
    await add_event(session, event_class.create(subject=str(case.id), data=data))


async def opened(session: AsyncSession, case: Case, *, at: datetime, due_at: datetime) -> None:
    await stage(
        session,
        contracts.CaseOpened,
        contracts.CaseOpenedData,
        case,
        at=at,
        severity=case.severity,
        skip_level=case.skip_level,
        due_at=due_at,
    )


async def assigned(session: AsyncSession, case: Case, *, at: datetime, due_at: datetime | None) -> None:
    await stage(
        session,
        contracts.CaseAssigned,
        contracts.CaseAssignedData,
        case,
        at=at,
        mode=case.mode or "transfer",
        co_unit_codes=list(case.co_unit_codes),
        due_at=due_at,
    )


async def plain(session: AsyncSession, event_class: type, case: Case, *, at: datetime) -> None:
    """CaseSigned, CaseFinalized: nothing beyond the shared fields."""
    await stage(session, event_class, contracts.CaseData, case, at=at)
