"""routing_svc's cases and jurisdictions API on both backends: scope, cursor pagination, parameter errors.

The ``system`` fixture is shared by the session; the pagination test owns community 320599003004 (望江社区):
no other test registers petitions there, so a handler scoped to it sees exactly the cases this test made.
"""

import asyncio
import uuid

import pytest

from services.http.pagination import decode_cursor, encode_cursor
from services.testing import PETITION, RunningSystem, eventually

CASES = "/routing/v1/cases"
PAGINATION_COMMUNITY = "320599003004"


async def register(system: RunningSystem, community_code: str = "320599001001") -> dict:
    response = await system.clients["intake"].post(
        "/intake/v1/petitions", json={**PETITION, "community_code": community_code}, headers=system.token("reception")
    )
    assert response.status_code == 201, response.text
    return response.json()


async def case_of(system: RunningSystem, petition_id: str) -> dict:
    async def found() -> dict | None:
        response = await system.clients["routing"].get(
            CASES, params={"petition_id": petition_id}, headers=system.token("admin")
        )
        assert response.status_code == 200, response.text
        items = response.json()["items"]
        return items[0] if items else None

    return await eventually(found)


async def test_case_of_a_known_community(system: RunningSystem) -> None:
    petition = await register(system)
    case = await case_of(system, petition["id"])
    assert (case["petition_id"], case["tracking_no"], case["status"]) == (
        petition["id"],
        petition["tracking_no"],
        "assigned",  # opened and dispatched at once: the place and category decide the unit
    )
    assert (case["tier"], case["unit_code"], case["unit_name"]) == ("community", "320599001001", "柳岸社区")
    assert (case["channel"], case["category_code"], case["address"]) == (
        PETITION["channel"],
        PETITION["category_code"],
        PETITION["address"],
    )


async def test_cursor_pagination_in_case_order(system: RunningSystem) -> None:
    petitions = await asyncio.gather(*(register(system, PAGINATION_COMMUNITY) for _ in range(5)))
    cases = [await case_of(system, p["id"]) for p in petitions]
    expected = sorted((c["id"] for c in cases), key=uuid.UUID)
    headers = system.token("handler", jurisdiction=PAGINATION_COMMUNITY)

    pages, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        response = await system.clients["routing"].get(CASES, params=params, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        pages.append([c["id"] for c in page["items"]])
        cursor = page["next"]
        if cursor is None:
            break
        assert decode_cursor(cursor) == {"id": pages[-1][-1]}

    assert pages == [expected[0:2], expected[2:4], expected[4:5]]


async def test_exactly_full_last_page_has_no_next(system: RunningSystem) -> None:
    petition = await register(system)
    case = await case_of(system, petition["id"])
    response = await system.clients["routing"].get(
        CASES, params={"petition_id": petition["id"], "limit": 1}, headers=system.token("admin")
    )
    assert response.json() == {"items": [case], "next": None}


async def test_other_jurisdiction_does_not_see_the_case(system: RunningSystem) -> None:
    petition = await register(system)  # community 320599001001
    case = await case_of(system, petition["id"])
    client = system.clients["routing"]

    for jurisdiction, visible in (("320599002", False), ("320599001002", False), ("320599001", True),
                                  ("320599001001", True), ("320599", True)):  # fmt: skip
        headers = system.token("handler", jurisdiction=jurisdiction)
        listed = await client.get(CASES, params={"petition_id": petition["id"]}, headers=headers)
        assert listed.status_code == 200
        assert [c["id"] for c in listed.json()["items"]] == ([case["id"]] if visible else []), jurisdiction
        single = await client.get(f"{CASES}/{case['id']}", headers=headers)
        if visible:
            assert (single.status_code, single.json()) == (200, case)
        else:
            assert single.status_code == 404
            assert (single.json()["code"], single.json()["title"]) == ("case_not_found", "案件不存在")


@pytest.mark.parametrize("jurisdiction", [None, ""])
async def test_handler_without_jurisdiction_sees_nothing(system: RunningSystem, jurisdiction: str | None) -> None:
    petition = await register(system)
    case = await case_of(system, petition["id"])
    headers = system.token("handler", jurisdiction=jurisdiction)
    listed = await system.clients["routing"].get(CASES, params={"petition_id": petition["id"]}, headers=headers)
    assert (listed.status_code, listed.json()) == (200, {"items": [], "next": None})
    single = await system.clients["routing"].get(f"{CASES}/{case['id']}", headers=headers)
    assert single.status_code == 404


async def test_unknown_case(system: RunningSystem) -> None:
    response = await system.clients["routing"].get(f"{CASES}/{uuid.uuid4()}", headers=system.token("admin"))
    assert response.status_code == 404
    assert response.json()["code"] == "case_not_found"


async def test_case_id_must_be_a_uuid(system: RunningSystem) -> None:
    response = await system.clients["routing"].get(f"{CASES}/42", headers=system.token("admin"))
    assert response.status_code == 422
    assert [(e["parameter"], e["code"]) for e in response.json()["errors"]] == [("case_id", "uuid_parsing")]


@pytest.mark.parametrize("cursor", ["%%%", "bm90IGpzb24", encode_cursor({"id": "not-a-uuid"}), encode_cursor({})])
async def test_invalid_cursor(system: RunningSystem, cursor: str) -> None:
    response = await system.clients["routing"].get(CASES, params={"cursor": cursor}, headers=system.token("admin"))
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert (problem["code"], problem["title"]) == ("invalid_cursor", "分页游标无效")
    assert [(e["parameter"], e["code"]) for e in problem["errors"]] == [("cursor", "invalid_cursor")]


@pytest.mark.parametrize(("limit", "code"), [("0", "greater_than_equal"), ("101", "less_than_equal"),
                                             ("-1", "greater_than_equal"), ("ten", "int_parsing")])  # fmt: skip
async def test_limit_out_of_range(system: RunningSystem, limit: str, code: str) -> None:
    response = await system.clients["routing"].get(CASES, params={"limit": limit}, headers=system.token("admin"))
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"
    assert [(e["parameter"], e["code"]) for e in response.json()["errors"]] == [("limit", code)]


@pytest.mark.parametrize("limit", ["1", "100"])
async def test_limit_bounds_are_accepted(system: RunningSystem, limit: str) -> None:
    response = await system.clients["routing"].get(CASES, params={"limit": limit}, headers=system.token("admin"))
    assert response.status_code == 200
    assert len(response.json()["items"]) <= int(limit)


async def test_petition_id_filter_must_be_a_uuid(system: RunningSystem) -> None:
    response = await system.clients["routing"].get(CASES, params={"petition_id": "x"}, headers=system.token("admin"))
    assert response.status_code == 422
    assert [(e["parameter"], e["code"]) for e in response.json()["errors"]] == [("petition_id", "uuid_parsing")]


@pytest.mark.parametrize("role", ["petitioner", "grid_worker", "volunteer"])
async def test_cases_need_a_staff_role(system: RunningSystem, role: str) -> None:
    response = await system.clients["routing"].get(CASES, headers=system.token(role))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


async def test_cases_need_a_token(system: RunningSystem) -> None:
    response = await system.clients["routing"].get(CASES)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
