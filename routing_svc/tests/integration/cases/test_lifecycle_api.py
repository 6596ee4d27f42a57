"""The lifecycle over HTTP on both backends: every action's endpoint, its event, ETag/If-Match, 409 with the allowed
actions, the statutory windows (422 naming the deadline), extensions, and that a failed request changes nothing."""

from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy import func, select

from routing_svc.cases.models import Case, CaseClock, CaseStep
from services.db.tables import outbox

COMMUNITY = "320599001001"
REPLY = {"outcome": "support", "text": "已督促物业于月底前修复", "legal_basis": "《物业管理条例》第五十五条"}
REVIEW = {"outcome": "upheld", "text": "原处理意见事实清楚，予以维持", "legal_basis": "《信访工作条例》第三十五条"}
EVALUATION = {
    "rating": "satisfied",
    "follow_up": {"method": "phone", "visited_at": "2026-03-25T10:00:00+08:00", "record": "电话回访，信访人表示满意"},
}


async def case_events(routing, case_id: str) -> list[tuple[str, dict]]:
    async with routing.runtime.session_factory() as session:
        rows = (
            await session.execute(
                select(outbox.c.event_type, outbox.c.payload)
                .where(outbox.c.aggregate_id == case_id)
                .order_by(outbox.c.seq)
            )
        ).all()
    import json

    return [
        (row.event_type.removeprefix("xinfang.case.").removesuffix(".v1"), json.loads(row.payload)["data"])
        for row in rows
    ]


async def footprint(routing, case_id: str) -> tuple:
    """Everything a failed request must leave as it was."""
    async with routing.runtime.session_factory() as session:
        case = await session.get(Case, UUID(case_id))
        steps = await session.scalar(select(func.count()).where(CaseStep.case_id == UUID(case_id)))
        clocks = await session.scalar(select(func.count()).where(CaseClock.case_id == UUID(case_id)))
        events = await session.scalar(select(func.count()).where(outbox.c.aggregate_id == case_id))
        return case.version, case.status, case.unit_code, steps, clocks, events


def unit(routing, sub: str = "clerk", jurisdiction: str = COMMUNITY) -> dict:
    return routing.token("handler", sub=sub, jurisdiction=jurisdiction)


async def to_handling(routing) -> dict:
    case = await routing.open_case()
    for action in ("sign", "accept", "start"):
        response = await routing.act(case, action, headers=unit(routing))
        assert response.status_code == 200, response.text
    return await routing.read(case["id"])


async def test_the_whole_loop_with_its_events(routing) -> None:
    case = await routing.open_case()
    assert (case["status"], case["tier"], case["unit_code"], case["mode"]) == (
        "assigned",
        "community",
        COMMUNITY,
        "transfer",
    )
    assert [c["kind"] for c in case["clocks"]] == ["register_and_route", "object"]
    steps = [
        ("sign", {}, unit(routing)),
        ("accept", {}, unit(routing)),
        ("start", {}, unit(routing)),
        ("extend", {"days": 30, "reason": "需现场勘查"}, routing.token("supervisor", sub="boss")),
        ("reply", REPLY, unit(routing)),
        ("evaluate", EVALUATION, routing.token("reception")),
        ("request-review", {"reason": "对答复不服"}, routing.token("reception")),
        ("review", REVIEW, routing.token("supervisor", sub="boss")),
        ("request-re-review", {"reason": "对复查意见不服"}, routing.token("reception")),
        ("re-review", REVIEW, routing.token("leader")),
        ("close", {}, routing.token("supervisor")),
    ]
    states = []
    for action, body, headers in steps:
        before = await routing.read(case["id"])
        response = await routing.act(case, action, body, headers=headers)
        assert response.status_code == 200, (action, response.text)
        assert response.headers["etag"] != before["etag"]
        states.append(response.json()["status"])
    assert states == [
        "signed",
        "accepted",
        "in_handling",
        "extended",
        "replied",
        "evaluated",
        "review_requested",
        "reviewed",
        "re_review_requested",
        "final",
        "closed",
    ]
    events = await case_events(routing, case["id"])
    assert [name for name, _ in events] == [
        "opened",
        "assigned",
        "signed",
        "accepted",
        "extended",
        "replied",
        "evaluated",
        "review_requested",
        "reviewed",
        "review_requested",
        "reviewed",
        "finalized",
        "closed",
    ]
    data = dict(events)
    assert (data["extended"]["days"], data["extended"]["reason"]) == (30, "需现场勘查")
    assert (data["replied"]["outcome"], data["replied"]["legal_basis"]) == ("support", REPLY["legal_basis"])
    assert data["evaluated"]["rating"] == "satisfied" and data["closed"]["how"] == "finalized"
    assert all(d["case_id"] == case["id"] and d["unit_code"] == COMMUNITY for _, d in events)
    final = await routing.read(case["id"])
    assert (final["closed_how"], final["clocks"], final["allowed_actions"]) == ("finalized", [], [])


