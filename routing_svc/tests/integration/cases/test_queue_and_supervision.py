"""The work queue (scope, filters, clocks, cursor) and supervision orders (督办, 挂牌督办) on both backends.

The queue tests own the communities of 东湖街道 (320599002xxx): no other case test opens cases there.
"""

from datetime import timedelta
from uuid import UUID

from sqlalchemy import select

from routing_svc.cases.models import Case, CaseClock

QUEUE = "/routing/v1/queue"
A, B = "320599002001", "320599002002"


async def _queue(routing, jurisdiction: str, role: str = "handler", **params) -> list[dict]:
    items, cursor = [], None
    while True:
        query = params | {"limit": 2} | ({"cursor": cursor} if cursor else {})
        response = await routing.client.get(QUEUE, params=query, headers=routing.token(role, jurisdiction=jurisdiction))
        assert response.status_code == 200, response.text
        items += response.json()["items"]
        cursor = response.json()["next"]
        if cursor is None:
            return items


async def _make_overdue(routing, case_id: str) -> None:
    async with routing.runtime.session_factory() as session, session.begin():
        case = await session.get(Case, UUID(case_id))
        for clock in await session.scalars(select(CaseClock).where(CaseClock.case_id == case.id)):
            clock.started_at -= timedelta(days=20)
            clock.due_at -= timedelta(days=20)
        case.due_at -= timedelta(days=20)


async def test_the_queue_by_scope_filter_and_clock(routing) -> None:
    in_a = [await routing.open_case(community_code=A) for _ in range(3)]
    in_b = await routing.open_case(community_code=B, category_code="0304")
    signed = await routing.act(in_a[0], "sign", headers=routing.token("handler", jurisdiction=A))
    assert signed.status_code == 200
    await _make_overdue(routing, in_a[1]["id"])

    assert [c["id"] for c in await _queue(routing, A)] == [c["id"] for c in in_a]
    street = [c["id"] for c in await _queue(routing, "320599002")]
    assert street == [*(c["id"] for c in in_a), in_b["id"]]
    assert [c["id"] for c in await _queue(routing, "320599002003")] == []
    assert [c["id"] for c in await _queue(routing, A, state="signed")] == [in_a[0]["id"]]
    assert [c["id"] for c in await _queue(routing, "320599002", category_code="0304")] == [in_b["id"]]
    overdue = await _queue(routing, "320599002", due="overdue")
    assert [c["id"] for c in overdue] == [in_a[1]["id"]]
    register = next(c for c in overdue[0]["clocks"] if c["kind"] == "register_and_route")
    assert (register["state"], register["days_left"] < 0, register["legal_basis"].startswith("《信访工作条例》")) == (
        "overdue",
        True,
        True,
    )
    soon = await _queue(routing, "320599002", due="soon", due_within_days=60)
    assert in_a[2]["id"] in [c["id"] for c in soon]
    assert in_a[1]["id"] not in [c["id"] for c in soon]  # overdue is not "due soon"
    assert in_a[2]["id"] not in [c["id"] for c in await _queue(routing, "320599002", due="soon", due_within_days=1)]


async def test_the_queue_refuses_bad_filters(routing) -> None:
    response = await routing.client.get(QUEUE, params={"due": "later"}, headers=routing.token("handler"))
    assert response.status_code == 422
    assert [e["parameter"] for e in response.json()["errors"]] == ["due"]


async def test_a_department_sees_its_own_cases(routing) -> None:
    case = await routing.open_case(kind="suggestion", community_code=A)
    assert case["unit_code"] == "D-HOUSING"
    assert case["id"] in [c["id"] for c in await _queue(routing, "D-HOUSING", role="department")]
    assert case["id"] not in [c["id"] for c in await _queue(routing, "D-URBAN", role="department")]
    signed = await routing.act(case, "sign", headers=routing.token("department", jurisdiction="D-HOUSING"))
    assert signed.json()["status"] == "signed"


async def test_supervision_order_listing_and_written_answer(routing) -> None:
    case = await routing.open_case(community_code=B)
    body = {"reason": "群众反映强烈，请书面报告办理情况", "listed": True}
    issued = await routing.client.post(
        f"/routing/v1/cases/{case['id']}/supervise", json=body, headers=routing.token("supervisor", sub="boss")
    )
    assert issued.status_code == 201, issued.text
    order = issued.json()
    assert (order["unit_code"], order["listed"], order["answer"], order["automatic"]) == (B, True, None, False)
    listed = await routing.client.get(
        "/routing/v1/supervision-orders",
        params={"listed": "true", "case_id": case["id"]},
        headers=routing.token("leader", jurisdiction="320599002"),
    )
    assert [o["id"] for o in listed.json()["items"]] == [order["id"]]
    other = await routing.client.get(
        "/routing/v1/supervision-orders",
        params={"case_id": case["id"]},
        headers=routing.token("leader", jurisdiction="320599001"),
    )
    assert other.json()["items"] == []
    url = f"/routing/v1/supervision-orders/{order['id']}/answer"
    stranger = await routing.client.post(
        url, json={"answer": "不是我们的"}, headers=routing.token("handler", jurisdiction=A)
    )
    assert stranger.status_code == 404
    answered = await routing.client.post(
        url, json={"answer": "已召开协调会，月底前修复"}, headers=routing.token("handler", jurisdiction=B)
    )
    assert (answered.status_code, answered.json()["answer"]) == (200, "已召开协调会，月底前修复")
    again = await routing.client.post(
        url, json={"answer": "再答一次"}, headers=routing.token("handler", jurisdiction=B)
    )
    assert (again.status_code, again.json()["code"]) == (409, "supervision_already_answered")
    open_orders = await routing.client.get(
        "/routing/v1/supervision-orders",
        params={"open": "true", "case_id": case["id"]},
        headers=routing.token("supervisor"),
    )
    assert open_orders.json()["items"] == []


async def test_supervision_needs_a_supervisor_and_a_future_deadline(routing) -> None:
    case = await routing.open_case(community_code=B)
    url = f"/routing/v1/cases/{case['id']}/supervise"
    handler = await routing.client.post(url, json={"reason": "督办"}, headers=routing.token("handler"))
    assert handler.status_code == 403
    past = await routing.client.post(
        url, json={"reason": "督办", "due_at": "2020-01-01T00:00:00+08:00"}, headers=routing.token("supervisor")
    )
    assert (past.status_code, past.json()["errors"][0]["pointer"]) == (422, "/due_at")
