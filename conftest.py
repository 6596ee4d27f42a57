"""Fixtures every suite shares. ``system`` runs the four services in-process on each backend:
``memory`` (SQLite + in-memory bus) and ``real`` (PostgreSQL + RabbitMQ, mandatory in CI)."""

from collections.abc import AsyncIterator

import pytest

# Import the installed service packages before pytest collects ``<svc>/tests``: in importlib mode pytest would
# otherwise register the repository folders ``intake_api/`` etc. as namespace packages of the same name, which
# shadow the real packages (``from intake_api.petitions ...`` then fails in those test modules).
import intake_api  # noqa: F401
import notify_svc  # noqa: F401
import routing_svc  # noqa: F401
import screening_svc  # noqa: F401
from services.testing import (
    REQUIRE_REAL,
    Databases,
    RunningSystem,
    delete_bus_namespace,
    require_real_services,
    run_system,
    unique,
)


@pytest.fixture(scope="session", params=["memory", "real"])
async def system(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[RunningSystem]:
    backend = request.param
    if backend == "real":
        await require_real_services()
    namespace = unique("test-")
    databases = await Databases.create(backend, tmp_path_factory.mktemp(f"system-{backend}"))
    try:
        await databases.migrate()
        async with run_system(databases, namespace=namespace) as running:
            yield running
    finally:
        await databases.drop()
        if backend == "real":
            await delete_bus_namespace(namespace)


@pytest.fixture
async def real_services() -> None:
    await require_real_services()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI a skipped test is a failed run: the real database and broker are mandatory there."""
    if not REQUIRE_REAL:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped:
        reporter.write_line(f"XINFANG_REQUIRE_REAL=1 but {skipped} test(s) were skipped: failing the run", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