async def test_a_transition_not_allowed_is_409_listing_the_allowed_ones(routing) -> None:
    case = await routing.open_case()
    before = await footprint(routing, case["id"])
    response = await routing.act(case, "evaluate", EVALUATION, headers=routing.token("reception"))
    assert response.status_code == 409
    problem = response.json()
    assert (problem["code"], problem["title"]) == ("transition_not_allowed", "案件当前状态不允许此操作")
    assert [e["detail"] for e in problem["errors"] if e["code"] == "allowed_action"] == ["sign", "object", "escalate"]
    assert await footprint(routing, case["id"]) == before


async def test_if_match_is_required_and_must_be_current(routing) -> None:
    case = await routing.open_case()
    before = await footprint(routing, case["id"])
    missing = await routing.act(case, "sign", headers=unit(routing), if_match=None)
    assert (missing.status_code, missing.json()["code"]) == (428, "if_match_required")
    stale = await routing.act(case, "sign", headers=unit(routing), if_match='"1"')
    assert (stale.status_code, stale.json()["code"]) == (412, "etag_mismatch")
    assert await footprint(routing, case["id"]) == before
    fresh = await routing.act(case, "sign", headers=unit(routing), if_match=case["etag"])
    assert fresh.status_code == 200
    replay = await routing.act(case, "sign", headers=unit(routing), if_match=case["etag"])
    assert replay.status_code == 412  # the same request twice: the second is stale


async def test_only_the_holding_unit_acts_and_others_do_not_see(routing) -> None:
    case = await routing.open_case()
    street = await routing.act(case, "sign", headers=unit(routing, jurisdiction="320599001"))
    assert (street.status_code, street.json()["code"]) == (403, "not_the_holding_unit")
    sibling = await routing.act(case, "sign", headers=unit(routing, jurisdiction="320599001002"))
    assert (sibling.status_code, sibling.json()["code"]) == (404, "case_not_found")
    petitioner = await routing.act(case, "sign", headers=routing.token("petitioner"))
    assert petitioner.status_code == 403
    street_escalates = await routing.act(
        case, "escalate", {"reason": "代为提级"}, headers=unit(routing, jurisdiction="320599001")
    )
    assert (street_escalates.status_code, street_escalates.json()["code"]) == (403, "not_the_holding_unit")
    supervisor = await routing.act(case, "escalate", {"reason": "督查提级"}, headers=routing.token("supervisor"))
    assert (supervisor.status_code, supervisor.json()["unit_code"]) == (200, "320599001")


async def test_extension_rules(routing) -> None:
    case = await to_handling(routing)
    before = await footprint(routing, case["id"])
    too_long = await routing.act(case, "extend", {"days": 31, "reason": "复杂"}, headers=routing.token("supervisor"))
    assert (too_long.status_code, too_long.json()["errors"][0]["pointer"]) == (422, "/days")
    assert too_long.json()["errors"][0]["code"] == "extension_too_long"
    no_reason = await routing.act(case, "extend", {"days": 10, "reason": " "}, headers=routing.token("supervisor"))
    assert (no_reason.status_code, no_reason.json()["errors"][0]["pointer"]) == (422, "/reason")
    by_handler = await routing.act(
        case, "extend", {"days": 10, "reason": "复杂"}, headers=routing.token("supervisor", sub="clerk")
    )
    assert (by_handler.status_code, by_handler.json()["code"]) == (403, "approver_is_handler")
    assert await footprint(routing, case["id"]) == before
    first = await routing.act(case, "extend", {"days": 10, "reason": "复杂"}, headers=routing.token("supervisor"))
    assert first.status_code == 200
    handle = next(c for c in first.json()["clocks"] if c["kind"] == "handle")
    assert handle["due_at"] > next(c for c in case["clocks"] if c["kind"] == "handle")["due_at"]
    second = await routing.act(case, "extend", {"days": 5, "reason": "仍复杂"}, headers=routing.token("supervisor"))
    assert (second.status_code, second.json()["errors"][0]["code"]) == (422, "extension_already_granted")


async def _age_clock(routing, case_id: str, kind: str, days: int) -> None:
    """Move a clock's start and due moment into the past (as if the case had waited so long)."""
    async with routing.runtime.session_factory() as session, session.begin():
        clocks = await session.scalars(
            select(CaseClock).where(CaseClock.case_id == UUID(case_id), CaseClock.kind == kind)
        )
        for clock in clocks:
            clock.started_at -= timedelta(days=days)
            clock.due_at -= timedelta(days=days)


