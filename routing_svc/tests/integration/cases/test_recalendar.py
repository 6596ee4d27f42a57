"""A corrected official calendar moves the stored due moments of the running clocks that reach into its year, on both
backends, and the scheduler sends nothing twice because of it."""

from datetime import timedelta
from uuid import UUID

from sqlalchemy import select

from routing_svc.cases.deadlines import reminder_at
from routing_svc.cases.models import Case, CaseClock
from routing_svc.clocks import local_date

from .test_scheduler import events_of, handle_clock, sweep


async def put_year(routing, year: int, holidays: list) -> None:
    body = {"holidays": [{"date": day.isoformat(), "name": "测试假日"} for day in holidays], "working_days": []}
    response = await routing.client.put(f"/routing/v1/calendar/{year}", json=body, headers=routing.token("admin"))
    assert response.status_code == 200, response.text


async def stored(routing, case_id: str) -> tuple[CaseClock, Case]:
    async with routing.runtime.session_factory() as session:
        case = await session.get(Case, UUID(case_id))
        clock = await session.scalar(select(CaseClock).where(CaseClock.case_id == case.id, CaseClock.kind == "handle"))
        return clock, case


async def test_a_corrected_calendar_moves_running_clocks_and_sends_nothing_twice(fresh_routing) -> None:
    routing = fresh_routing
    case = await routing.open_case()
    handler = routing.token("handler", jurisdiction="320599001001")
    for action in ("sign", "accept", "start"):
        assert (await routing.act(case, action, headers=handler)).status_code == 200
    before = await handle_clock(routing, case["id"])
    due_day = local_date(before.due_at)
    reminded_at = reminder_at(before.due_at, 3)
    assert (await sweep(routing, reminded_at)).reminded == 1  # the lead of 3 days went out on the old due date

    await put_year(routing, due_day.year, [due_day])  # the due day turns out to be a holiday

    clock, stored_case = await stored(routing, case["id"])
    assert local_date(clock.due_at) > due_day  # moved to the next working day
    assert clock.calendar_missing is False
    assert clock.reminded_leads == [3]
    assert clock.next_check_at == reminder_at(clock.due_at, 1)
    assert stored_case.due_at == clock.due_at
    read = await routing.read(case["id"])
    handle = next(c for c in read["clocks"] if c["kind"] == "handle")
    assert handle["due_at"][:10] == local_date(clock.due_at).isoformat()

    assert (await sweep(routing, reminded_at + timedelta(hours=1))).reminded == 0  # the lead of 3 days: not again
    lapse = await sweep(routing, clock.due_at + timedelta(minutes=1))
    assert lapse.overdue == 1

    moved = clock.due_at
    await put_year(routing, due_day.year, [due_day - timedelta(days=10)])  # corrected again after the lapse
    assert (await sweep(routing, clock.due_at + timedelta(days=1))).overdue == 0  # the lapse was handled already
    names = [name for name, _ in await events_of(routing, case["id"])]
    assert (names.count("deadline_approaching"), names.count("overdue")) == (1, 1)
    clock, _ = await stored(routing, case["id"])
    assert (clock.due_at, clock.next_check_at) == (moved, None)  # escalation stopped it: judged by the due it had


async def test_clocks_that_do_not_reach_the_year_are_left_alone(fresh_routing) -> None:
    routing = fresh_routing
    case = await routing.open_case()
    before = await handle_clock(routing, case["id"])  # no handle clock yet: only register-and-route runs
    assert before is None
    async with routing.runtime.session_factory() as session:
        clocks = (await session.scalars(select(CaseClock).where(CaseClock.case_id == UUID(case["id"])))).all()
    far = max(local_date(c.due_at).year for c in clocks) + 1
    await put_year(routing, far, [local_date(clocks[0].due_at).replace(year=far)])
    async with routing.runtime.session_factory() as session:
        after = (await session.scalars(select(CaseClock).where(CaseClock.case_id == UUID(case["id"])))).all()
    assert {(c.id, c.due_at, c.next_check_at) for c in after} == {(c.id, c.due_at, c.next_check_at) for c in clocks}
