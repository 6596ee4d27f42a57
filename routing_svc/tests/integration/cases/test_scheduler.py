"""The deadline sweep on both backends: reminders once per clock and lead, a lapse handled once (overdue, supervision
to the unit that let it lapse, escalation one tier up), and two concurrent sweeps never escalate a case twice."""

import asyncio
import json
from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy import event, func, select

from routing_svc.cases.consumers import policy_of
from routing_svc.cases.deadlines import OUTCOME_COLUMNS, OUTCOME_COUNTS
from routing_svc.cases.models import Case, CaseClock, Escalation, SupervisionOrder
from routing_svc.scheduler import service as scheduler_service
from routing_svc.scheduler.service import sweep_due
from services.db.tables import outbox


async def events_of(routing, case_id: str) -> list[tuple[str, dict]]:
    async with routing.runtime.session_factory() as session:
        rows = (
            await session.execute(
                select(outbox.c.event_type, outbox.c.payload)
                .where(outbox.c.aggregate_id == case_id)
                .order_by(outbox.c.seq)
            )
        ).all()
    return [(r.event_type.split(".")[2], json.loads(r.payload)["data"]) for r in rows]


async def handle_clock(routing, case_id: str) -> CaseClock:
    async with routing.runtime.session_factory() as session:
        return await session.scalar(
            select(CaseClock).where(CaseClock.case_id == UUID(case_id), CaseClock.kind == "handle")
        )


async def sweep(routing, now: datetime):
    return await sweep_due(routing.runtime.session_factory, now, policy=policy_of(routing.runtime.settings))


async def test_reminders_once_per_lead_then_the_lapse_once(fresh_routing) -> None:
    routing = fresh_routing
    case = await routing.open_case()
    handler = routing.token("handler", jurisdiction="320599001001")
    for action in ("sign", "accept", "start"):
        assert (await routing.act(case, action, headers=handler)).status_code == 200
    due = (await handle_clock(routing, case["id"])).due_at

    assert (await sweep(routing, due - timedelta(days=4))).reminded == 0  # no lead has come yet
    assert (await sweep(routing, due - timedelta(days=3))).reminded == 1  # the lead of 3 days (late that day)
    assert (await sweep(routing, due - timedelta(days=2))).reminded == 0  # it went out already
    assert (await sweep(routing, due - timedelta(days=1))).reminded == 1  # the lead of 1 day
    lapse = await sweep(routing, due + timedelta(minutes=1))
    assert (lapse.overdue, lapse.supervised, lapse.escalated) == (1, 1, 1)
    assert (await sweep(routing, due + timedelta(days=1))).overdue == 0

    events = await events_of(routing, case["id"])
    names = [name for name, _ in events]
    assert names[-6:] == [
        "deadline_approaching",
        "deadline_approaching",
        "overdue",
        "supervised",
        "escalated",
        "assigned",
    ]
    reminders = [d for n, d in events if n == "deadline_approaching"]
    assert [(d["clock"], d["days_left"]) for d in reminders] == [("handle", 3), ("handle", 1)]
    overdue = dict(events)["overdue"]
    assert (overdue["clock"], overdue["days_left"], overdue["unit_code"]) == ("handle", -1, "320599001001")
    assert dict(events)["supervised"]["unit_code"] == "320599001001"  # the order goes to the unit that let it lapse
    escalated = dict(events)["escalated"]
    assert (escalated["reason_code"], escalated["unit_code"], escalated["from_unit_code"]) == (
        "overdue",
        "320599001",
        "320599001001",
    )
    after = await routing.read(case["id"])
    assert (after["unit_code"], after["status"], after["escalation_count"]) == ("320599001", "assigned", 1)


async def test_stopped_clocks_are_not_swept(fresh_routing) -> None:
    routing = fresh_routing
    case = await routing.open_case()
    handler = routing.token("handler", jurisdiction="320599001001")
    await routing.act(case, "sign", headers=handler)
    await routing.act(case, "reject", {"reason": "同一事项正在办理"}, headers=handler)
    before = await events_of(routing, case["id"])
    result = await sweep(routing, datetime.now(UTC) + timedelta(days=90))
    assert (result.reminded, result.overdue) == (0, 0)
    assert await events_of(routing, case["id"]) == before


async def test_concurrent_sweeps_handle_each_lapse_once(fresh_routing) -> None:
    routing = fresh_routing
    cases = [await routing.open_case() for _ in range(12)]
    later = datetime.now(UTC) + timedelta(days=40)  # every register-and-route clock (15 days) has lapsed

    results = await asyncio.gather(*(sweep(routing, later) for _ in range(3)))

    assert sum(r.overdue for r in results) == len(cases)
    assert sum(r.escalated for r in results) == len(cases)
    async with routing.runtime.session_factory() as session:
        escalations = await session.scalar(select(func.count()).select_from(Escalation))
        orders = await session.scalar(select(func.count()).select_from(SupervisionOrder))
    assert (escalations, orders) == (len(cases), len(cases))
    for case in cases:
        names = [name for name, _ in await events_of(routing, case["id"])]
        assert (names.count("overdue"), names.count("escalated"), names.count("supervised")) == (1, 1, 1)
        assert (await routing.read(case["id"]))["escalation_count"] == 1


