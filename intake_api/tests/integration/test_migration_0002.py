"""Migration 0002 moves the skeleton's plain petitioner name and phone into ``petitioners`` (phone encrypted) and
drops the plain columns; downgrading brings them back. On SQLite and PostgreSQL."""

import asyncio
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from intake_api.config import IntakeSettings
from intake_api.db import SERVICE_ROOT
from intake_api.petitioners.crypto import PetitionerCrypto
from services.db.migrate import downgrade, upgrade

PHONE = "13912345678"


async def test_plain_phone_moves_into_encrypted_petitioners_and_back(database_url: str, run, columns) -> None:  # noqa: ANN001
    await asyncio.to_thread(upgrade, SERVICE_ROOT, database_url, "0001")
    petition_id, now = uuid.uuid4(), datetime.now(UTC)
    skeleton = sa.table(
        "petitions", *(sa.column(n) for n in ("tracking_no", "query_code_hash", "channel", "petitioner_name",
        "petitioner_phone", "category_code", "content", "address", "jurisdiction_code", "status", "registered_by")),
        sa.column("id", sa.Uuid()), sa.column("received_at", sa.DateTime(timezone=True)),
        sa.column("created_at", sa.DateTime(timezone=True)), sa.column("updated_at", sa.DateTime(timezone=True)),
    )  # fmt: skip
    engine = create_async_engine(database_url, poolclass=NullPool)
    async with engine.begin() as connection:
        await connection.execute(
            skeleton.insert().values(
                id=petition_id, tracking_no="2026-320599-000001", query_code_hash="x" * 64, channel="visit",
                petitioner_name="王建国", petitioner_phone=PHONE, category_code="0301",
                content="柳岸社区 3 号楼屋顶漏水两年，多次向物业反映未修，请求维修。", address="柳岸社区 3 号楼",
                jurisdiction_code="320599", status="registered", registered_by="r", received_at=now, created_at=now,
                updated_at=now,
            )
        )  # fmt: skip
    await engine.dispose()

    await asyncio.to_thread(upgrade, SERVICE_ROOT, database_url, "0002")
    assert not {"petitioner_name", "petitioner_phone"} & await columns(database_url, "petitions")
    [row] = await run(database_url, "SELECT id, name, phone_cipher, phone_masked FROM petitioners")
    crypto = PetitionerCrypto.from_settings(IntakeSettings())
    petitioner_id = uuid.UUID(str(row.id))
    assert (row.name, row.phone_masked) == ("王建国", "139****5678")
    assert crypto.decrypt_phone(petitioner_id, bytes(row.phone_cipher)) == PHONE
    [petition] = await run(database_url, "SELECT petitioner_id, status, outcome FROM petitions")
    assert (uuid.UUID(str(petition.petitioner_id)), petition.status, petition.outcome) == (
        petitioner_id, "registered", "accepted",
    )  # fmt: skip

    await asyncio.to_thread(downgrade, SERVICE_ROOT, database_url, "0001")
    [back] = await run(database_url, "SELECT petitioner_name, petitioner_phone FROM petitions")
    assert (back.petitioner_name, back.petitioner_phone) == ("王建国", PHONE)
