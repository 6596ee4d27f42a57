"""The walking skeleton end to end: register → case opened → notifications recorded → status and timeline."""

import asyncio

from services.testing import PETITION, RunningSystem, eventually


async def register(system: RunningSystem, body: dict | None = None, **headers: str) -> dict:
    response = await system.clients["intake"].post(
        "/intake/v1/petitions", json=body or PETITION, headers={**system.token("reception"), **headers}
    )
    assert response.status_code == 201, response.text
    return response.json()


async def cases_of(system: RunningSystem, petition_id: str) -> list[dict]:
    response = await system.clients["routing"].get(
        "/routing/v1/cases", params={"petition_id": petition_id}, headers=system.token("handler")
    )
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def notifications_of(system: RunningSystem, petition_id: str) -> list[dict]:
    response = await system.clients["notify"].get(
        "/notify/v1/notifications", params={"petition_id": petition_id}, headers=system.token("supervisor")
    )
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_registered_petition_becomes_a_case_a_notification_and_a_timeline(system: RunningSystem) -> None:
    created = await register(system)
    assert created["tracking_no"].startswith("20") and len(created["query_code"]) == 8

    cases = await eventually(lambda: cases_of(system, created["id"]))
    assert [(c["unit_name"], c["tier"], c["status"]) for c in cases] == [("柳岸社区", "community", "opened")]

    async def both_notifications() -> list[dict]:
        found = await notifications_of(system, created["id"])
        return found if len(found) == 2 else []

    notifications = await eventually(both_notifications)
    assert {n["template"] for n in notifications} == {"petition.received", "case.routed"}
    assert all(n["recipient_masked"] == "138****5678" for n in notifications)

    async def routed() -> dict | None:
        response = await system.clients["intake"].get(
            f"/intake/v1/petitions/{created['id']}", headers=system.token("reception")
        )
        petition = response.json()
        return petition if petition["status"] == "routed" else None

    petition = await eventually(routed)
    assert [step["step"] for step in petition["timeline"]] == ["registered", "routed"]
    assert petition["timeline"][1]["title"] == "已转交柳岸社区办理"
    assert petition["petitioner_phone"] == "138****5678"


async def test_unknown_community_goes_to_the_district(system: RunningSystem) -> None:
    created = await register(system, {**PETITION, "community_code": "320599999999"})
    cases = await eventually(lambda: cases_of(system, created["id"]))
    assert (cases[0]["unit_code"], cases[0]["tier"]) == ("320599", "district")


async def test_concurrent_registrations_get_unique_tracking_numbers(system: RunningSystem) -> None:
    created = await asyncio.gather(*(register(system) for _ in range(20)))
    numbers = [c["tracking_no"] for c in created]
    assert len(set(numbers)) == 20


async def test_idempotency_key_replays_the_first_response_and_opens_one_case(system: RunningSystem) -> None:
    key = {"Idempotency-Key": f"retry-{id(system)}-{asyncio.get_running_loop().time()}"}
    first = await register(system, **key)
    again = await system.clients["intake"].post(
        "/intake/v1/petitions", json=PETITION, headers={**system.token("reception"), **key}
    )
    assert again.status_code == 201 and again.json() == first
    assert again.headers["Idempotency-Replayed"] == "true"
    changed = await system.clients["intake"].post(
        "/intake/v1/petitions", json={**PETITION, "address": "别处"}, headers={**system.token("reception"), **key}
    )
    assert changed.status_code == 422 and changed.json()["code"] == "idempotency_key_reused"
    await eventually(lambda: cases_of(system, first["id"]))
    assert len(await cases_of(system, first["id"])) == 1


async def test_consumers_count_what_they_handled(system: RunningSystem) -> None:
    created = await register(system)
    await eventually(lambda: cases_of(system, created["id"]))
    metrics = (await system.clients["routing"].get("/routing/metrics")).text
    handled = 'events_consumed_total{outcome="handled",type="xinfang.petition.registered.v1"}'
    assert handled in metrics
    assert float(metrics.split(handled)[1].split()[0]) >= 1
