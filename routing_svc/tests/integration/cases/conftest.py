"""routing_svc alone on each backend (SQLite + in-memory bus, PostgreSQL + RabbitMQ), for the case tests.

Cases are opened by calling the consumers' use case with a petition event, as the inbox would; the HTTP API is then
driven through the app. Running routing alone keeps these tests independent of the other services' state.
"""

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from routing_svc.cases import service
from routing_svc.cases.consumers import policy_of
from services.testing import (
    Databases,
    RunningSystem,
    delete_bus_namespace,
    petition_registered_event,
    require_real_services,
    run_system,
    unique,
)


@dataclass
class Routing:
    system: RunningSystem
    backend: str

    @property
    def client(self) -> httpx.AsyncClient:
        return self.system.clients["routing"]

    @property
    def runtime(self) -> Any:
        return self.system.runtime("routing")

    def token(self, *roles: str, sub: str = "tester", jurisdiction: str | None = "320599") -> dict[str, str]:
        return self.system.token(*roles, sub=sub, jurisdiction=jurisdiction)

    async def open_case(self, **changes: Any) -> dict:
        """Open a case as the consumer of xinfang.petition.registered.v1 would, and read it back (admin)."""
        changes.setdefault("community_code", "320599001001")
        event = petition_registered_event(**changes)
        policy = policy_of(self.runtime.settings)
        async with self.runtime.session_factory() as session, session.begin():
            case = await service.open_case_for_petition(session=session, event=event, policy=policy)
        return await self.read(str(case.id))

    async def read(self, case_id: str, headers: dict | None = None) -> dict:
        response = await self.client.get(f"/routing/v1/cases/{case_id}", headers=headers or self.token("admin"))
        assert response.status_code == 200, response.text
        return response.json() | {"etag": response.headers["etag"]}

    async def act(
        self,
        case: dict,
        action: str,
        body: dict | None = None,
        *,
        headers: dict | None = None,
        if_match: str | None = "current",
    ) -> httpx.Response:
        """POST an action with the case's current ETag (or the given one; None sends no If-Match)."""
        etag = (await self.read(case["id"]))["etag"] if if_match == "current" else if_match
        extra = {"If-Match": etag} if etag is not None else {}
        return await self.client.post(
            f"/routing/v1/cases/{case['id']}/{action}",
            json=body or {},
            headers=(headers or self.token("admin")) | extra,
        )


@contextlib.asynccontextmanager
async def start_routing(backend: str, folder: Path) -> AsyncIterator[Routing]:
    """routing_svc alone on a fresh database of `backend`, its scheduler off (tests sweep by hand)."""
    if backend == "real":
        await require_real_services()
    namespace = unique("test-routing-")
    databases = await Databases.create(backend, folder, names=("routing",))  # type: ignore[arg-type]
    try:
        await databases.migrate()
        async with run_system(databases, namespace=namespace, scheduler_enabled=False) as running:
            yield Routing(running, backend)
    finally:
        await databases.drop()
        if backend == "real":
            await delete_bus_namespace(namespace)


@pytest.fixture(scope="session", params=["memory", "real"])
async def routing(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Routing]:
    async with start_routing(request.param, tmp_path_factory.mktemp(f"routing-{request.param}")) as running:
        yield running


@pytest.fixture(params=["memory", "real"])
async def fresh_routing(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Routing]:
    """A routing of its own, for tests that sweep every due clock of the database."""
    async with start_routing(request.param, tmp_path) as running:
        yield running
