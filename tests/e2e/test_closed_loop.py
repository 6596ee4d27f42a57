"""The closed loop across the four services, on both backends.

A petition is registered at reception, routing opens and dispatches its case, the unit handles and replies,
the petitioner rates the reply; intake's public status query shows each step, notify_svc has told the petitioner
at every statutory step and the unit's handler of the assignment. A petition resolved on the spot closes its case;
a grid finding becomes a case whose end shows at the grid.
"""

import asyncio

from services.testing import PETITION, RunningSystem, eventually

CASES = "/routing/v1/cases"
COMMUNITY = "320599002001"  # only this module registers petitions and findings here


async def register(system: RunningSystem, body: dict | None = None, **headers: str) -> dict:
    response = await system.clients["intake"].post(
        "/intake/v1/petitions",
        json=body or {**PETITION, "community_code": COMMUNITY},
        headers={**system.token("reception"), **headers},
    )
    assert response.status_code == 201, response.text
    return response.json()


async def case_where(system: RunningSystem, *, status: str | None = None, **params: str) -> dict:
    async def found() -> dict | None:
        response = await system.clients["routing"].get(CASES, params=params, headers=system.token("admin"))
        assert response.status_code == 200, response.text
        items = [case for case in response.json()["items"] if status is None or case["status"] == status]
        return items[0] if items else None

    return await eventually(found)


async def act(system: RunningSystem, case_id: str, action: str, body: dict, headers: dict) -> dict:
    current = await system.clients["routing"].get(f"{CASES}/{case_id}", headers=headers)
    assert current.status_code == 200, current.text
    response = await system.clients["routing"].post(
        f"{CASES}/{case_id}/{action}", json=body, headers=headers | {"If-Match": current.headers["etag"]}
    )
    assert response.status_code == 200, (action, response.text)
    return response.json()


async def notifications_of(system: RunningSystem, petition_id: str, *templates: str) -> list[dict]:
    async def all_there() -> list[dict] | None:
        response = await system.clients["notify"].get(
            "/notify/v1/notifications", params={"petition_id": petition_id, "limit": 100}, headers=system.token("admin")
        )
        assert response.status_code == 200, response.text
        items = response.json()["items"]
        return items if set(templates) <= {n["template_key"] for n in items} else None

    return await eventually(all_there)


async def test_a_petition_goes_round_the_loop(system: RunningSystem) -> None:
    created = await register(system)
    assert (created["outcome"], created["first_time"], created["guide"]) == ("accepted", True, "/intake/v1/guide")
    case = await case_where(system, petition_id=created["id"])
    assert (case["status"], case["unit_code"], case["tier"]) == ("assigned", COMMUNITY, "community")

    handler = system.token("handler", jurisdiction=COMMUNITY)
    for action, state in (("sign", "signed"), ("accept", "accepted"), ("start", "in_handling")):
        assert (await act(system, case["id"], action, {}, handler))["status"] == state
    reply = {
        "outcome": "support",
        "text": "已督促施工单位夜间停工并于月底前完工",
        "legal_basis": "《环境噪声污染防治法》",
    }
    assert (await act(system, case["id"], "reply", reply, handler))["status"] == "replied"
    follow_up = {"method": "phone", "visited_at": "2026-03-25T10:00:00+08:00", "record": "电话回访，信访人表示满意"}
    rated = await act(
        system, case["id"], "evaluate", {"rating": "satisfied", "follow_up": follow_up}, system.token("reception")
    )
    assert rated["status"] == "evaluated"

    async def status_seen_by_the_public() -> dict | None:
        # The public query is rate-limited per client, and every test of the session polls through one client:
        # each poll starts with full buckets (the limiter has its own tests).
        state = system.apps["intake"].state
        if hasattr(state, "status_query_limits"):
            del state.status_query_limits
        response = await system.clients["intake"].post(
            "/intake/v1/petitions/status-query",
            json={"tracking_no": created["tracking_no"], "query_code": created["query_code"]},
        )
        assert response.status_code == 200, response.text
        answer = response.json()
        return answer if len(answer["steps"]) >= 7 else None

    public = await eventually(status_seen_by_the_public)
    times = [step["at"] for step in public["steps"]]
    assert times == sorted(times) and all(step["title"] for step in public["steps"])

    notices = await notifications_of(
        system, created["id"], "petition.receipt", "case.forwarded", "case.accepted", "case.replied"
    )
    to_petitioner = [n for n in notices if n["recipient_kind"] == "petitioner"]
    assert to_petitioner and all(n["recipient_masked"] == "138****5678" for n in to_petitioner)
    assert "13812345678" not in str(notices)
    assert any(n["recipient_kind"] == "handler" and n["template_key"] != "petition.receipt" for n in notices)


