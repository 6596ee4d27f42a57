"""The deadline sweep: reminders before a statutory deadline, and on a lapse overdue + supervision + escalation.

Only clocks whose `next_check_at` has come are read (an index). Each clock is handled in its own transaction and
claimed first: on PostgreSQL its row is locked `FOR UPDATE SKIP LOCKED` (another replica skips it), and on every
backend the claim is a conditional UPDATE on the `next_check_at` that was read, so a clock is reminded once per lead
and a lapse is handled once, however many sweeps run. The escalation and the order of a lapse also name their clock
under a unique constraint, and the case's version guards it against a concurrent request (ADR 0015).
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from routing_svc.cases import deadlines, directory, escalation, events, lifecycle, workflow
from routing_svc.cases.exceptions import TopTierReached
from routing_svc.cases.models import Case, CaseClock
from routing_svc.clocks import ClockKind, clock_rule, local_date
from services.contracts import routing as c
from services.db import is_postgres

log = logging.getLogger(__name__)
SCHEDULER_ACTOR = "scheduler"


@dataclass
class SweepResult:
    examined: int = 0
    reminded: int = 0
    overdue: int = 0
    escalated: int = 0
    supervised: int = 0
    skipped: int = 0
    case_ids: list[UUID] = field(default_factory=list)


async def due_clock_ids(session: AsyncSession, *, now: datetime, limit: int) -> list[UUID]:
    statement = select(CaseClock.id).where(CaseClock.next_check_at <= now).order_by(CaseClock.next_check_at)
    return list((await session.scalars(statement.limit(limit))).all())


async def sweep_due(
    session_factory: async_sessionmaker[AsyncSession],
    now: datetime,
    *,
    policy: workflow.Policy | None = None,
    batch_size: int = 500,
) -> SweepResult:
    """Handle every clock due at `now`: send the reminders that are due, and handle the lapses."""
    policy = policy or _default_policy()
    result = SweepResult()
    async with session_factory() as session:
        ids = await due_clock_ids(session, now=now, limit=batch_size)
        calendar = await directory.holiday_calendar(session)
    result.examined = len(ids)
    for clock_id in ids:
        try:
            await _handle_one(session_factory, clock_id, now=now, policy=policy, calendar=calendar, result=result)
        except (StaleDataError, IntegrityError):
            result.skipped += 1  # a concurrent request or sweep changed the case: the next sweep looks again
        except Exception:  # one broken case must not stop the reminders and lapses of all the others
            log.exception("deadline sweep failed on clock %s", clock_id)
            result.skipped += 1
    return result


def _default_policy() -> workflow.Policy:
    from routing_svc.cases.consumers import policy_of
    from routing_svc.config import RoutingSettings

    return policy_of(RoutingSettings())


async def _claim(session: AsyncSession, clock_id: UUID, *, now: datetime) -> CaseClock | None:
    statement = select(CaseClock).where(CaseClock.id == clock_id, CaseClock.next_check_at <= now)
    if is_postgres(session):
        statement = statement.with_for_update(skip_locked=True)
    clock = await session.scalar(statement)
    if clock is None:
        return None
    claimed = await session.execute(
        update(CaseClock)
        .where(CaseClock.id == clock_id, CaseClock.next_check_at == clock.next_check_at)
        .values(next_check_at=None)
        .execution_options(synchronize_session=False)
    )
    return clock if claimed.rowcount == 1 else None


async def _handle_one(session_factory, clock_id: UUID, *, now, policy, calendar, result: SweepResult) -> None:
    async with session_factory() as session, session.begin():
        clock = await _claim(session, clock_id, now=now)
        if clock is None:
            result.skipped += 1
            return
        case = await session.get(Case, clock.case_id)
        if case is None or case.status == "closed" or clock.stopped_at is not None:
            clock.next_check_at = None
            return
        ch = workflow.Change(session, case, SCHEDULER_ACTOR, now, calendar, policy)
        if now > clock.due_at:
            await _lapse(ch, clock, result)
        else:
            await _remind(ch, clock, result)
        result.case_ids.append(case.id)


async def _remind(ch: workflow.Change, clock: CaseClock, result: SweepResult) -> None:
    leads = deadlines.due_reminders(
        due_at=clock.due_at, leads=ch.policy.reminder_leads, reminded=clock.reminded_leads, now=ch.at
    )
    clock.reminded_leads = sorted({*clock.reminded_leads, *leads}, reverse=True)
    clock.next_check_at = deadlines.next_check(
        kind=clock.kind,
        due_at=clock.due_at,
        leads=ch.policy.reminder_leads,
        reminded=clock.reminded_leads,
        stopped=False,
        lapsed=False,
    )
    if leads:  # several leads passed while no sweep ran: one reminder, the most urgent
        await _clock_event(ch, clock, c.CaseDeadlineApproaching)
        result.reminded += 1


async def _lapse(ch: workflow.Change, clock: CaseClock, result: SweepResult) -> None:
    """Overdue: the event, a supervision order to the unit that let it lapse, and escalation one tier up."""
    clock.lapsed_at, clock.next_check_at = ch.at, None
    await _clock_event(ch, clock, c.CaseOverdue)
    result.overdue += 1
    rule = clock_rule(ClockKind(clock.kind), ch.policy.limits)
    await escalation.supervise(ch, reason=f"{rule.name}期限届满未办结", clock_id=clock.id)
    result.supervised += 1
    if lifecycle.State(ch.case.status) in lifecycle.ESCALATABLE:
        try:
            await escalation.escalate(ch, reason_code="overdue", reason=f"{rule.name}期限届满", clock_id=clock.id)
            result.escalated += 1
        except TopTierReached:
            pass  # a district case cannot go higher: the supervision order is what remains
    await ch.session.flush()


async def _clock_event(ch: workflow.Change, clock: CaseClock, event_class: type) -> None:
    rule = clock_rule(ClockKind(clock.kind), ch.policy.limits)
    days_left = (local_date(clock.due_at) - local_date(ch.at)).days
    await events.stage(
        ch.session,
        event_class,
        c.CaseClockData,
        ch.case,
        at=ch.at,
        clock=clock.kind,
        clock_name=rule.name,
        legal_basis=rule.legal_basis,
        due_at=clock.due_at,
        days_left=days_left,
    )
