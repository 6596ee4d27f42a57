"""Escalation one tier up (a unit cannot resolve, or a clock ran out) and supervision orders (督办, Art. 40)."""

from datetime import datetime, timedelta
from uuid import UUID

from routing_svc.cases import directory, events, rules, service, workflow
from routing_svc.cases.actions import move_to
from routing_svc.cases.exceptions import TopTierReached
from routing_svc.cases.lifecycle import Action
from routing_svc.cases.models import Escalation, SupervisionOrder
from routing_svc.cases.workflow import Change
from routing_svc.clocks import ClockKind, end_of_day, local_date
from services.contracts import routing as c
from services.ids import uuid7

REASONS = {"cannot_resolve": "承办单位无法化解，申请提级", "overdue": "法定期限届满未办结"}


async def escalate(ch: Change, *, reason_code: str, reason: str, clock_id: UUID | None = None) -> Escalation:
    """Send the case one tier up at its place; the new unit receives it as a dispatch (its objection window starts).
    A district case cannot go higher (409)."""
    workflow.guard(ch.case, Action.ESCALATE)
    place = await directory.place_of_unit(ch.session, unit_code=_territorial_code(ch), district=ch.policy.district)
    target = rules.escalation_target(place, ch.case.tier)  # type: ignore[arg-type]
    if target is None:
        raise TopTierReached()
    unit, tier = target
    record = Escalation(
        id=uuid7(),
        case_id=ch.case.id,
        clock_id=clock_id,
        from_unit_code=ch.case.unit_code,
        from_tier=ch.case.tier,
        to_unit_code=unit.code,
        to_tier=tier,
        reason_code=reason_code,
        reason=reason,
        actor=ch.actor,
        at=ch.at,
    )
    ch.session.add(record)
    workflow.apply(ch, Action.ESCALATE, reason_code=reason_code, reason=reason, to_unit_code=unit.code)
    move_to(ch, rules.Unit(unit.code, unit.name, tier))
    ch.case.escalation_count += 1
    ch.case.co_unit_codes = _co_units_at(ch, tier)
    await workflow.stop(ch, ClockKind.OBJECT, ClockKind.HANDLE)
    await events.stage(
        ch.session,
        c.CaseEscalated,
        c.CaseEscalatedData,
        ch.case,
        at=ch.at,
        from_unit_code=record.from_unit_code,
        from_tier=record.from_tier,
        reason_code=reason_code,
        reason=reason,
    )
    await service.dispatch(ch)
    return record


def _territorial_code(ch: Change) -> str:
    """The tree node the case stands at: its unit, or for a department's case the place it came from."""
    if ch.case.unit_code.isdigit():
        return ch.case.unit_code
    return ch.case.place_code or ch.policy.district.code


def _co_units_at(ch: Change, tier: str) -> list[str]:
    department = ch.case.department_code
    return [department] if department and department != ch.case.unit_code and tier != "community" else []


async def supervise(
    ch: Change, *, reason: str, due_at: datetime | None = None, listed: bool = False, clock_id: UUID | None = None
) -> SupervisionOrder:
    """An order to the case's unit to answer in writing by `due_at` (default: the configured number of days)."""
    due = due_at or end_of_day(local_date(ch.at) + timedelta(days=ch.policy.supervision_days))
    order = SupervisionOrder(
        id=uuid7(),
        case_id=ch.case.id,
        clock_id=clock_id,
        unit_code=ch.case.unit_code,
        unit_name=ch.case.unit_name,
        reason=reason,
        listed=listed,
        issued_by=ch.actor,
        issued_at=ch.at,
        due_at=due,
    )
    ch.session.add(order)
    await events.stage(
        ch.session,
        c.CaseSupervised,
        c.CaseSupervisedData,
        ch.case,
        at=ch.at,
        order_id=order.id,
        due_at=due,
        listed=listed,
        reason=reason,
    )
    return order
