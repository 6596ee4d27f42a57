"""The deadline sweep: reminders before a statutory deadline, and on a lapse overdue + supervision + escalation.

Only clocks whose `next_check_at` has come are read (an index). A sweep handles them in batches, one transaction
per batch: the due clocks are read in one statement and claimed in one conditional UPDATE on their `next_check_at`
(on PostgreSQL they are also locked `FOR UPDATE SKIP LOCKED`, and their cases `FOR UPDATE SKIP LOCKED`: a clock whose
case a request holds waits for the next sweep instead of deadlocking with it), their cases are read in one statement,
the reminders' clock updates are flushed together and their events staged in one insert. The lapses of a batch are
computed in memory by the same rules a request uses (the clocks of their cases read in one statement beforehand), so
their supervision orders, escalations, steps and new clocks go out as one insert per table and their cases as one
executemany UPDATE. So a clock is reminded once per lead and a lapse is handled once, however many sweeps run. The
escalation and the order of a lapse also name their clock under a unique constraint, and the case's version guards it
against a concurrent request (ADR 0015).

A batch that fails rolls back whole; its clocks are then handled one per transaction, so one broken case cannot stop
the reminders and lapses of all the others.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from routing_svc.cases import bulk, deadlines, directory, escalation, events, lifecycle, repository, workflow
from routing_svc.cases.exceptions import TopTierReached
from routing_svc.cases.models import Case, CaseClock
from routing_svc.clocks import ClockKind, HolidayCalendar, clock_rule, local_date
from services.contracts import CloudEvent
from services.contracts import routing as c
from services.db import is_postgres

log = logging.getLogger(__name__)
SCHEDULER_ACTOR = "scheduler"
_clocks = CaseClock.__table__


@dataclass
class SweepResult:
    examined: int = 0
    reminded: int = 0
    overdue: int = 0
    escalated: int = 0
    supervised: int = 0
    skipped: int = 0
    case_ids: list[UUID] = field(default_factory=list)


@dataclass
class _Batch:
    """One transaction's work: its change context, and its events in the order they happened (the reminders' and
    the lapses', which `events.stage` collects in this session), staged together in one insert before the commit."""

    session: AsyncSession
    now: datetime
    calendar: HolidayCalendar
    policy: workflow.Policy
    result: SweepResult
    clocks: dict[UUID, list[CaseClock]] | None = None  # the lapsing cases' clocks, read in advance (batches only)
    tree: list = field(default_factory=list)  # the jurisdiction tree, held while the batch runs (batches only)

    def __post_init__(self) -> None:
        self.events = events.collecting(self.session)
        self.session.info[directory.PLACE_MEMO] = {}  # the tree does not change under a batch: look each unit up once

    def change(self, case: Case) -> workflow.Change:
        clocks = self.clocks.get(case.id) if self.clocks is not None else None
        return workflow.Change(self.session, case, SCHEDULER_ACTOR, self.now, self.calendar, self.policy, clocks)

    async def stage_events(self) -> None:
        staged = list(self.events)
        self.events.clear()
        await events.stage_all(self.session, staged)


def _due(now: datetime):
    return select(CaseClock).where(CaseClock.next_check_at <= now).order_by(CaseClock.next_check_at)


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
    """Handle up to `batch_size` clocks due at `now`: send the reminders that are due, and handle the lapses."""
    policy = policy or _default_policy()
    async with session_factory() as session:
        calendar = await directory.holiday_calendar(session)
    result = SweepResult()
    try:
        async with session_factory() as session, session.begin():
            await _sweep_batch(_Batch(session, now, calendar, policy, result), limit=batch_size)
        return result
    except Exception:
        log.warning("deadline sweep batch failed, handling its clocks one by one", exc_info=True)
    return await _sweep_one_by_one(session_factory, now, policy=policy, calendar=calendar, batch_size=batch_size)


def _default_policy() -> workflow.Policy:
    from routing_svc.cases.consumers import policy_of
    from routing_svc.config import RoutingSettings

    return policy_of(RoutingSettings())


