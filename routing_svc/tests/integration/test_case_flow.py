"""A case across the services (the ``system`` fixture, both backends): intake registers a petition, routing opens
and dispatches its case, the unit acts on it over HTTP, intake shows the case's state, and a withdrawal at intake
closes the case."""

from services.testing import PETITION, RunningSystem, eventually

CASES = "/routing/v1/cases"
COMMUNITY = "320599001003"  # 南苑社区: only this test registers petitions here


async def _case_of(system: RunningSystem, petition_id: str) -> dict:
    async def found() -> dict | None:
        response = await system.clients["routing"].get(
            CASES, params={"petition_id": petition_id}, headers=system.token("admin")
        )
        items = response.json()["items"]
        return items[0] if items else None

    return await eventually(found)


async def _petition(system: RunningSystem, petition_id: str) -> dict:
    response = await system.clients["intake"].get(
        f"/intake/v1/petitions/{petition_id}", headers=system.token("reception")
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_register_sign_and_withdraw_across_services(system: RunningSystem) -> None:
    registered = await system.clients["intake"].post(
        "/intake/v1/petitions", json={**PETITION, "community_code": COMMUNITY}, headers=system.token("reception")
    )
    assert registered.status_code == 201, registered.text
    petition = registered.json()
    case = await _case_of(system, petition["id"])
    assert (case["status"], case["unit_code"], case["tier"]) == ("assigned", COMMUNITY, "community")

    handler = system.token("handler", jurisdiction=COMMUNITY)
    read = await system.clients["routing"].get(f"{CASES}/{case['id']}", headers=handler)
    signed = await system.clients["routing"].post(
        f"{CASES}/{case['id']}/sign", json={}, headers=handler | {"If-Match": read.headers["etag"]}
    )
    assert (signed.status_code, signed.json()["status"]) == (200, "signed")

    async def intake_sees_signed() -> bool:
        return (await _petition(system, petition["id"]))["case_status"] == "signed"

    await eventually(intake_sees_signed)
    withdrawn = await system.clients["intake"].post(
        f"/intake/v1/petitions/{petition['id']}/withdrawal",
        json={"reason": "问题已由物业自行解决"},
        headers=system.token("reception"),
    )
    assert withdrawn.status_code == 200, withdrawn.text

    async def case_closed() -> dict | None:
        current = await _case_of(system, petition["id"])
        return current if current["status"] == "closed" else None

    closed = await eventually(case_closed)
    assert (closed["closed_how"], closed["clocks"]) == ("withdrawn", [])
