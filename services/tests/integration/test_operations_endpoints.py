"""What every service's app gets from ``services.http.app``: health, readiness, metrics, problem+json for
unknown routes and methods, and the correlation id echo — checked on all four services and both backends."""

import uuid

import pytest
from prometheus_client.parser import text_string_to_metric_families

from services.testing import RunningSystem

SERVICES = ["intake", "routing", "screening", "notify"]
COLLECTION = {
    "intake": "/intake/v1/petitions",
    "routing": "/routing/v1/cases",
    "screening": "/screening/v1/grids",
    "notify": "/notify/v1/notifications",
}
ALLOWED = {"intake": "GET, POST", "routing": "GET", "screening": "GET, POST", "notify": "GET"}
NOT_ALLOWED = {"intake": "DELETE", "routing": "POST", "screening": "DELETE", "notify": "PUT"}


def requests_total(text: str, *, method: str, route: str, status: str) -> float:
    for family in text_string_to_metric_families(text):
        if family.name != "http_requests":
            continue
        for sample in family.samples:
            if sample.name == "http_requests_total" and sample.labels == {
                "method": method,
                "route": route,
                "status": status,
            }:
                return sample.value
    return 0.0


@pytest.mark.parametrize("service", SERVICES)
async def test_healthz(system: RunningSystem, service: str) -> None:
    response = await system.clients[service].get(f"/{service}/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


@pytest.mark.parametrize("service", SERVICES)
async def test_readyz(system: RunningSystem, service: str) -> None:
    response = await system.clients[service].get(f"/{service}/readyz")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.content == b'{"status":"ready"}'


@pytest.mark.parametrize("service", SERVICES)
async def test_metrics_count_requests_per_route_template(system: RunningSystem, service: str) -> None:
    client = system.clients[service]
    labels = {"method": "GET", "route": f"/{service}/healthz", "status": "200"}
    before = requests_total((await client.get(f"/{service}/metrics")).text, **labels)
    await client.get(f"/{service}/healthz")
    await client.get(f"/{service}/healthz")
    response = await client.get(f"/{service}/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "# TYPE http_requests_total counter" in response.text
    assert "outbox_published_events" in response.text
    assert requests_total(response.text, **labels) == before + 2


@pytest.mark.parametrize("service", SERVICES)
async def test_unmatched_paths_are_counted_without_their_raw_path(system: RunningSystem, service: str) -> None:
    client = system.clients[service]
    labels = {"method": "GET", "route": "unmatched", "status": "404"}
    before = requests_total((await client.get(f"/{service}/metrics")).text, **labels)
    raw = f"/{service}/v1/{uuid.uuid4().hex}"
    await client.get(raw)
    text = (await client.get(f"/{service}/metrics")).text
    assert requests_total(text, **labels) == before + 1
    assert raw not in text


@pytest.mark.parametrize("service", SERVICES)
async def test_unknown_route_is_a_problem(system: RunningSystem, service: str) -> None:
    response = await system.clients[service].get(f"/{service}/v1/nothing-here", headers=system.token("admin"))
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "资源不存在",
        "status": 404,
        "code": "not_found",
        "instance": f"/{service}/v1/nothing-here",
        "errors": [],
    }


@pytest.mark.parametrize("service", SERVICES)
async def test_wrong_method_is_a_problem(system: RunningSystem, service: str) -> None:
    response = await system.clients[service].request(
        NOT_ALLOWED[service], COLLECTION[service], headers=system.token("admin")
    )
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["allow"] == ALLOWED[service]
    problem = response.json()
    assert (problem["code"], problem["title"], problem["status"]) == ("method_not_allowed", "不支持该请求方法", 405)
    assert "detail" not in problem


@pytest.mark.parametrize("service", SERVICES)
async def test_wrong_method_on_healthz(system: RunningSystem, service: str) -> None:
    response = await system.clients[service].post(f"/{service}/healthz")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


@pytest.mark.parametrize("service", SERVICES)
async def test_correlation_id_is_echoed(system: RunningSystem, service: str) -> None:
    given = "req-2026.11:abc_DEF-1"
    response = await system.clients[service].get(f"/{service}/healthz", headers={"X-Correlation-ID": given})
    assert response.headers["x-correlation-id"] == given
    problem = await system.clients[service].get(f"/{service}/v1/missing", headers={"X-Correlation-ID": given})
    assert problem.headers["x-correlation-id"] == given


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("given", [None, "has spaces", "x" * 65, "semi;colon"])
async def test_missing_or_unsafe_correlation_id_is_replaced(
    system: RunningSystem, service: str, given: str | None
) -> None:
    headers = {} if given is None else {"X-Correlation-ID": given}
    response = await system.clients[service].get(f"/{service}/healthz", headers=headers)
    assert uuid.UUID(response.headers["x-correlation-id"]).version == 7
