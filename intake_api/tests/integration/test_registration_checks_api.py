"""Registration on both backends: field checks against the reference copies (422 with pointers, nothing stored),
and the checks that end in an outcome (legal procedure, Art. 19 ¶3, Art. 36 ¶3, repeat, skip-level)."""

import asyncio
import json
import uuid

import pytest
from sqlalchemy import select, update

from intake_api.petitioners.models import Petitioner
from intake_api.petitions.models import Petition, TimelineEntry
from services.db.tables import idempotency_keys, outbox
from services.testing import PETITION, RunningSystem, eventually

URL = "/intake/v1/petitions"
LEAK = "柳岸社区 3 号楼屋顶漏水两年，多次向物业反映未修，请求维修。"
LEAK_AGAIN = "我上个月反映的柳岸社区3号楼屋顶漏水问题，物业还是没有维修，请求尽快处理。"
WAGES = "在东湖街道某建筑工地务工三个月，工资至今未结清，请求协调发放。"
TABLES = (Petition.__table__, Petitioner.__table__, outbox, idempotency_keys)


async def counts(system: RunningSystem) -> tuple[int, ...]:
    from sqlalchemy import func

    async with system.runtime("intake").session_factory() as session:
        return tuple([await session.scalar(select(func.count()).select_from(t)) for t in TABLES])


def pointers(response) -> list[tuple[str, str]]:  # noqa: ANN001
    return sorted((e["pointer"], e["code"]) for e in response.json()["errors"])


async def post(system: RunningSystem, body: dict, *, token: dict | None = None):  # noqa: ANN202
    return await system.clients["intake"].post(URL, json=body, headers=token or system.token("reception"))


async def events_of(system: RunningSystem, petition_id: str) -> list[dict]:
    async with system.runtime("intake").session_factory() as session:
        rows = (await session.execute(select(outbox.c.payload).where(outbox.c.aggregate_id == petition_id))).all()
    return [json.loads(row.payload) for row in rows]


async def settle(system: RunningSystem, petition_id: str, **state: object) -> None:
    """Wait until routing's case events for the petition stopped arriving, then put the case into ``state``."""
    factory = system.runtime("intake").session_factory

    async def steps() -> int:
        async with factory() as session:
            found = await session.scalars(
                select(TimelineEntry).where(TimelineEntry.petition_id == uuid.UUID(petition_id))
            )
            return len(list(found))

    await eventually(lambda: _case_known(factory, petition_id))
    previous = -1
    while (current := await steps()) != previous:
        previous = current
        await asyncio.sleep(0.3)
    async with factory() as session, session.begin():
        await session.execute(update(Petition).where(Petition.id == uuid.UUID(petition_id)).values(**state))


async def _case_known(factory, petition_id: str) -> bool:  # noqa: ANN001
    async with factory() as session:
        return (
            await session.scalar(select(Petition.case_status).where(Petition.id == uuid.UUID(petition_id))) is not None
        )


# -- refused: 422 with a pointer, nothing stored ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"category_code": "9999"}, [("/category_code", "unknown_category")]),
        ({"community_code": "320599009009"}, [("/community_code", "unknown_community")]),
        ({"truth_declared": False}, [("/truth_declared", "truth_not_declared")]),
        ({"representatives": ["甲", "乙", "丙", "丁", "戊", "己"], "group_size": 8},
         [("/representatives", "too_many_representatives")]),
        ({"representatives": ["甲", "乙", "丙"], "group_size": 2},
         [("/representatives", "representatives_exceed_group")]),
        ({"content": "长" * 5001}, [("/content", "string_too_long")]),
        ({"summary": "长" * 101}, [("/summary", "string_too_long")]),
        ({"occurred_at": "2999-01-01T00:00:00+08:00"}, [("/occurred_at", "occurred_in_future")]),
        ({"kind": "rumour"}, [("/kind", "literal_error")]),
        ({"address": None, "community_code": None}, [("/address", "place_required")]),
        ({"severity": "huge"}, [("/severity", "literal_error")]),
        ({"legal_route": "prayer"}, [("/legal_route", "literal_error")]),
    ],
)  # fmt: skip
async def test_refused_fields(system: RunningSystem, person, changes: dict, expected: list) -> None:  # noqa: ANN001
    before = await counts(system)
    response = await post(system, person(**changes))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert pointers(response) == expected
    assert await counts(system) == before