def counted_from(clocks, cases) -> dict:
    """The KPI's outcome counts of each case, from its clocks (the definitions of the figures)."""
    counts = {case_id: dict.fromkeys(OUTCOME_COUNTS, 0) for case_id in cases}
    for clock in clocks:
        if clock.kind in OUTCOME_COLUMNS:
            decided = clock.stopped_at is not None or clock.lapsed_at is not None
            in_time = clock.stopped_at is not None and clock.stopped_at <= clock.due_at
            for column, value in zip(OUTCOME_COLUMNS[clock.kind], (decided, in_time), strict=True):
                counts[clock.case_id][column] += int(value)
    return {case_id: tuple(c.values()) for case_id, c in counts.items()}


async def sweep_until_done(routing, now: datetime, *, n: int, batch_size: int) -> list:
    """Concurrent sweeps, again and again, until none finds anything due; every result."""
    policy = policy_of(routing.runtime.settings)
    results: list = []
    while True:
        found = await asyncio.gather(
            *(sweep_due(routing.runtime.session_factory, now, policy=policy, batch_size=batch_size) for _ in range(n))
        )
        results += found
        if all(r.examined == 0 for r in found):
            return results


async def test_batches_of_many_due_clocks_remind_and_lapse_each_once(fresh_routing) -> None:
    routing = fresh_routing
    cases = [await routing.open_case() for _ in range(30)]
    async with routing.runtime.session_factory() as session:
        due = await session.scalar(select(func.max(CaseClock.due_at)).where(CaseClock.kind == "register_and_route"))

    reminders = await sweep_until_done(routing, due - timedelta(days=2), n=3, batch_size=8)
    lapses = await sweep_until_done(routing, due + timedelta(minutes=1), n=3, batch_size=8)

    assert sum(r.reminded for r in reminders) == len(cases)  # the lead of 3 days; the one of 1 day not yet
    assert (sum(r.overdue for r in lapses), sum(r.escalated for r in lapses)) == (len(cases), len(cases))
    async with routing.runtime.session_factory() as session:
        escalations = await session.scalar(select(func.count()).select_from(Escalation))
        orders = await session.scalar(select(func.count()).select_from(SupervisionOrder))
        rows = (await session.scalars(select(Case))).all()
        stored = {case.id: tuple(getattr(case, name) for name in OUTCOME_COUNTS) for case in rows}
        clocks = (await session.scalars(select(CaseClock))).all()
    assert (escalations, orders) == (len(cases), len(cases))
    assert {counts[:2] for counts in stored.values()} == {(1, 0)}  # register and route: lapsed, not in time
    assert stored == counted_from(clocks, stored)  # the KPI's counts on the case match its clocks
    for case in cases:
        names = [name for name, _ in await events_of(routing, case["id"])]
        assert names.count("deadline_approaching") == 1
        assert (names.count("overdue"), names.count("escalated"), names.count("supervised")) == (1, 1, 1)
        assert names.index("deadline_approaching") < names.index("overdue") < names.index("escalated")
        assert (await routing.read(case["id"]))["escalation_count"] == 1


async def test_a_broken_case_does_not_hold_up_the_others(fresh_routing, monkeypatch) -> None:
    routing = fresh_routing
    cases = [await routing.open_case() for _ in range(4)]
    broken = UUID(cases[0]["id"])
    lapse = scheduler_service._lapse

    async def breaks_on_one(ch, clock, result) -> None:
        if ch.case.id == broken:
            raise RuntimeError("a broken case")
        await lapse(ch, clock, result)

    monkeypatch.setattr(scheduler_service, "_lapse", breaks_on_one)
    later = datetime.now(UTC) + timedelta(days=40)

    first = await sweep(routing, later)  # the batch fails whole, then each clock goes in its own transaction

    assert (first.overdue, first.escalated, first.skipped) == (3, 3, 1)
    assert "overdue" not in [name for name, _ in await events_of(routing, str(broken))]  # rolled back, still due
    monkeypatch.setattr(scheduler_service, "_lapse", lapse)
    second = await sweep(routing, later)
    assert (second.examined, second.overdue, second.escalated) == (1, 1, 1)
    for case in cases:
        names = [name for name, _ in await events_of(routing, case["id"])]
        assert (names.count("overdue"), names.count("escalated")) == (1, 1)


async def test_a_batch_writes_its_lapses_in_a_fixed_number_of_statements(fresh_routing) -> None:
    routing = fresh_routing
    cases = [await routing.open_case() for _ in range(10)]
    later = datetime.now(UTC) + timedelta(days=40)
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        if not statement.startswith(("SELECT outbox", "UPDATE outbox", "WITH head")):  # not the relay, beside
            statements.append(statement)

    engine = routing.runtime.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        policy = policy_of(routing.runtime.settings)
        small = await sweep_due(routing.runtime.session_factory, later, policy=policy, batch_size=2)
        in_small, statements[:] = len(statements), []
        large = await sweep_due(routing.runtime.session_factory, later, policy=policy, batch_size=8)
        in_large = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)

    assert (small.escalated, small.supervised, small.skipped) == (2, 2, 0)
    assert (large.escalated, large.supervised, large.skipped) == (8, 8, 0)
    assert in_large == in_small  # four times the lapses, not one statement more: nothing is written per case
    for case in cases:
        names = [name for name, _ in await events_of(routing, case["id"])]
        assert names[-4:] == ["overdue", "supervised", "escalated", "assigned"]
        after = await routing.read(case["id"])
        assert (after["status"], after["escalation_count"]) == ("assigned", 1)