async def _sweep_batch(batch: _Batch, *, limit: int) -> None:
    session, now = batch.session, batch.now
    postgres = is_postgres(session)
    statement = _due(now).limit(limit)
    clocks = list(await session.scalars(statement.with_for_update(skip_locked=True) if postgres else statement))
    batch.result.examined = len(clocks)
    cases: dict[UUID, Case] = {}
    if postgres:  # the cases first, so that a case a request holds is left for the next sweep
        cases = await _cases(session, {clock.case_id for clock in clocks}, lock=True)
        clocks = [clock for clock in clocks if clock.case_id in cases]
    claimed = await _claim(session, [clock.id for clock in clocks], now=now)
    clocks = [clock for clock in clocks if clock.id in claimed]
    if not postgres:  # SQLite: read after the claim took the write lock, so that nothing changes them under us
        cases = await _cases(session, {clock.case_id for clock in clocks}, lock=False)
    batch.result.skipped += batch.result.examined - len(clocks)
    lapsing = {clock.case_id for clock in clocks if _lapses(batch, clock, cases.get(clock.case_id))}
    batch.clocks = await repository.clocks_of(session, list(lapsing))
    if lapsing:  # the escalations find their places in the session, not with a statement each
        batch.tree = await directory.hold_tree(session)
    with session.no_autoflush:  # nothing is written while the batch is computed: its rows go out together below
        for clock in clocks:
            set_committed_value(clock, "next_check_at", None)  # what the claim wrote (not synchronised into the rows)
            await _handle(batch, clock, cases.get(clock.case_id))
        await bulk.write_changed(session, list(cases.values()))
        await bulk.write_changed(session, [c for kept in batch.clocks.values() for c in kept] + clocks)
    await session.flush()  # the new orders, escalations, steps and clocks: one insert per table
    await batch.stage_events()


async def _cases(session: AsyncSession, ids: set[UUID], *, lock: bool) -> dict[UUID, Case]:
    if not ids:
        return {}
    statement = select(Case).where(Case.id.in_(ids))
    found = await session.scalars(statement.with_for_update(skip_locked=True) if lock else statement)
    return {case.id: case for case in found}


async def _claim(session: AsyncSession, ids: list[UUID], *, now: datetime) -> set[UUID]:
    """Clear `next_check_at` of those of these clocks still due: the ones this sweep now owns."""
    if not ids:
        return set()
    claimed = await session.execute(
        update(_clocks)
        .where(_clocks.c.id.in_(ids), _clocks.c.next_check_at <= now)
        .values(next_check_at=None)
        .returning(_clocks.c.id)
    )
    return set(claimed.scalars())


def _lapses(batch: _Batch, clock: CaseClock, case: Case | None) -> bool:
    return _open(clock, case) and batch.now > clock.due_at


def _open(clock: CaseClock, case: Case | None) -> bool:
    return case is not None and case.status != "closed" and clock.stopped_at is None


async def _handle(batch: _Batch, clock: CaseClock, case: Case | None) -> None:
    if case is None or not _open(clock, case):
        return  # nothing left to do: the claim cleared its next check
    if batch.now > clock.due_at:
        await _lapse(batch.change(case), clock, batch.result)
    else:
        batch.events += _remind(batch.change(case), clock, batch.result)
    batch.result.case_ids.append(case.id)


async def _sweep_one_by_one(session_factory, now: datetime, *, policy, calendar, batch_size: int) -> SweepResult:
    result = SweepResult()
    async with session_factory() as session:
        ids = await due_clock_ids(session, now=now, limit=batch_size)
    result.examined = len(ids)
    for clock_id in ids:
        try:
            async with session_factory() as session, session.begin():
                await _sweep_clock(_Batch(session, now, calendar, policy, result), clock_id)
        except (StaleDataError, IntegrityError):
            result.skipped += 1  # a concurrent request or sweep changed the case: the next sweep looks again
        except Exception:  # one broken case must not stop the reminders and lapses of all the others
            log.exception("deadline sweep failed on clock %s", clock_id)
            result.skipped += 1
    return result


async def _sweep_clock(one: _Batch, clock_id: UUID) -> None:
    statement = _due(one.now).where(CaseClock.id == clock_id).with_for_update(skip_locked=True)
    clock = await one.session.scalar(statement)
    if clock is None or not await _claim(one.session, [clock_id], now=one.now):
        one.result.skipped += 1
        return
    set_committed_value(clock, "next_check_at", None)
    await _handle(one, clock, await one.session.get(Case, clock.case_id))
    await one.stage_events()


def _remind(ch: workflow.Change, clock: CaseClock, result: SweepResult) -> list[CloudEvent]:
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
    if not leads:
        return []
    result.reminded += 1  # several leads passed while no sweep ran: one reminder, the most urgent
    return [_clock_event(ch, clock, c.CaseDeadlineApproaching)]


async def _lapse(ch: workflow.Change, clock: CaseClock, result: SweepResult) -> None:
    """Overdue: the event, a supervision order to the unit that let it lapse, and escalation one tier up."""
    deadlines.lapse_clock(clock, at=ch.at, case=ch.case)
    await events.stage_built(ch.session, _clock_event(ch, clock, c.CaseOverdue))
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
    if ch.clocks is None:  # one by one; a batch writes its lapses together
        await ch.session.flush()


def _clock_event(ch: workflow.Change, clock: CaseClock, event_class: type) -> CloudEvent:
    rule = clock_rule(ClockKind(clock.kind), ch.policy.limits)
    days_left = (local_date(clock.due_at) - local_date(ch.at)).days
    return events.build(
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
