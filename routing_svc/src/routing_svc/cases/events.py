"""Builds the `xinfang.case.*.v1` events from a case row: every event carries the case's current state and unit."""

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from routing_svc.cases.models import Case
from services.contracts import CloudEvent
from services.contracts import routing as contracts
from services.db import add_event, outbox

_TIERS = ("community", "street", "district")
_COLLECTED = "routing_case_events"


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


def build(event_class: type, data_class: type, case: Case, *, at: datetime, **extra) -> CloudEvent:
    return event_class.create(subject=str(case.id), data=data_class(**case_data(case, at=at), **extra))


async def stage(session: AsyncSession, event_class: type, data_class: type, case: Case, *, at: datetime, **extra):
    """Stage one case event in the caller's transaction (the outbox); in a session that collects its events (the
    sweep's batches, `collecting`) it joins them, to be staged with the others in one statement."""
    await stage_built(session, build(event_class, data_class, case, at=at, **extra))


async def stage_built(session: AsyncSession, event: CloudEvent) -> None:
    collected = session.info.get(_COLLECTED)
    if collected is not None:
        collected.append(event)
    else:
        await add_event(session, event)


def collecting(session: AsyncSession) -> list[CloudEvent]:
    """From now on this session's case events are collected in the returned list instead of staged one by one: the
    caller stages them (`stage_all`) before its transaction commits."""
    return session.info.setdefault(_COLLECTED, [])


async def stage_all(session: AsyncSession, staged: list[CloudEvent]) -> None:
    """Stage these events in the caller's transaction, in this order: the first as `add_event` does (which also
    wakes the relay after the commit), the rest in one statement (the sweep's batches)."""
    if not staged:
        return
    await add_event(session, staged[0])
    rows = [
        {"event_id": UUID(e.id), "event_type": e.type, "aggregate_id": e.subject, "payload": e.to_json(),
         "correlation_id": e.correlationid, "created_at": e.time}
        for e in staged[1:]
    ]  # fmt: skip
    if rows:
        await session.execute(insert(outbox), rows)


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
