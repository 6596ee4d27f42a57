"""The deadline sweep on both backends: reminders once per clock and lead, a lapse handled once (overdue, supervision
to the unit that let it lapse, escalation one tier up), and two concurrent sweeps never escalate a case twice."""

import asyncio
import json
from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy import func, select

from routing_svc.cases.consumers import policy_of
from routing_svc.cases.models import CaseClock, Escalation, SupervisionOrder
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
