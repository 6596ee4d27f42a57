"""Registering a known petitioner writes only what changed, on both backends: the same details issue no UPDATE
(no fresh ciphertext, no new ``updated_at``, so no row lock held until commit); a changed phone is written."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from sqlalchemy import event

from intake_api.petitioners.crypto import PetitionerCrypto
from intake_api.petitioners.models import Petitioner
from intake_api.petitioners.schemas import PetitionerIn
from intake_api.petitioners.service import find_or_register
from services.testing import RunningSystem

COLUMNS = ("id_number_cipher", "phone_cipher", "phone_masked", "email_cipher", "address", "special_needs", "updated_at")


def details(id_number: str, **changes: Any) -> PetitionerIn:
    values = {"name": "王五", "id_number": id_number, "phone": "13812345678", "email": "w5@example.cn"}
    return PetitionerIn(**{**values, "address": "长桥街道柳岸社区 3 栋", "special_needs": ["elderly"], **changes})


@contextmanager
def petitioner_updates(system: RunningSystem) -> Iterator[list[str]]:
    """The UPDATE statements on ``petitioners`` issued by intake's engine meanwhile."""
    engine, seen = system.runtime("intake").session_factory.kw["bind"].sync_engine, []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE PETITIONERS"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def register(system: RunningSystem, data: PetitionerIn) -> tuple[UUID, bool]:
    crypto = PetitionerCrypto.from_settings(system.runtime("intake").settings)
    async with system.runtime("intake").session_factory() as session:
        petitioner, known = await find_or_register(session=session, data=data, crypto=crypto, account_sub=None)
        await session.commit()
        return petitioner.id, known


async def stored(system: RunningSystem, petitioner_id: UUID) -> dict[str, Any]:
    async with system.runtime("intake").session_factory() as session:
        row = await session.get(Petitioner, petitioner_id)
        return {column: getattr(row, column) for column in COLUMNS}


async def test_same_details_issue_no_update(system: RunningSystem, new_id_number) -> None:  # noqa: ANN001
    id_number = new_id_number()
    petitioner_id, known = await register(system, details(id_number))
    first = await stored(system, petitioner_id)
    with petitioner_updates(system) as updates:
        again, known = await register(system, details(id_number))
    assert (again, known, updates) == (petitioner_id, True, [])
    assert await stored(system, petitioner_id) == first


async def test_changed_phone_is_written_and_the_rest_kept(system: RunningSystem, new_id_number) -> None:  # noqa: ANN001
    id_number = new_id_number()
    petitioner_id, _ = await register(system, details(id_number))
    first = await stored(system, petitioner_id)
    with petitioner_updates(system) as updates:
        await register(system, details(id_number, phone="13900001111"))
    after = await stored(system, petitioner_id)
    assert len(updates) == 1
    assert (after["phone_masked"], after["updated_at"] > first["updated_at"]) == ("139****1111", True)
    assert after["phone_cipher"] != first["phone_cipher"]
    unchanged = ("id_number_cipher", "email_cipher", "address", "special_needs")
    assert {column: after[column] for column in unchanged} == {column: first[column] for column in unchanged}


async def test_changed_email_and_address_are_written(system: RunningSystem, new_id_number) -> None:  # noqa: ANN001
    id_number = new_id_number()
    petitioner_id, _ = await register(system, details(id_number))
    first = await stored(system, petitioner_id)
    await register(system, details(id_number, email="w5@example.org", address="长桥街道 8 号"))
    after = await stored(system, petitioner_id)
    assert after["email_cipher"] != first["email_cipher"] and after["address"] == "长桥街道 8 号"
    assert (after["phone_cipher"], after["id_number_cipher"]) == (first["phone_cipher"], first["id_number_cipher"])


async def test_missing_address_and_email_keep_the_stored_ones(system: RunningSystem, new_id_number) -> None:  # noqa: ANN001
    id_number = new_id_number()
    petitioner_id, _ = await register(system, details(id_number))
    first = await stored(system, petitioner_id)
    with petitioner_updates(system) as updates:
        await register(system, details(id_number, email=None, address=None))
    assert (updates, await stored(system, petitioner_id)) == ([], first)