async def test_a_petition_resolved_on_the_spot_closes_its_case(system: RunningSystem) -> None:
    created = await register(system)
    await case_where(system, petition_id=created["id"])
    answered = await system.clients["intake"].post(
        f"/intake/v1/petitions/{created['id']}/consultation",
        json={"answer": "施工许可时间为 7:00–22:00，夜间施工须经批准，可向区城管局举报，电话 12345。"},
        headers=system.token("reception"),
    )
    assert answered.status_code == 201, answered.text
    closed = await case_where(system, petition_id=created["id"], status="closed")
    assert closed["closed_how"] == "resolved"
    await notifications_of(system, created["id"], "petition.resolved_on_spot")


async def test_a_grid_finding_becomes_a_case_and_its_end_shows_at_the_grid(system: RunningSystem) -> None:
    grid = await system.clients["screening"].post(
        "/screening/v1/grids",
        json={"community_code": COMMUNITY, "name": "闭环测试网格", "households": 120},
        headers=system.token("admin"),
    )
    assert grid.status_code == 201, grid.text
    finding = await system.clients["screening"].post(
        "/screening/v1/findings",
        json={
            "grid_code": grid.json()["code"],
            "category_code": "0301",
            "kind": "micro_conflict",
            "severity": "general",
            "summary": "楼道堆物引发邻里纠纷",
            "description": "5 楼住户长期在楼道堆放杂物，邻居多次协商未果，双方发生争吵。",
            "people_count": 4,
        },
        headers=system.token("grid_worker", jurisdiction=COMMUNITY),
    )
    assert finding.status_code == 201, finding.text
    finding_id = finding.json()["id"]

    case = await case_where(system, finding_id=finding_id)
    assert (case["unit_code"], case["tier"]) == (COMMUNITY, "community")
    handler = system.token("handler", jurisdiction=COMMUNITY)
    for action in ("sign", "accept", "start"):
        await act(system, case["id"], action, {}, handler)
    reply = {"outcome": "explain", "text": "社区已组织双方协商，杂物已清理", "legal_basis": "《消防法》第二十八条"}
    await act(system, case["id"], "reply", reply, handler)
    await act(system, case["id"], "close", {}, system.token("supervisor", jurisdiction=COMMUNITY))

    async def closed_at_the_grid() -> dict | None:
        response = await system.clients["screening"].get(
            f"/screening/v1/findings/{finding_id}", headers=system.token("admin")
        )
        assert response.status_code == 200, response.text
        seen = response.json()["case"]
        return seen if seen and seen["status"] == "closed" else None

    seen = await eventually(closed_at_the_grid)
    assert (seen["case_id"], seen["closed_how"]) == (case["id"], "resolved")


async def test_concurrent_registrations_get_unique_tracking_numbers(system: RunningSystem) -> None:
    created = await asyncio.gather(*(register(system) for _ in range(20)))
    assert len({c["tracking_no"] for c in created}) == 20


async def test_consumers_count_what_they_handled(system: RunningSystem) -> None:
    created = await register(system)
    await case_where(system, petition_id=created["id"])
    metrics = (await system.clients["routing"].get("/routing/metrics")).text
    handled = 'events_consumed_total{outcome="handled",type="xinfang.petition.registered.v1"}'
    assert float(metrics.split(handled)[1].split()[0]) >= 1