async def test_review_after_its_window_is_422_naming_the_deadline(routing) -> None:
    case = await to_handling(routing)
    assert (await routing.act(case, "reply", REPLY, headers=unit(routing))).status_code == 200
    await _age_clock(routing, case["id"], "review_request", 31)
    before = await footprint(routing, case["id"])
    late = await routing.act(case, "request-review", {"reason": "不服"}, headers=routing.token("reception"))
    assert late.status_code == 422
    problem = late.json()
    assert problem["code"] == "window_closed" and "请求复查的期限已于" in problem["detail"]
    assert await footprint(routing, case["id"]) == before


async def test_objection_within_five_working_days_then_the_sender_decides(routing) -> None:
    case = await routing.open_case()
    objected = await routing.act(case, "object", {"reason": "该事项属区住建局职责"}, headers=unit(routing))
    assert objected.json()["status"] == "objected"
    insisted = await routing.act(
        case, "insist", {"reason": "属地管理，由社区先行办理"}, headers=routing.token("supervisor")
    )
    assert (insisted.json()["status"], insisted.json()["unit_code"]) == ("assigned", COMMUNITY)
    await routing.act(case, "object", {"reason": "再次异议"}, headers=unit(routing))
    outside = await routing.act(case, "assign", {"unit_code": "999999"}, headers=routing.token("supervisor"))
    assert (outside.status_code, outside.json()["errors"][0]["pointer"]) == (422, "/unit_code")
    moved = await routing.act(
        case, "assign", {"unit_code": "320599001", "mode": "assign"}, headers=routing.token("supervisor")
    )
    assert (moved.json()["status"], moved.json()["unit_code"], moved.json()["tier"]) == (
        "assigned",
        "320599001",
        "street",
    )
    names = [name for name, _ in await case_events(routing, case["id"])]
    assert names == ["opened", "assigned", "objected", "assigned", "objected", "assigned"]


async def test_objection_after_five_working_days_is_422(routing) -> None:
    case = await routing.open_case()
    await _age_clock(routing, case["id"], "object", 10)
    late = await routing.act(case, "object", {"reason": "不属本社区"}, headers=unit(routing))
    assert (late.status_code, late.json()["code"]) == (422, "window_closed")


async def test_escalation_goes_one_tier_up_until_the_district(routing) -> None:
    case = await routing.open_case()
    first = await routing.act(case, "escalate", {"reason": "社区无法化解"}, headers=unit(routing))
    assert (first.json()["unit_code"], first.json()["tier"], first.json()["status"]) == (
        "320599001",
        "street",
        "assigned",
    )
    second = await routing.act(
        case, "escalate", {"reason": "街道无法化解"}, headers=unit(routing, jurisdiction="320599001")
    )
    assert (second.json()["unit_code"], second.json()["tier"], second.json()["escalation_count"]) == (
        "320599",
        "district",
        2,
    )
    top = await routing.act(
        case, "escalate", {"reason": "区级也无法化解"}, headers=unit(routing, jurisdiction="320599")
    )
    assert (top.status_code, top.json()["code"]) == (409, "top_tier_reached")
    escalated = [d for name, d in await case_events(routing, case["id"]) if name == "escalated"]
    assert [(d["from_unit_code"], d["unit_code"], d["reason_code"]) for d in escalated] == [
        (COMMUNITY, "320599001", "cannot_resolve"),
        ("320599001", "320599", "cannot_resolve"),
    ]
    gone = await routing.client.get(f"/routing/v1/cases/{case['id']}", headers=unit(routing))
    assert gone.status_code == 404  # the community no longer holds it


async def test_case_steps_record_who_did_what(routing) -> None:
    case = await routing.open_case()
    await routing.act(case, "object", {"reason": "该事项属区住建局职责"}, headers=unit(routing))
    response = await routing.client.get(f"/routing/v1/cases/{case['id']}/steps", headers=routing.token("admin"))
    steps = response.json()
    assert [(s["action"], s["from_state"], s["to_state"]) for s in steps] == [
        ("assign", "opened", "assigned"),
        ("object", "assigned", "objected"),
    ]
    assert (steps[1]["actor"], steps[1]["details"]) == ("clerk", {"reason": "该事项属区住建局职责"})


async def test_unit_actions_read_after_write(routing) -> None:
    case = await routing.open_case()
    response = await routing.act(case, "sign", headers=unit(routing))
    assert response.json() == {k: v for k, v in (await routing.read(case["id"])).items() if k != "etag"} | {
        "clocks": response.json()["clocks"]
    }
    assert datetime.fromisoformat(response.json()["opened_at"]) <= datetime.now(UTC)
