"""Use cases that open, attach to and close cases from events, and read them: keyword-only, flush only."""

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from routing_svc.cases import directory, events, repository, rules, workflow
from routing_svc.cases.exceptions import CaseNotFound
from routing_svc.cases.lifecycle import Action
from routing_svc.cases.models import Case, CaseStep
from routing_svc.clocks import ClockKind, compute_due
from services.contracts import routing as contracts
from services.contracts.intake import PetitionRegistered, PetitionResolvedOnSpot, PetitionWithdrawn
from services.contracts.screening import ConflictEscalated
from services.http.auth import Principal
from services.ids import uuid7


@dataclass(frozen=True, slots=True)
class Opening:
    """What a new case is made of, from a petition or a finding."""

    source: str
    petition_id: UUID | None
    finding_id: UUID | None
    tracking_no: str | None
    kind: str
    severity: str
    tier: str | None
    channel: str
    category_code: str
    summary: str
    content: str
    address: str
    community_code: str | None
    received_at: datetime
    skip_level: bool = False
    repeat: bool = False
    group_size: int = 1
    petitioner_ref: UUID | None = None
    phone_masked: str | None = None


async def open_case_for_petition(*, session: AsyncSession, event: PetitionRegistered, policy: workflow.Policy) -> Case:
    data = event.data
    existing = await repository.get_by_petition(session, data.petition_id)
    if existing is not None:
        return existing  # a petition has one case, even if its event comes twice under another id
    if data.repeat_of is not None and (original := await repository.get_by_petition(session, data.repeat_of)):
        return await _attach_repeat(session, original, event)
    opening = Opening(
        source="petition",
        petition_id=data.petition_id,
        finding_id=None,
        tracking_no=data.tracking_no,
        kind=data.kind,
        severity=data.severity,
        tier=None,
        channel=data.channel,
        category_code=data.category_code,
        summary=data.summary,
        content=data.content or "",  # a report's content never travels on the bus (Art. 30)
        address=data.address,
        community_code=data.community_code,
        received_at=data.received_at,
        skip_level=data.skip_level,
        repeat=data.repeat_of is not None,
        group_size=data.group_size,
        petitioner_ref=data.petitioner_ref,
        phone_masked=None if data.kind == "report" else data.phone_masked,
    )
    return await _open(session, opening, policy)


async def open_case_for_conflict(*, session: AsyncSession, event: ConflictEscalated, policy: workflow.Policy) -> Case:
    data = event.data
    existing = await repository.get_by_finding(session, data.finding_id)
    if existing is not None:
        return existing
    opening = Opening(
        source="conflict",
        petition_id=None,
        finding_id=data.finding_id,
        tracking_no=None,
        kind="petition",
        severity=data.severity,
        tier=data.tier,
        channel="grid",
        category_code=data.category_code,
        summary=data.summary,
        content=data.description,
        address="",
        community_code=data.community_code,
        received_at=data.occurred_at,
        group_size=max(data.people_count, 1),
    )
    return await _open(session, opening, policy)


async def _attach_repeat(session: AsyncSession, case: Case, event: PetitionRegistered) -> Case:
    """A repeat petition is linked to the case of the original, never a second case (counted on it).

    The count is added in one UPDATE without bumping the ETag version: no client action writes repeat_count, so a
    repeat cannot be overwritten by a client holding an older ETag, and it must neither fail on concurrent repeats
    (StaleDataError, redelivery, dead letter) nor turn a handler's pending action into a 412."""
    set_committed_value(case, "repeat_count", await repository.count_repeat(session, case.id))
    details = {"petition_id": str(event.data.petition_id), "tracking_no": event.data.tracking_no}
    step = CaseStep(
        id=uuid7(),
        case_id=case.id,
        action="repeat",
        from_state=case.status,
        to_state=case.status,
        actor=workflow.SYSTEM_ACTOR,
        unit_code=case.unit_code,
        details=details,
        at=datetime.now(UTC),
    )
    session.add(step)
    return case


async def _open(session: AsyncSession, opening: Opening, policy: workflow.Policy) -> Case:
    place = await directory.place_of(
        session, community_code=opening.community_code, address=opening.address, district=policy.district
    )
    departments = await directory.competent_departments(session, category_code=opening.category_code)
    kind, track = rules.classify(opening.kind, None)
    matter = rules.Matter(
        kind=kind,
        severity=opening.severity,
        source=opening.source,
        tier=opening.tier,  # type: ignore[arg-type]
        skip_level=opening.skip_level,
        repeat=opening.repeat,
        group_size=opening.group_size,
        departments=departments,
    )
    routing = rules.route(matter, place)
    case = _new_case(opening, routing, place, kind=kind, track=track, now=datetime.now(UTC))
    repository.add(session, case)
    await session.flush()
    ch = await workflow.change(session, case, actor=workflow.SYSTEM_ACTOR, at=case.opened_at, policy=policy)
    register = await workflow.start(ch, ClockKind.REGISTER_AND_ROUTE, started_at=case.received_at)
    await events.opened(session, case, at=case.opened_at, due_at=register.due_at)
    workflow.apply(ch, Action.ASSIGN, unit_code=case.unit_code, mode=case.mode, fallback=case.fallback)
    await dispatch(ch)
    return case


