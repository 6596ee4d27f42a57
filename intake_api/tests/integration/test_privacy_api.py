"""Petitioner privacy on both backends: no plain ID number or phone in logs, events or any database column;
masked responses; the audited reveal; an audit record for every read of petitioner data."""

import logging
import random
import uuid

import pytest
from sqlalchemy import MetaData, func, select

from intake_api.audit.models import PiiAccess
from services.db.tables import outbox
from services.testing import RunningSystem, eventually

URL = "/intake/v1/petitions"


def secret_person(person) -> tuple[dict, str, str]:  # noqa: ANN001
    phone = f"139{random.randint(0, 99_999_999):08d}"
    body = person()
    body["petitioner"] = {**body["petitioner"], "phone": phone, "email": f"p{phone}@example.cn"}
    return body, body["petitioner"]["id_number"], phone


async def audit_rows(system: RunningSystem, record_id: str) -> list[PiiAccess]:
    async with system.runtime("intake").session_factory() as session:
        found = await session.scalars(select(PiiAccess).where(PiiAccess.record_id == record_id).order_by(PiiAccess.at))
        return list(found)


async def every_stored_value(system: RunningSystem) -> list[str]:
    """Every value of every column of every table of intake's database, as text (bytes decoded loosely)."""
    engine = system.runtime("intake").engine
    metadata = MetaData()
    async with engine.connect() as connection:
        await connection.run_sync(metadata.reflect)
        values = []
        for table in metadata.sorted_tables:
            for row in (await connection.execute(select(table))).all():
                values += [v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in row if v is not None]
    return values


async def test_no_plain_id_number_or_phone_in_logs_events_or_columns(
    system: RunningSystem,
    person,
    caplog: pytest.LogCaptureFixture,  # noqa: ANN001
) -> None:
    body, id_number, phone = secret_person(person)
    caplog.set_level(logging.DEBUG)
    created = (await system.clients["intake"].post(URL, json=body, headers=system.token("reception"))).json()
    read = await system.clients["intake"].get(f"{URL}/{created['id']}", headers=system.token("reception"))
    petitioner = read.json()["petitioner"]
    assert (petitioner["id_number"], petitioner["phone"]) == (
        id_number[:6] + "*" * 8 + id_number[-4:],
        phone[:3] + "****" + phone[-4:],
    )

    async def published() -> bool:
        async with system.runtime("intake").session_factory() as session:
            row = (await session.execute(select(outbox).where(outbox.c.aggregate_id == created["id"]))).one()
        return row.published_at is not None

    await eventually(published)
    await eventually(lambda: _case_step_arrived(system, created))
    secrets = (id_number, phone, phone[3:], id_number[6:14])
    assert not [s for s in secrets if s in caplog.text]
    async with system.runtime("intake").session_factory() as session:
        payloads = [row.payload for row in (await session.execute(select(outbox.c.payload))).all()]
    assert not [p for p in payloads if any(s in p for s in secrets)]
    assert not [v for v in await every_stored_value(system) if any(s in v for s in secrets)]
    assert read.text.count(phone) == 0 and read.text.count(id_number) == 0


async def _case_step_arrived(system: RunningSystem, created: dict) -> bool:
    response = await system.clients["intake"].get(f"{URL}/{created['id']}", headers=system.token("admin"))
    return len(response.json()["timeline"]) > 1


async def test_reveal_is_for_supervisors_with_a_reason_and_audited(system: RunningSystem, person) -> None:  # noqa: ANN001
    body, id_number, phone = secret_person(person)
    created = (await system.clients["intake"].post(URL, json=body, headers=system.token("reception"))).json()
    petition = await system.clients["intake"].get(f"{URL}/{created['id']}", headers=system.token("reception"))
    petitioner_id = petition.json()["petitioner"]["id"]
    path = f"/intake/v1/petitioners/{petitioner_id}/reveal"
    request = {"fields": ["id_number", "phone"], "reason": "电话回访信访人，经科长批准"}

    for role in ("reception", "handler", "leader", "petitioner"):
        refused = await system.clients["intake"].post(path, json=request, headers=system.token(role))
        assert refused.status_code == 403, role
    missing_reason = await system.clients["intake"].post(
        path, json={"fields": ["phone"]}, headers=system.token("admin")
    )
    assert missing_reason.status_code == 422
    assert [e["pointer"] for e in missing_reason.json()["errors"]] == ["/reason"]

    revealed = await system.clients["intake"].post(path, json=request, headers=system.token("supervisor", sub="sup-1"))
    assert revealed.status_code == 200, revealed.text
    assert revealed.json() == {"id": petitioner_id, "id_number": id_number, "phone": phone, "email": None}
    email = await system.clients["intake"].post(
        path, json={"fields": ["email"], "reason": "发送书面告知"}, headers=system.token("admin")
    )
    assert email.json()["email"] == body["petitioner"]["email"]

    [reveal, *_] = [row for row in await audit_rows(system, petitioner_id) if row.action == "reveal"]
    assert (reveal.actor, reveal.fields, reveal.reason, reveal.outcome) == (
        "sup-1", ["id_number", "phone"], request["reason"], "granted",
    )  # fmt: skip
    assert reveal.roles == ["supervisor"]


