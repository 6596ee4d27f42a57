"""Each service's Alembic history on SQLite and PostgreSQL: it goes up, down and up again, and the schema it
builds is exactly what the models (and the platform tables) declare."""

import asyncio
import importlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, inspect
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from services.db.migrate import downgrade, upgrade
from services.db.tables import platform_metadata
from services.testing import SERVICE_MODULES, create_database, drop_database, require_real_services, unique

PACKAGES = {name: module.split(".")[0] for name, module in SERVICE_MODULES.items()}
PLATFORM_TABLES = {"outbox", "inbox", "idempotency_keys"}
SERVICE_TABLES = {
    "intake": {
        "petitions",
        "petition_timeline",
        "tracking_counters",
        "petitioners",
        "petition_attachments",
        "pii_access_log",
        "ref_jurisdictions",
        "ref_categories",
        "ref_versions",
        "ref_departments",
        "knowledge_entries",
        "knowledge_versions",
        "knowledge_terms",
        "consultations",
        "mediations",
        "transfer_forms",
        "guide_versions",
        "hall_tickets",
        "hall_counters",
        "reception_sessions",
        "appointments",
        "home_visits",
        "reception_ratings",
        "spot_checks",
        "follow_up_calls",
        "staff_complaints",
    },
    "routing": {
        "jurisdictions",
        "departments",
        "categories",
        "dispatch_catalogue",
        "reference_versions",
        "calendar_years",
        "calendar_days",
        "cases",
        "case_steps",
        "case_clocks",
        "case_escalations",
        "supervision_orders",
        "callback_receipts",
    },
    "notify": {
        "notifications",
        "petitioner_contacts",
        "petition_recipients",
        "staff_contacts",
        "notification_rules",
        "notification_templates",
        "sms_outbox",
        "webhook_subscriptions",
        "webhook_deliveries",
        "webhook_attempts",
        "directory_version",
    },
    "screening": {
        "grids",
        "team_members",
        "grid_assignments",
        "special_residents",
        "pii_access_log",
        "sweeps",
        "resident_visits",
        "sweep_gaps_sent",
        "findings",
        "volunteer_services",
        "publicity_events",
        "publicity_contents",
        "ref_jurisdictions",
        "ref_categories",
        "ref_versions",
        "published_reports",
        "risk_policies",
        "risk_items",
        "risk_reviews",
        "risk_consultations",
        "risk_clause_changes",
        "risk_assessments",
        "risk_households",
        "risk_monitoring",
    },  # fmt: skip
}


def definition(service: str):
    return importlib.import_module(f"{PACKAGES[service]}.main").DEFINITION


def target_metadata(service: str) -> list[MetaData]:
    return [importlib.import_module(f"{PACKAGES[service]}.db").Base.metadata, platform_metadata]


@pytest.fixture(params=["sqlite", "postgres"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    await require_real_services()
    name = unique("xt_migrate_")
    url = await create_database(name)
    try:
        yield url
    finally:
        await drop_database(name)


async def schema_state(url: str, service: str) -> tuple[set[str], list]:
    """The tables in the database and Alembic's autogenerate diff against the service's metadata."""

    def inspect_sync(connection) -> tuple[set[str], list]:
        tables = set(inspect(connection).get_table_names())
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return tables, compare_metadata(context, target_metadata(service))

    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(inspect_sync)
    finally:
        await engine.dispose()


@pytest.mark.parametrize("service", list(SERVICE_MODULES))
async def test_history_goes_up_down_and_up_and_matches_the_models(database_url: str, service: str) -> None:
    root = definition(service).service_root
    expected_tables = {"alembic_version", *PLATFORM_TABLES, *SERVICE_TABLES[service]}

    await asyncio.to_thread(upgrade, root, database_url)
    tables, diff = await schema_state(database_url, service)
    assert tables == expected_tables
    assert diff == []

    await asyncio.to_thread(downgrade, root, database_url, "base")
    tables, _ = await schema_state(database_url, service)
    assert tables == {"alembic_version"}

    await asyncio.to_thread(upgrade, root, database_url)
    tables, diff = await schema_state(database_url, service)
    assert tables == expected_tables
    assert diff == []


@pytest.mark.parametrize("service", list(SERVICE_MODULES))
def test_definition_points_at_the_service(service: str) -> None:
    found = definition(service)
    assert found.name == service
    assert (found.service_root / "alembic.ini").is_file()
    assert (found.service_root / "migrations" / "env.py").is_file()
    assert found.settings_class.__module__ == f"{PACKAGES[service]}.config"
