"""Migration 0005 encrypts the plain mediation agreements in place (bound to their row) and drops the plain column;
an empty text (a failed mediation) becomes NULL; downgrading brings the plain text back. On SQLite and PostgreSQL."""

import asyncio
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from intake_api.config import IntakeSettings
from intake_api.db import SERVICE_ROOT
from intake_api.onsite.mediations import rules
from services import pii
from services.db.migrate import downgrade, upgrade

AGREEMENT = "物业公司于本月底前完成屋顶防水维修，申请人王建国撤回投诉。"
MEDIATIONS = sa.table(
    "mediations", *(sa.column(n) for n in ("mediator", "result", "agreement", "notes", "recorded_by")),
    sa.column("id", sa.Uuid()), sa.column("petition_id", sa.Uuid()), sa.column("parties_cipher", sa.LargeBinary()),
    sa.column("parties_masked", sa.JSON()), sa.column("created_at", sa.DateTime(timezone=True)),
)  # fmt: skip


async def insert_mediations(url: str, rows: list[dict]) -> None:
    """Rows as 0004 stored them; the petition they name is not there (foreign keys off for this session)."""
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                await connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
            await connection.execute(MEDIATIONS.insert(), rows)
    finally:
        await engine.dispose()


async def test_plain_agreements_are_encrypted_and_back(database_url: str, run, columns) -> None:  # noqa: ANN001
    await asyncio.to_thread(upgrade, SERVICE_ROOT, database_url, "0004")
    success, failure, now = uuid.uuid4(), uuid.uuid4(), datetime.now(UTC)
    common = {"petition_id": uuid.uuid4(), "mediator": "陈静", "notes": "", "recorded_by": "r", "created_at": now}
    common |= {"parties_cipher": b"\x01", "parties_masked": []}
    await insert_mediations(
        database_url,
        [
            {**common, "id": success, "result": "success", "agreement": AGREEMENT},
            {**common, "id": failure, "result": "failure", "agreement": ""},
        ],
    )

    await asyncio.to_thread(upgrade, SERVICE_ROOT, database_url, "0005")
    assert "agreement" not in await columns(database_url, "mediations")
    rows = {uuid.UUID(str(r.id)): r.agreement_cipher for r in await run(database_url, "SELECT * FROM mediations")}
    assert rows[failure] is None and AGREEMENT.encode() not in bytes(rows[success])
    cipher = pii.Cipher(IntakeSettings().pii_key)
    assert rules.open_agreement(bytes(rows[success]), cipher=cipher, mediation_id=success) == AGREEMENT

    await asyncio.to_thread(downgrade, SERVICE_ROOT, database_url, "0004")
    back = {uuid.UUID(str(r.id)): r.agreement for r in await run(database_url, "SELECT id, agreement FROM mediations")}
    assert back == {success: AGREEMENT, failure: ""}
