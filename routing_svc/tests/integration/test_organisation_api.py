"""The organisation API on both backends: the demo tree, departments and catalogue, address matching, changes by
an admin with their reference events, and refused changes that leave everything as it was.

The ``system`` fixture is shared by the session: tests here only add nodes of their own (street 320599003,
codes 0xx above the demo's) and never change the demo data other tests rely on."""

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from routing_svc.catalogue.models import Category, DispatchEntry
from routing_svc.jurisdictions.models import Department, Jurisdiction, ReferenceVersion
from services.db.tables import outbox
from services.testing import PETITION, RunningSystem, unique

BASE = "/routing/v1"


async def counts(system: RunningSystem) -> tuple:
    tables = (Jurisdiction.__table__, Department.__table__, Category.__table__, DispatchEntry.__table__)
    async with system.runtime("routing").session_factory() as session:
        rows = [await session.scalar(select(func.count()).select_from(table)) for table in tables]
        events = select(func.count()).where(outbox.c.aggregate_id.like("reference:%"))
        versions = (await session.scalars(select(ReferenceVersion.version).order_by(ReferenceVersion.stream))).all()
        return (*rows, await session.scalar(events), tuple(versions))


@pytest.fixture
async def unchanged(system: RunningSystem) -> AsyncIterator[None]:
    """The test's requests are all refused: no row, reference event or version may appear."""
    before = await counts(system)
    yield
    assert await counts(system) == before


async def reference_events(system: RunningSystem, event_type: str) -> list[dict]:
    async with system.runtime("routing").session_factory() as session:
        statement = select(outbox.c.payload).where(outbox.c.event_type == event_type).order_by(outbox.c.seq)
        return [json.loads(payload)["data"] for payload in (await session.scalars(statement)).all()]


def errors(response) -> list[tuple[str | None, str]]:
    return sorted((e.get("pointer") or e.get("parameter"), e["code"]) for e in response.json()["errors"])


async def get(system: RunningSystem, path: str, **params):
    return await system.clients["routing"].get(BASE + path, params=params, headers=system.token("grid_worker"))


async def admin(system: RunningSystem, method: str, path: str, body: dict, *, headers: dict | None = None):
    headers = {**system.token("admin"), **(headers or {})}
    return await system.clients["routing"].request(method, BASE + path, json=body, headers=headers)


# -- reading ------------------------------------------------------------------------------------------------------


async def test_jurisdictions_are_the_demo_tree(system: RunningSystem) -> None:
    response = await get(system, "/jurisdictions")
    assert response.status_code == 200
    nodes = [n for n in response.json() if not n["code"].startswith("3205990039")]  # nodes other tests add
    assert [n["code"] for n in nodes] == sorted(n["code"] for n in nodes)
    by_level = {level: [n for n in nodes if n["level"] == level] for level in ("district", "street", "community")}
    assert nodes[0] == {
        "code": "320599",
        "name": "清河区",
        "level": "district",
        "parent_code": None,
        "aliases": [],
        "active": True,
    }
    assert [(n["code"], n["name"]) for n in by_level["street"]] == [
        ("320599001", "长桥街道"),
        ("320599002", "东湖街道"),
        ("320599003", "新城街道"),
    ]
    assert all(n["parent_code"] == "320599" for n in by_level["street"])
    assert len(by_level["community"]) == 12
    assert all(n["parent_code"] == n["code"][:9] and len(n["code"]) == 12 for n in by_level["community"])
    liuan = next(n for n in nodes if n["code"] == "320599001001")
    assert (liuan["name"], "柳岸路" in liuan["aliases"]) == ("柳岸社区", True)


async def test_jurisdictions_filter_by_level_and_parent(system: RunningSystem) -> None:
    streets = (await get(system, "/jurisdictions", level="street")).json()
    assert [n["code"] for n in streets] == ["320599001", "320599002", "320599003"]
    children = (await get(system, "/jurisdictions", parent_code="320599002")).json()
    assert [n["code"] for n in children] == [f"320599002{i:03d}" for i in range(1, 5)]
    assert (await get(system, "/jurisdictions/320599002001")).json()["name"] == "湖滨社区"


