"""Grids set up in communities of the reference copy, and their teams (phones encrypted and masked), both backends."""

import pytest

from services.testing import RunningSystem

GRIDS = "/screening/v1/grids"
MEMBERS = "/screening/v1/team-members"
MEMBER = {
    "community_code": "320599003004",
    "name": "陈晓梅",
    "role": "informant",
    "background": "retired_cadre",
    "skills": ["调解"],
    "phone": "13905170001",
}


async def test_a_new_grid_gets_the_next_code_of_its_community(system: RunningSystem, screening, new_grid) -> None:
    first = await new_grid(sweeps_per_week=2)
    second = await new_grid()
    assert first["code"][:12] == "320599003004" and int(second["code"][12:]) == int(first["code"][12:]) + 1
    assert first["sweeps_per_week"] == 2 and second["sweeps_per_week"] == 1
    response = await screening.get(
        f"{GRIDS}/{first['code']}", headers=system.token("handler", jurisdiction="320599003")
    )
    assert response.status_code == 200
    assert response.json()["id"] == first["id"] and response.json()["team"] == []


@pytest.mark.parametrize(
    ("community", "jurisdiction"),
    [
        ("320599003099", "320599"),  # not in the reference tree
        ("320599003", "320599"),  # a street, not a community (also fails the pattern)
        ("320599003004", "320599001"),  # outside the caller's jurisdiction
    ],
)
async def test_grid_in_an_unknown_community_is_refused(
    system: RunningSystem, screening, rows, community: str, jurisdiction: str
) -> None:
    before = await rows("grids")
    body = {"community_code": community, "name": "无效网格", "households": 10}
    response = await screening.post(GRIDS, json=body, headers=system.token("handler", jurisdiction=jurisdiction))
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/community_code"
    assert await rows("grids") == before


async def test_grid_workers_cannot_create_grids(system: RunningSystem, screening) -> None:
    body = {"community_code": "320599003004", "name": "网格", "households": 10}
    response = await screening.post(GRIDS, json=body, headers=system.token("grid_worker"))
    assert response.status_code == 403


async def test_sweeps_per_week_is_configurable_per_grid(system: RunningSystem, screening, new_grid) -> None:
    grid = await new_grid()
    headers = system.token("handler", jurisdiction="320599003004")
    response = await screening.patch(f"{GRIDS}/{grid['code']}", json={"sweeps_per_week": 3}, headers=headers)
    assert (response.status_code, response.json()["sweeps_per_week"]) == (200, 3)
    outside = system.token("handler", jurisdiction="320599001")
    response = await screening.patch(f"{GRIDS}/{grid['code']}", json={"sweeps_per_week": 1}, headers=outside)
    assert response.status_code == 404
    response = await screening.patch(f"{GRIDS}/{grid['code']}", json={"sweeps_per_week": 0}, headers=headers)
    assert response.status_code == 422 and response.json()["errors"][0]["pointer"] == "/sweeps_per_week"


async def register(system: RunningSystem, body: dict) -> dict:
    response = await system.clients["screening"].post(
        MEMBERS, json=body, headers=system.token("handler", jurisdiction="320599003")
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_team_member_serves_grids_and_phone_is_masked_and_encrypted(
    system: RunningSystem, screening, new_grid
) -> None:
    grid = await new_grid()
    member = await register(system, MEMBER | {"grid_codes": [grid["code"]]})
    assert member["phone_masked"] == "139****0001" and "phone" not in member
    assert member["grid_codes"] == [grid["code"]]
    detail = (await screening.get(f"{GRIDS}/{grid['code']}", headers=system.token("admin"))).json()
    assert [(m["id"], m["role"], m["phone_masked"]) for m in detail["team"]] == [
        (member["id"], "informant", "139****0001")
    ]
    async with system.runtime("screening").session_factory() as session:
        from screening_svc.teams.models import TeamMember

        stored = await session.get(TeamMember, __import__("uuid").UUID(member["id"]))
        assert b"13905170001" not in stored.phone_encrypted


async def test_member_sees_itself_and_the_grids_it_serves(system: RunningSystem, screening, new_grid) -> None:
    served, other = await new_grid(), await new_grid()
    member = await register(system, MEMBER | {"role": "grid_worker", "background": "full_time",
                                              "grid_codes": [served["code"]]})  # fmt: skip
    token = system.token("grid_worker", sub=member["id"], jurisdiction=None)
    listed = (await screening.get(GRIDS, headers=token)).json()["items"]
    assert [g["code"] for g in listed] == [served["code"]]
    assert (await screening.get(f"{GRIDS}/{other['code']}", headers=token)).status_code == 404
    assert (await screening.get(f"{MEMBERS}/{member['id']}", headers=token)).status_code == 200
    members = (await screening.get(MEMBERS, headers=token)).json()["items"]
    assert [m["id"] for m in members] == [member["id"]]


async def test_members_are_scoped_by_community(system: RunningSystem, screening, new_grid) -> None:
    member = await register(system, MEMBER)
    assert (await screening.get(f"{MEMBERS}/{member['id']}", headers=system.token("leader"))).status_code == 200
    outside = system.token("handler", jurisdiction="320599001")
    assert (await screening.get(f"{MEMBERS}/{member['id']}", headers=outside)).status_code == 404


async def test_grids_of_a_member_can_be_replaced(system: RunningSystem, screening, new_grid) -> None:
    first, second = await new_grid(), await new_grid()
    member = await register(system, MEMBER | {"grid_codes": [first["code"]]})
    headers = system.token("handler", jurisdiction="320599003004")
    response = await screening.put(
        f"{MEMBERS}/{member['id']}/grids", json={"grid_codes": [second["code"]]}, headers=headers
    )
    assert (response.status_code, response.json()["grid_codes"]) == (200, [second["code"]])
    served = (await screening.get(MEMBERS, params={"grid_code": second["code"]}, headers=headers)).json()["items"]
    assert [m["id"] for m in served] == [member["id"]]


@pytest.mark.parametrize(
    ("changes", "pointer", "code"),
    [
        ({"background": "lawyer"}, "/background", "background_mismatch"),
        ({"grid_codes": ["32059900100101"]}, "/grid_codes/0", "unknown_grid"),  # a grid of another community
        ({"grid_codes": ["32059900300499"]}, "/grid_codes/0", "unknown_grid"),
        ({"community_code": "320599003099"}, "/community_code", "unknown_community"),
        ({"role": "leader"}, "/role", "literal_error"),
        ({"phone": "12345"}, "/phone", "string_pattern_mismatch"),
    ],
)
async def test_bad_team_member_changes_nothing(
    system: RunningSystem, screening, rows, changes: dict, pointer: str, code: str
) -> None:
    before = (await rows("team_members"), await rows("grid_assignments"))
    response = await screening.post(
        MEMBERS, json=MEMBER | changes, headers=system.token("handler", jurisdiction="320599")
    )
    assert response.status_code == 422
    assert [(e["pointer"], e["code"]) for e in response.json()["errors"]] == [(pointer, code)]
    assert (await rows("team_members"), await rows("grid_assignments")) == before
