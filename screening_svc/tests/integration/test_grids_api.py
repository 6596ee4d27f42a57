"""screening_svc's grid list on both backends: scoped by jurisdiction, paginated by grid code.

The demo seeds 12 grids (two in each of six communities); other tests create grids only in 新城街道's communities
320599003003 and 320599003004, so lists elsewhere are exact and district-wide lists
are compared on the demo communities.
"""

import pytest

from services.http.pagination import decode_cursor, encode_cursor
from services.testing import RunningSystem

GRIDS = "/screening/v1/grids"
TEST_COMMUNITIES = ("320599003003", "320599003004")
ALL_CODES = [f"{community}{n:02d}" for community in (
    "320599001001", "320599001002", "320599002001", "320599002002", "320599003001", "320599003002",
) for n in (1, 2)]  # fmt: skip


def demo_only(codes: list[str]) -> list[str]:
    """The demo's grids (numbers 01 and 02 of each demo community): tests elsewhere in the session add grids, in the
    test communities and, numbered on, in demo ones (the closed-loop test in 320599002001)."""
    return [code for code in codes if code[:12] not in TEST_COMMUNITIES and int(code[12:]) <= 2]


async def list_all(system: RunningSystem, headers: dict[str, str], limit: int) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        params = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        response = await system.clients["screening"].get(GRIDS, params=params, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        pages.append([g["code"] for g in page["items"]])
        cursor = page["next"]
        if cursor is None:
            return pages
        assert decode_cursor(cursor) == {"code": pages[-1][-1]}


async def test_admin_sees_all_demo_grids(system: RunningSystem) -> None:
    response = await system.clients["screening"].get(GRIDS, params={"limit": 100}, headers=system.token("admin"))
    assert response.status_code == 200
    page = response.json()
    assert demo_only([g["code"] for g in page["items"]]) == ALL_CODES
    first = page["items"][0]
    assert {k: first[k] for k in ("code", "name", "community_code", "households", "sweeps_per_week")} == {
        "code": "32059900100101",
        "name": "柳岸社区第1网格",
        "community_code": "320599001001",
        "households": 200,
        "sweeps_per_week": 1,
    }


async def test_district_sees_all_grids(system: RunningSystem) -> None:
    codes = sum(await list_all(system, system.token("grid_worker", jurisdiction="320599"), 100), [])
    assert demo_only(codes) == ALL_CODES
    assert codes == sorted(set(codes))


async def test_street_sees_only_its_communities(system: RunningSystem) -> None:
    pages = await list_all(system, system.token("grid_worker", jurisdiction="320599001"), 20)
    assert pages == [["32059900100101", "32059900100102", "32059900100201", "32059900100202"]]


async def test_community_sees_only_its_own(system: RunningSystem) -> None:
    pages = await list_all(system, system.token("grid_worker", jurisdiction="320599003002"), 20)
    assert pages == [["32059900300201", "32059900300202"]]


@pytest.mark.parametrize("jurisdiction", ["320599004", "110105", None, ""])
async def test_jurisdiction_without_grids_sees_none(system: RunningSystem, jurisdiction: str | None) -> None:
    response = await system.clients["screening"].get(
        GRIDS, headers=system.token("grid_worker", jurisdiction=jurisdiction)
    )
    assert (response.status_code, response.json()) == (200, {"items": [], "next": None})


async def test_paginated_by_code(system: RunningSystem) -> None:
    pages = await list_all(system, system.token("admin"), 5)
    codes = sum(pages, [])
    assert codes == sorted(set(codes)) and demo_only(codes) == ALL_CODES
    assert all(len(page) == 5 for page in pages[:-1]) and 1 <= len(pages[-1]) <= 5


async def test_paginated_within_a_street(system: RunningSystem) -> None:
    pages = await list_all(system, system.token("grid_worker", jurisdiction="320599001"), 3)
    assert pages == [["32059900100101", "32059900100102", "32059900100201"], ["32059900100202"]]


async def test_cursor_resumes_after_its_code(system: RunningSystem) -> None:
    cursor = encode_cursor({"code": "32059900200202"})
    response = await system.clients["screening"].get(
        GRIDS, params={"cursor": cursor, "limit": 3}, headers=system.token("admin")
    )
    assert [g["code"] for g in response.json()["items"]] == ALL_CODES[8:11]


@pytest.mark.parametrize(
    "cursor",
    [
        "%%%",
        encode_cursor({"code": 5}),
        encode_cursor({"code": ["x"]}),
        # compared in SQL: NUL was a 500 on PostgreSQL, a lone surrogate a 500 on both backends
        encode_cursor({"code": "\x00"}),
        encode_cursor({"code": "32059900200202\x00"}),
        encode_cursor({"code": "\ud800"}),
    ],
)
async def test_invalid_cursor(system: RunningSystem, cursor: str) -> None:
    response = await system.clients["screening"].get(GRIDS, params={"cursor": cursor}, headers=system.token("admin"))
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"
    assert [(e["parameter"], e["code"]) for e in response.json()["errors"]] == [("cursor", "invalid_cursor")]


@pytest.mark.parametrize(("limit", "code"), [("0", "greater_than_equal"), ("101", "less_than_equal")])
async def test_limit_out_of_range(system: RunningSystem, limit: str, code: str) -> None:
    response = await system.clients["screening"].get(GRIDS, params={"limit": limit}, headers=system.token("admin"))
    assert response.status_code == 422
    assert [(e["parameter"], e["code"]) for e in response.json()["errors"]] == [("limit", code)]


async def test_grids_need_a_token(system: RunningSystem) -> None:
    response = await system.clients["screening"].get(GRIDS)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