@pytest.mark.parametrize(
    ("id_number", "code"),
    [
        ("320502198001011234", "id_number_invalid"),
        ("12345", "id_number_invalid"),
        ("320502199902301230", "id_number_invalid"),
    ],
)
async def test_invalid_id_number(system: RunningSystem, person, id_number: str, code: str) -> None:  # noqa: ANN001
    before = await counts(system)
    body = person()
    body["petitioner"] = {**body["petitioner"], "id_number": id_number}
    response = await post(system, body)
    assert response.status_code == 422
    assert pointers(response) == [("/petitioner/id_number", code)]
    assert "身份证" in response.json()["errors"][0]["detail"]
    assert await counts(system) == before


@pytest.mark.parametrize("channel", ["visit", "appointment", "home_visit", "online"])
async def test_channels_that_need_an_id_number(system: RunningSystem, channel: str) -> None:
    before = await counts(system)
    response = await post(system, {**PETITION, "channel": channel})
    assert response.status_code == 422
    assert pointers(response) == [("/petitioner/id_number", "id_number_required")]
    assert await counts(system) == before


@pytest.mark.parametrize("channel", ["letter", "phone", "fax"])
async def test_channels_without_an_id_number(system: RunningSystem, channel: str) -> None:
    response = await post(system, {**PETITION, "channel": channel})
    assert response.status_code == 201, response.text


async def test_a_petitioner_registers_online_only(system: RunningSystem, person) -> None:  # noqa: ANN001
    before = await counts(system)
    token = system.token("petitioner", sub=f"portal-{uuid.uuid4()}", jurisdiction=None)
    response = await post(system, person(channel="visit"), token=token)
    assert response.status_code == 422
    assert pointers(response) == [("/channel", "channel_not_allowed")]
    assert await counts(system) == before


# -- outcomes ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("route", "name"), [("arbitration", "仲裁"), ("litigation", "诉讼"),
                                             ("administrative_reconsideration", "行政复议")])  # fmt: skip
async def test_legal_procedure_is_not_accepted_and_named(system: RunningSystem, person, route: str, name: str) -> None:  # noqa: ANN001
    response = await post(system, person(content=WAGES, category_code="0502", legal_route=route))
    assert response.status_code == 201, response.text
    created = response.json()
    assert (created["status"], created["outcome"], created["reason"]) == (
        "not_accepted",
        "not_accepted",
        "legal_procedure",
    )
    assert name in created["notice"]
    [event] = await events_of(system, created["id"])
    assert event["type"] == "xinfang.petition.not_accepted.v1"
    assert (event["data"]["reason"], event["data"]["legal_route"]) == ("legal_procedure", route)
    assert event["data"]["notice"] == created["notice"] and event["data"]["contact_sealed"]


async def test_repeat_is_linked_to_the_open_petition(system: RunningSystem, person) -> None:  # noqa: ANN001
    first = (await post(system, body := person(content=LEAK, category_code="0301"))).json()
    assert first["outcome"] == "accepted"
    await settle(system, first["id"], case_status="opened", case_tier="district")
    again = (await post(system, {**body, "content": LEAK_AGAIN})).json()
    assert (again["status"], again["outcome"], again["repeat_of"]) == ("repeat", "repeat", first["id"])
    assert again["related_tracking_no"] == first["tracking_no"] and first["tracking_no"] in again["notice"]
    [event] = await events_of(system, again["id"])
    assert event["type"] == "xinfang.petition.registered.v1"
    assert (event["data"]["repeat_of"], event["data"]["first_time"]) == (first["id"], False)


async def test_same_matter_in_process_below_is_not_accepted(system: RunningSystem, person) -> None:  # noqa: ANN001
    first = (await post(system, body := person(content=LEAK))).json()
    await settle(system, first["id"], case_status="accepted", case_tier="community")
    again = (await post(system, {**body, "content": LEAK_AGAIN})).json()
    assert (again["outcome"], again["reason"], again["related_tracking_no"]) == (
        "not_accepted", "in_process_below", first["tracking_no"],
    )  # fmt: skip
    assert "第十九条第三款" in again["notice"]
    [event] = await events_of(system, again["id"])
    assert (event["type"], event["data"]["reason"]) == ("xinfang.petition.not_accepted.v1", "in_process_below")


