"""Demo mode: the cases that intake's demo petitions open are taken along the lifecycle by routing's demo task (the
test systems run in demo mode), through the API's use cases; other cases are left alone."""

import asyncio

from routing_svc.cases import demo
from routing_svc.cases.demo import PLANS


async def statuses(routing, cases: list[dict]) -> list[str]:
    return [(await routing.read(case["id"]))["status"] for case in cases]


async def test_the_cases_of_demo_petitions_show_several_states(fresh_routing) -> None:
    routing = fresh_routing
    contents = list(PLANS)
    demo_cases = [await routing.open_case(content=content) for content in contents]
    other = await routing.open_case()

    for _ in range(100):  # the demo task polls every second
        if "assigned" not in (await statuses(routing, demo_cases))[:2]:
            break
        await asyncio.sleep(0.2)

    assert await statuses(routing, demo_cases) == ["replied", "in_handling", "signed"]
    assert (await routing.read(other["id"]))["status"] == "assigned"
    assert await demo.advance_demo_cases(routing.runtime) == 0  # never twice, whatever restarts
    steps = await routing.client.get(f"/routing/v1/cases/{demo_cases[0]['id']}/steps", headers=routing.token("admin"))
    assert [s["action"] for s in steps.json()] == ["assign", "sign", "accept", "start", "reply"]
