"""The request examples of the reception's operations work against the embedded demo data (both backends)."""

from typing import Any

from services.testing import RunningSystem


def example(system: RunningSystem, path: str, method: str = "post") -> dict[str, Any]:
    document = system.apps["intake"].openapi()
    body = document["paths"][path][method]["requestBody"]["content"]["application/json"]
    schema = body["schema"]
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema["examples"][0]


async def test_creating_examples_succeed(system: RunningSystem) -> None:
    client, staff = system.clients["intake"], system.token("reception", sub="demo-reception")
    for path in (
        "/intake/v1/hall/tickets",
        "/intake/v1/appointments/sessions",
        "/intake/v1/appointments",
        "/intake/v1/home-visits",
        "/intake/v1/quality/complaints",
    ):
        response = await client.post(path, json=example(system, path), headers=staff)
        assert response.status_code == 201, (path, response.text)


async def test_examples_of_steps_succeed(system: RunningSystem) -> None:
    client, staff = system.clients["intake"], system.token("reception", sub="demo-reception")
    visit = (
        await client.post("/intake/v1/home-visits", json=example(system, "/intake/v1/home-visits"), headers=staff)
    ).json()
    for step in ("schedule", "complete"):  # completion names the petition the demo registered at the visit
        path = f"/intake/v1/home-visits/{{visit_id}}/{step}"
        response = await client.post(path.format(visit_id=visit["id"]), json=example(system, path), headers=staff)
        assert response.status_code == 200, (step, response.text)
    assert response.json()["petition_id"] == example(system, path)["petition_id"]
    ticket = (await client.post("/intake/v1/hall/tickets", json={"name": "王建国"}, headers=staff)).json()
    await client.post(f"/intake/v1/hall/tickets/{ticket['id']}/call", headers=staff)
    await client.post(f"/intake/v1/hall/tickets/{ticket['id']}/complete", json={}, headers=staff)
    supervisor = system.token("supervisor")
    for suffix in ("rating", "spot-checks", "follow-up-calls"):
        path = f"/intake/v1/quality/receptions/{{reception_id}}/{suffix}"
        response = await client.post(
            path.format(reception_id=ticket["id"]), json=example(system, path), headers=supervisor
        )
        assert response.status_code == 201, (suffix, response.text)