async def test_concluded_by_re_review_is_no_longer_accepted(system: RunningSystem, person) -> None:  # noqa: ANN001
    first = (await post(system, body := person(content=LEAK))).json()
    await settle(system, first["id"], status="closed", case_status="final", re_reviewed=True)
    again = (await post(system, {**body, "content": LEAK_AGAIN})).json()
    assert (again["outcome"], again["reason"]) == ("not_accepted", "concluded_by_re_review")
    assert "第三十六条第三款" in again["notice"] and first["tracking_no"] in again["notice"]


async def test_a_different_matter_of_the_same_petitioner_is_accepted(system: RunningSystem, person) -> None:  # noqa: ANN001
    first = (await post(system, body := person(content=LEAK))).json()
    other = (await post(system, {**body, "content": WAGES, "category_code": "0502"})).json()
    assert (other["outcome"], other["repeat_of"]) == ("accepted", None)
    assert (first["first_time"], first["guide"]) == (True, "/intake/v1/guide")
    assert (other["first_time"], other["guide"]) == (False, None)
    [event] = await events_of(system, other["id"])
    assert event["data"]["first_time"] is False
    [first_event] = await events_of(system, first["id"])
    assert first_event["data"]["first_time"] is True


@pytest.mark.parametrize(
    ("channel", "severity", "skip", "visited", "proper"),
    [("visit", "general", True, "district", "community"), ("visit", "minor", True, "district", "community"),
     ("visit", "complex", False, "district", "street"), ("appointment", "general", True, "district", "community"),
     ("letter", "general", False, None, "community"), ("online", "general", False, None, "community")],
)  # fmt: skip
async def test_skip_level_is_flagged_and_carried(
    system: RunningSystem,
    person,
    channel: str,
    severity: str,
    skip: bool,
    visited: str | None,
    proper: str,  # noqa: ANN001
) -> None:
    created = (await post(system, person(channel=channel, severity=severity))).json()
    assert created["skip_level"] is skip
    [event] = await events_of(system, created["id"])
    data = event["data"]
    assert (data["skip_level"], data["visited_level"], data["proper_level"]) == (skip, visited, proper)


async def test_registered_event_fills_the_contract(system: RunningSystem, person) -> None:  # noqa: ANN001
    body = person(kind="complaint", severity="complex", group_size=7, representatives=["甲", "乙"], summary="摘要")
    body["petitioner"] |= {"special_needs": ["disabled", "elderly", "elderly"], "email": "zs@example.cn"}
    created = (await post(system, body)).json()
    [event] = await events_of(system, created["id"])
    data = event["data"]
    assert (data["tracking_no"], data["channel"], data["kind"], data["category_code"], data["severity"]) == (
        created["tracking_no"], "visit", "complaint", "0301", "complex",
    )  # fmt: skip
    assert (data["summary"], data["content"], data["community_code"]) == ("摘要", body["content"], "320599001001")
    assert (data["group_size"], data["representatives"], data["special_needs"]) == (7, 2, ["disabled", "elderly"])
    assert data["phone_masked"] == "138****5678" and data["petitioner_ref"] != created["id"]
    assert data["contact_sealed"] and data["first_time"] is True


async def test_a_report_keeps_its_content_off_the_bus(system: RunningSystem, person) -> None:  # noqa: ANN001
    created = (await post(system, person(kind="report", category_code="0901", summary="举报某干部"))).json()
    [event] = await events_of(system, created["id"])
    assert (event["data"]["content"], event["data"]["summary"]) == (None, "")


async def test_the_community_alone_names_the_place(system: RunningSystem, person) -> None:  # noqa: ANN001
    body = {k: v for k, v in person().items() if k != "address"}
    created = (await post(system, body)).json()
    [event] = await events_of(system, created["id"])
    assert (event["data"]["address"], event["data"]["community_code"]) == ("清河区长桥街道柳岸社区", "320599001001")