async def test_reading_needs_a_token_and_unknown_codes_are_404(system: RunningSystem) -> None:
    for path in ("/jurisdictions", "/departments", "/categories"):
        assert (await system.clients["routing"].get(BASE + path)).status_code == 401
    for path in ("/jurisdictions/320599999999", "/departments/D-NOPE", "/categories/9999"):
        response = await get(system, path)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"


async def test_departments_and_catalogue_of_the_demo(system: RunningSystem) -> None:
    departments = {d["code"]: d for d in (await get(system, "/departments")).json()}
    assert departments["D-HOUSING"] == {
        "code": "D-HOUSING",
        "name": "区住房和城乡建设局",
        "levels": ["district"],
        "active": True,
    }
    assert {"D-HRSS", "D-NATRES", "D-DRC", "D-CIVIL", "D-SAMR"} <= departments.keys()
    categories = {c["code"]: c for c in (await get(system, "/categories")).json()}
    assert categories["0301"] == {
        "code": "0301",
        "name": "物业管理",
        "parent_code": "03",
        "active": True,
        "departments": {"district": "D-HOUSING", "street": "D-STREET-URBAN"},
    }
    assert (categories["0502"]["name"], categories["0502"]["parent_code"]) == ("拖欠工资", "05")
    assert all(c["parent_code"] == c["code"][:2] for c in categories.values() if len(c["code"]) == 4)
    assert all(d in departments for c in categories.values() for d in c["departments"].values())


@pytest.mark.parametrize(
    ("address", "community", "street"),
    [
        (PETITION["address"], "320599001001", "320599001"),
        ("清河区东湖街道湖滨路工地", "320599002001", "320599002"),
        ("清河区人民政府", None, None),
    ],
)
async def test_an_address_finds_its_community(system: RunningSystem, address: str, community, street) -> None:
    response = await get(system, "/jurisdictions/match", address=address)
    assert response.status_code == 200
    found = response.json()
    assert ((found["community"] or {}).get("code"), (found["street"] or {}).get("code")) == (community, street)


async def test_the_start_published_full_snapshots(system: RunningSystem) -> None:
    jurisdiction = [e for e in await reference_events(system, "xinfang.jurisdiction.updated.v1") if e["full"]]
    catalogue = [e for e in await reference_events(system, "xinfang.catalogue.updated.v1") if e["full"]]
    assert jurisdiction and catalogue
    assert {"320599", "320599001001"} <= {n["code"] for n in jurisdiction[0]["nodes"]}
    assert "D-HOUSING" in {d["code"] for d in jurisdiction[0]["departments"]}
    assert "0301" in {c["code"] for c in catalogue[0]["categories"]}


# -- changing the tree ---------------------------------------------------------------------------------------------

NEW_COMMUNITY = {
    "code": "320599003901",
    "name": "滨江社区",
    "level": "community",
    "parent_code": "320599003",
    "aliases": [" 滨江花园 ", "滨江路", "滨江路"],
}


async def test_an_admin_adds_a_community_that_addresses_then_find(system: RunningSystem) -> None:
    before = await reference_events(system, "xinfang.jurisdiction.updated.v1")
    key = {"Idempotency-Key": unique("org-")}
    response = await admin(system, "POST", "/jurisdictions", NEW_COMMUNITY, headers=key)
    assert response.status_code == 201, response.text
    assert response.json() == {**NEW_COMMUNITY, "aliases": ["滨江花园", "滨江路"], "active": True}
    replay = await admin(system, "POST", "/jurisdictions", NEW_COMMUNITY, headers=key)
    assert (replay.status_code, replay.headers["idempotency-replayed"]) == (201, "true")

    events = (await reference_events(system, "xinfang.jurisdiction.updated.v1"))[len(before) :]
    assert len(events) == 1
    assert (events[0]["full"], [n["code"] for n in events[0]["nodes"]]) == (False, ["320599003901"])
    assert events[0]["version"] > max(e["version"] for e in before)
    found = (await get(system, "/jurisdictions/match", address="新城街道滨江路 9 号")).json()
    assert found["community"]["code"] == "320599003901"