async def dispatch(ch: workflow.Change) -> None:
    """The case reached its unit: the objection window starts (clocks start at dispatch), case.assigned goes out."""
    ch.case.assigned_at = ch.at
    await workflow.stop(ch, ClockKind.OBJECT)
    await workflow.start(ch, ClockKind.OBJECT)
    due = None
    if ch.case.mode == "assign":  # 交办: the unit reports its result by the handling limit counted from dispatch
        due = compute_due(kind=ClockKind.HANDLE, started_at=ch.at, calendar=ch.calendar, limits=ch.policy.limits).due_at
    await events.assigned(ch.session, ch.case, at=ch.at, due_at=due)


def _new_case(opening: Opening, routing: rules.Routing, place: rules.Place, *, kind: str, track: str, now) -> Case:
    district_code, street_code = rules.place_codes(routing.lead.code, place.district.code)
    return Case(
        id=uuid7(),
        petition_id=opening.petition_id,
        finding_id=opening.finding_id,
        source=opening.source,
        tracking_no=opening.tracking_no,
        kind=kind,
        track=track,
        status="opened",
        severity=opening.severity,
        tier=routing.tier,
        unit_code=routing.lead.code,
        unit_name=routing.lead.name,
        district_code=district_code,
        street_code=street_code,
        place_code=place.community.code if place.community else None,
        department_code=routing.department.code if routing.department else None,
        co_unit_codes=[unit.code for unit in routing.co_units],
        mode=routing.mode,
        fallback=routing.fallback,
        skip_level=opening.skip_level,
        channel=opening.channel,
        category_code=opening.category_code,
        summary=opening.summary,
        content=opening.content,
        address=opening.address,
        petitioner_ref=opening.petitioner_ref,
        phone_masked=opening.phone_masked,
        repeat_count=0,
        escalation_count=0,
        extension_days=0,
        received_at=opening.received_at,
        opened_at=now,
    )


async def close_withdrawn(*, session: AsyncSession, event: PetitionWithdrawn, policy: workflow.Policy) -> Case | None:
    """The petitioner withdrew: the case closes from whatever open state it is in; a closed case stays as it is."""
    return await _close_for_petition(
        session, event.data.petition_id, Action.WITHDRAW, how="withdrawn", reason=event.data.reason, policy=policy
    )


async def close_resolved_on_spot(
    *, session: AsyncSession, event: PetitionResolvedOnSpot, policy: workflow.Policy
) -> Case | None:
    """Reception resolved the petition on the spot (consultation or mediation): its case, if one opened, closes."""
    return await _close_for_petition(
        session,
        event.data.petition_id,
        Action.RESOLVE_ON_SPOT,
        how="resolved",
        reason=event.data.outcome,
        policy=policy,
    )


async def _close_for_petition(
    session: AsyncSession, petition_id: UUID, action: Action, *, how: str, reason: str, policy: workflow.Policy
) -> Case | None:
    case = await repository.get_by_petition(session, petition_id)
    if case is None or case.status == "closed":
        return case
    ch = await workflow.change(session, case, actor=workflow.SYSTEM_ACTOR, at=datetime.now(UTC), policy=policy)
    workflow.apply(ch, action, reason=reason)
    await close_now(ch, how=how)
    return case


async def close_now(ch: workflow.Change, *, how: str) -> None:
    ch.case.closed_how, ch.case.closed_at = how, ch.at
    await workflow.stop(ch)
    await events.stage(ch.session, contracts.CaseClosed, contracts.CaseClosedData, ch.case, at=ch.at, how=how)


async def list_cases(*, session: AsyncSession, principal: Principal, criteria: repository.QueueFilter, limit: int):
    is_admin = principal.has_any("admin")
    scope = rules.scope_of(principal.jurisdiction)
    if not is_admin and scope is None:
        return []  # no jurisdiction, no case
    criteria = dataclasses.replace(criteria, scope=None if is_admin else scope)
    return await repository.list_cases(session, criteria, limit=limit)


async def get_case(*, session: AsyncSession, case_id: UUID, principal: Principal) -> Case:
    case = await repository.get(session, case_id)
    if case is None or not workflow.visible(case, principal):
        raise CaseNotFound()
    return case
