"""The core every case change goes through: guard the transition, record the step, keep the clocks."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from routing_svc.cases import deadlines, directory, lifecycle, repository, rules
from routing_svc.cases.exceptions import (
    CaseNotFound,
    NotTheHoldingUnit,
    PreconditionFailed,
    PreconditionRequired,
    TransitionNotAllowed,
)
from routing_svc.cases.lifecycle import Action, Refusal, State
from routing_svc.cases.models import Case, CaseClock, CaseStep
from routing_svc.clocks import ClockKind, ClockLimits, HolidayCalendar
from services.http.auth import Principal
from services.http.errors import Forbidden
from services.ids import uuid7

SYSTEM_ACTOR = "system"


@dataclass(frozen=True, slots=True)
class Policy:
    """The service's knobs for cases: the district (fallback owner), reminder lead times, clock limits."""

    district: rules.Unit
    reminder_leads: tuple[int, ...] = (3, 1)
    limits: ClockLimits = field(default_factory=ClockLimits)
    supervision_days: int = 10


@dataclass(slots=True)
class Change:
    """One request's change of one case: who, when, and the calendar the clocks count on.

    `clocks`, when given, are all of the case's clocks, read in advance (the sweep reads a batch's in one statement):
    the clock operations below then read and flush nothing, and the batch writes its rows together."""

    session: AsyncSession
    case: Case
    actor: str
    at: datetime
    calendar: HolidayCalendar
    policy: Policy
    clocks: list[CaseClock] | None = None


def etag(case: Case) -> str:
    return f'"{case.version}"'


def check_if_match(case: Case, if_match: str | None) -> None:
    """Updates name the version they read: none → 428, another → 412 (ADR 0014)."""
    if if_match is None:
        raise PreconditionRequired()
    offered = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
    if "*" not in offered and etag(case) not in offered:
        raise PreconditionFailed(f"当前 ETag 为 {etag(case)}")


async def load_for(
    session: AsyncSession, *, case_id, principal: Principal, action: Action, if_match: str | None
) -> Case:
    """The case a principal may change with `action`: visible (else 404), role allowed, version matching."""
    case = await repository.get(session, case_id)
    if case is None or not visible(case, principal):
        raise CaseNotFound()
    if not lifecycle.may_take(action, principal.roles):
        raise Forbidden(f"需要以下角色之一：{', '.join(sorted(lifecycle.ROLES[action]))}")
    if lifecycle.must_hold(action, principal.roles) and not rules.acts_for(
        principal.jurisdiction, unit_code=case.unit_code, co_unit_codes=tuple(case.co_unit_codes)
    ):
        raise NotTheHoldingUnit()
    check_if_match(case, if_match)
    return case


def visible(case: Case, principal: Principal) -> bool:
    return rules.visible_to(
        principal.jurisdiction,
        unit_code=case.unit_code,
        is_admin=principal.has_any("admin"),
        district_code=case.district_code,
        street_code=case.street_code,
    )


async def change(session: AsyncSession, case: Case, *, actor: str, at: datetime, policy: Policy) -> Change:
    return Change(session, case, actor, at, await directory.holiday_calendar(session), policy)


def guard(case: Case, action: Action) -> State:
    """The state `action` leads to, or 409 naming the allowed actions."""
    result = lifecycle.next_state(State(case.status), action)
    if isinstance(result, Refusal):
        raise TransitionNotAllowed.of(result)
    return result


def apply(ch: Change, action: Action, **details: Any) -> State:
    """Take `action`: guard it, record the step, set the state."""
    target = guard(ch.case, action)
    step = CaseStep(
        id=uuid7(),
        case_id=ch.case.id,
        action=action.value,
        from_state=ch.case.status,
        to_state=target.value,
        actor=ch.actor,
        unit_code=ch.case.unit_code,
        details=_jsonable(details),
        at=ch.at,
    )
    ch.session.add(step)
    ch.case.status = target.value
    return target


def _jsonable(details: dict[str, Any]) -> dict[str, Any]:
    return {key: (value.isoformat() if isinstance(value, datetime) else value) for key, value in details.items()}


async def start(ch: Change, kind: ClockKind, *, started_at: datetime | None = None) -> CaseClock:
    previous = await _latest(ch, kind)
    clock = deadlines.start_clock(
        case_id=ch.case.id,
        kind=kind,
        unit_code=ch.case.unit_code,
        started_at=started_at or ch.at,
        calendar=ch.calendar,
        leads=ch.policy.reminder_leads,
        round_=(previous.round + 1) if previous else 1,
        limits=ch.policy.limits,
    )
    ch.session.add(clock)
    if ch.clocks is not None:
        ch.clocks.append(clock)
    else:
        await ch.session.flush()
    await refresh_due(ch)
    return clock


async def stop(ch: Change, *kinds: ClockKind) -> None:
    """Stop the running clocks of these kinds (all when none is named)."""
    names = {kind.value for kind in kinds}
    running = await _running(ch)
    for clock in running:
        if not names or clock.kind in names:
            deadlines.stop_clock(clock, at=ch.at, case=ch.case)
    if ch.clocks is None:
        await ch.session.flush()
    ch.case.due_at = deadlines.earliest_obligation(running)  # refresh_due, without reading them again


async def refresh_due(ch: Change) -> None:
    ch.case.due_at = deadlines.earliest_obligation(await _running(ch))


async def running(ch: Change, kind: ClockKind) -> CaseClock | None:
    return next((c for c in await _running(ch) if c.kind == kind.value), None)


async def _running(ch: Change) -> list[CaseClock]:
    if ch.clocks is not None:
        return [clock for clock in ch.clocks if clock.stopped_at is None]
    return await repository.running_clocks(ch.session, ch.case.id)


async def _latest(ch: Change, kind: ClockKind) -> CaseClock | None:
    if ch.clocks is not None:
        return max((c for c in ch.clocks if c.kind == kind.value), key=lambda c: c.round, default=None)
    return await repository.latest_clock(ch.session, ch.case.id, kind.value)