async def test_an_inactive_community_is_hidden_and_no_longer_matched(system: RunningSystem) -> None:
    node = {**NEW_COMMUNITY, "code": "320599003902", "name": "江畔社区", "aliases": ["江畔人家"]}
    assert (await admin(system, "POST", "/jurisdictions", node)).status_code == 201
    response = await admin(system, "PATCH", "/jurisdictions/320599003902", {"active": False})
    assert (response.status_code, response.json()["active"]) == (200, False)
    assert (await get(system, "/jurisdictions/match", address="江畔人家 1 号")).json()["community"] is None
    listed = {n["code"] for n in (await get(system, "/jurisdictions")).json()}
    everything = {n["code"] for n in (await get(system, "/jurisdictions", include_inactive="true")).json()}
    assert ("320599003902" in listed, "320599003902" in everything) == (False, True)
    events = await reference_events(system, "xinfang.jurisdiction.updated.v1")
    assert [(n["code"], n["active"]) for n in events[-1]["nodes"]] == [("320599003902", False)]


async def test_an_admin_renames_and_replaces_aliases(system: RunningSystem) -> None:
    node = {**NEW_COMMUNITY, "code": "320599003903", "name": "临时社区", "aliases": []}
    assert (await admin(system, "POST", "/jurisdictions", node)).status_code == 201
    response = await admin(system, "PATCH", "/jurisdictions/320599003903", {"name": "观澜社区", "aliases": ["观澜苑"]})
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["aliases"]) == ("观澜社区", ["观澜苑"])
    found = (await get(system, "/jurisdictions/match", address="观澜苑 2 栋")).json()
    assert found["community"]["code"] == "320599003903"


REFUSED = {**NEW_COMMUNITY, "code": "320599003990"}  # never created


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        (
            {**REFUSED, "code": "320599009001", "parent_code": "320599009"},
            422,
            ("/parent_code", "parent_not_found"),
        ),
        ({**REFUSED, "code": "320599001001", "parent_code": "320599001"}, 409, None),
        ({**REFUSED, "code": "320599002950"}, 422, ("/code", "code_outside_parent")),
        ({**REFUSED, "level": "street"}, 422, ("/code", "code_does_not_match_level")),
        ({**REFUSED, "parent_code": "320599"}, 422, ("/parent_code", "parent_level_mismatch")),
        ({**REFUSED, "code": "3205990039"}, 422, ("/code", "string_pattern_mismatch")),
        ({**REFUSED, "aliases": ["滨"]}, 422, ("/aliases/0", "string_too_short")),
        ({**REFUSED, "extra": 1}, 422, ("/extra", "extra_forbidden")),
    ],
)
async def test_a_refused_node_changes_nothing(
    system: RunningSystem, unchanged: None, body: dict, status: int, expected: tuple | None
) -> None:
    response = await admin(system, "POST", "/jurisdictions", body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    if expected is not None:
        assert errors(response) == [expected]


async def test_two_concurrent_creates_of_one_code_make_one_node(system: RunningSystem) -> None:
    node = {**NEW_COMMUNITY, "code": "320599003904", "name": "并发社区", "aliases": []}
    responses = await asyncio.gather(*(admin(system, "POST", "/jurisdictions", node) for _ in range(3)))
    assert sorted(r.status_code for r in responses) == [201, 409, 409]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"duplicate_code"}


async def test_only_an_admin_changes_the_tree(system: RunningSystem, unchanged: None) -> None:
    for role in ("supervisor", "leader", "handler"):
        response = await system.clients["routing"].post(
            BASE + "/jurisdictions", json=REFUSED, headers=system.token(role)
        )
        assert response.status_code == 403


async def test_a_street_with_active_communities_stays_active(system: RunningSystem, unchanged: None) -> None:
    response = await admin(system, "PATCH", "/jurisdictions/320599001", {"active": False})
    assert (response.status_code, response.json()["code"]) == (409, "jurisdiction_has_active_children")
    assert (await admin(system, "PATCH", "/jurisdictions/320599001999", {"name": "无"})).status_code == 404


# -- departments and categories ------------------------------------------------------------------------------------