async def test_reveal_of_an_unknown_petitioner_is_404_and_audited(system: RunningSystem) -> None:
    unknown = str(uuid.uuid4())
    response = await system.clients["intake"].post(
        f"/intake/v1/petitioners/{unknown}/reveal", json={"fields": ["phone"], "reason": "核实身份"},
        headers=system.token("admin"),
    )  # fmt: skip
    assert (response.status_code, response.json()["code"]) == (404, "petitioner_not_found")
    [row] = await audit_rows(system, unknown)
    assert (row.action, row.outcome, row.fields, row.reason) == ("reveal", "not_found", [], "核实身份")


async def test_every_read_of_petitioner_data_is_audited(system: RunningSystem, person) -> None:  # noqa: ANN001
    created = (await system.clients["intake"].post(URL, json=person(), headers=system.token("reception"))).json()
    for _ in range(2):
        await system.clients["intake"].get(f"{URL}/{created['id']}", headers=system.token("handler", sub="h-1"))
    outsider = await system.clients["intake"].get(
        f"{URL}/{created['id']}", headers=system.token("handler", sub="h-2", jurisdiction="320599002")
    )
    assert outsider.status_code == 404
    rows = await audit_rows(system, created["id"])
    assert [(r.actor, r.action, r.outcome) for r in rows] == [
        ("h-1", "read", "granted"), ("h-1", "read", "granted"), ("h-2", "read", "not_found"),
    ]  # fmt: skip
    assert "phone:masked" in rows[0].fields and rows[2].fields == []

    async with system.runtime("intake").session_factory() as session:
        before = await session.scalar(select(func.count()).where(PiiAccess.action == "list"))
    listed = await system.clients["intake"].get(URL, headers=system.token("reception"))
    assert listed.status_code == 200
    async with system.runtime("intake").session_factory() as session:
        assert await session.scalar(select(func.count()).where(PiiAccess.action == "list")) == before + 1


async def test_petitioner_record_is_masked_and_only_their_own(system: RunningSystem, person) -> None:  # noqa: ANN001
    account = f"portal-{uuid.uuid4()}"
    token = system.token("petitioner", sub=account, jurisdiction=None)
    created = (await system.clients["intake"].post(URL, json=person(channel="online"), headers=token)).json()
    petitioner_id = (await system.clients["intake"].get(f"{URL}/{created['id']}", headers=token)).json()["petitioner"][
        "id"
    ]
    own = await system.clients["intake"].get(f"/intake/v1/petitioners/{petitioner_id}", headers=token)
    assert own.status_code == 200 and "****" in own.json()["phone"] and "********" in own.json()["id_number"]
    other = system.token("petitioner", sub="someone-else", jurisdiction=None)
    assert (
        await system.clients["intake"].get(f"/intake/v1/petitioners/{petitioner_id}", headers=other)
    ).status_code == 404
    staff = await system.clients["intake"].get(
        f"/intake/v1/petitioners/{petitioner_id}", headers=system.token("reception")
    )
    assert staff.status_code == 200


async def test_staff_registration_is_linked_to_the_portal_account_of_the_same_person(
    system: RunningSystem,
    person,  # noqa: ANN001
) -> None:
    account = f"portal-{uuid.uuid4()}"
    token = system.token("petitioner", sub=account, jurisdiction=None)
    body = person(channel="online")
    await system.clients["intake"].post(URL, json=body, headers=token)
    by_staff = await system.clients["intake"].post(
        URL, json={**body, "channel": "visit", "content": "另一件事：小区电梯长期故障无人维修，请求督促物业更换。"},
        headers=system.token("reception"),
    )  # fmt: skip
    seen = await system.clients["intake"].get(f"{URL}/{by_staff.json()['id']}", headers=token)
    assert seen.status_code == 200
    mine = await system.clients["intake"].get(URL, headers=token)
    assert {item["id"] for item in mine.json()["items"]} >= {by_staff.json()["id"]}


async def test_a_portal_account_cannot_take_over_another_accounts_id_number(system: RunningSystem, person) -> None:  # noqa: ANN001
    body = person(channel="online")
    owner = system.token("petitioner", sub=f"portal-{uuid.uuid4()}", jurisdiction=None)
    assert (await system.clients["intake"].post(URL, json=body, headers=owner)).status_code == 201
    async with system.runtime("intake").session_factory() as session:
        before = await session.scalar(
            select(func.count()).select_from(PiiAccess.__table__.metadata.tables["petitions"])
        )
    intruder = system.token("petitioner", sub=f"portal-{uuid.uuid4()}", jurisdiction=None)
    hijack = {**body, "petitioner": {**body["petitioner"], "phone": "13700000000"}}
    response = await system.clients["intake"].post(URL, json=hijack, headers=intruder)
    assert response.status_code == 422
    assert [(e["pointer"], e["code"]) for e in response.json()["errors"]] == [
        ("/petitioner/id_number", "id_number_of_another_account")
    ]
    async with system.runtime("intake").session_factory() as session:
        after = await session.scalar(select(func.count()).select_from(PiiAccess.__table__.metadata.tables["petitions"]))
    assert after == before