async def test_an_admin_adds_a_department_and_a_category_dispatched_to_it(system: RunningSystem) -> None:
    department = {"code": "D-SPORTS", "name": "区文化体育和旅游局", "levels": ["district"]}
    response = await admin(system, "POST", "/departments", department)
    assert (response.status_code, response.json()) == (201, {**department, "active": True})
    jurisdiction_events = await reference_events(system, "xinfang.jurisdiction.updated.v1")
    assert [d["code"] for d in jurisdiction_events[-1]["departments"]] == ["D-SPORTS"]

    category = {"code": "15", "name": "文化体育", "departments": {"district": "D-SPORTS"}}
    response = await admin(system, "POST", "/categories", category)
    assert (response.status_code, response.json()) == (201, {**category, "parent_code": None, "active": True})
    sub = {"code": "1501", "name": "全民健身设施", "parent_code": "15"}
    assert (await admin(system, "POST", "/categories", sub)).status_code == 201
    catalogue_events = await reference_events(system, "xinfang.catalogue.updated.v1")
    assert [(c["code"], c["departments"]) for c in catalogue_events[-1]["categories"]] == [("1501", {})]
    assert catalogue_events[-1]["version"] == catalogue_events[-2]["version"] + 1

    response = await admin(system, "PATCH", "/categories/1501", {"departments": {"district": "D-SPORTS"}})
    assert (response.status_code, response.json()["departments"]) == (200, {"district": "D-SPORTS"})


async def test_a_department_in_the_catalogue_stays_active(system: RunningSystem, unchanged: None) -> None:
    response = await admin(system, "PATCH", "/departments/D-HOUSING", {"active": False})
    assert (response.status_code, response.json()["code"]) == (409, "department_in_use")
    response = await admin(system, "PATCH", "/departments/D-SAMR", {"levels": ["district"]})
    assert (response.status_code, response.json()["code"]) == (409, "department_in_use")


@pytest.mark.parametrize(
    ("path", "body", "status", "expected"),
    [
        ("/departments", {"code": "D-HOUSING", "name": "重复", "levels": ["district"]}, 409, None),
        (
            "/departments",
            {"code": "320599", "name": "与辖区同码", "levels": ["district"]},
            422,
            "string_pattern_mismatch",
        ),
        ("/departments", {"code": "D-X", "name": "无层级", "levels": []}, 422, "too_short"),
        ("/categories", {"code": "0301", "name": "重复"}, 409, None),
        ("/categories", {"code": "0399", "name": "错上级", "parent_code": "04"}, 422, "parent_mismatch"),
        ("/categories", {"code": "9901", "name": "无上级", "parent_code": "99"}, 422, "parent_not_found"),
        ("/categories", {"code": "03", "name": "错", "parent_code": "01"}, 409, None),
        (
            "/categories",
            {"code": "0398", "name": "无部门", "parent_code": "03", "departments": {"district": "D-NOPE"}},
            422,
            "department_not_found",
        ),  # fmt: skip
        (
            "/categories",
            {"code": "0398", "name": "错层级", "parent_code": "03", "departments": {"street": "D-HOUSING"}},
            422,
            "department_not_at_level",
        ),  # fmt: skip
        ("/categories", {"code": "030", "name": "错码"}, 422, "string_pattern_mismatch"),
    ],
)
async def test_a_refused_catalogue_change_changes_nothing(
    system: RunningSystem, unchanged: None, path: str, body: dict, status: int, expected: str | None
) -> None:
    response = await admin(system, "POST", path, body)
    assert response.status_code == status, response.text
    if expected is not None:
        assert expected in {code for _, code in errors(response)}


async def test_a_top_category_with_active_subcategories_stays_active(system: RunningSystem, unchanged: None) -> None:
    response = await admin(system, "PATCH", "/categories/03", {"active": False})
    assert (response.status_code, response.json()["code"]) == (409, "category_has_active_children")


# -- publishing ----------------------------------------------------------------------------------------------------


async def test_an_admin_publishes_full_snapshots_on_demand(system: RunningSystem) -> None:
    before = await counts(system)
    response = await admin(system, "POST", "/reference/publish", {})
    assert response.status_code == 200, response.text
    versions = response.json()
    jurisdiction = (await reference_events(system, "xinfang.jurisdiction.updated.v1"))[-1]
    catalogue = (await reference_events(system, "xinfang.catalogue.updated.v1"))[-1]
    assert (jurisdiction["full"], jurisdiction["version"]) == (True, versions["jurisdiction_version"])
    assert (catalogue["full"], catalogue["version"]) == (True, versions["catalogue_version"])
    assert len(jurisdiction["nodes"]) == before[0]
    assert len(catalogue["categories"]) == before[2]
    forbidden = await system.clients["routing"].post(BASE + "/reference/publish", headers=system.token("leader"))
    assert forbidden.status_code == 403
