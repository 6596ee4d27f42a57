"""The special-residents register: encrypted at rest, visible only to the grid's team and the levels above."""

from uuid import UUID

import pytest
from sqlalchemy import select

from screening_svc.audit.models import PiiAccess
from screening_svc.residents.models import SpecialResident
from services.testing import RunningSystem

RESIDENTS = "/screening/v1/special-residents"
RESIDENT = {"category": "elderly_alone", "name": "周桂兰", "address": "望江社区 5 号楼 301 室", "phone": "13905171234"}


async def worker_of(system: RunningSystem, grid: dict) -> dict[str, str]:
    body = {
        "community_code": grid["community_code"],
        "name": "网格员甲",
        "role": "grid_worker",
        "background": "full_time",
        "phone": "13905170009",
        "grid_codes": [grid["code"]],
    }
    response = await system.clients["screening"].post(
        "/screening/v1/team-members", json=body, headers=system.token("admin")
    )
    assert response.status_code == 201, response.text
    return system.token("grid_worker", sub=response.json()["id"], jurisdiction=None)


async def test_grid_worker_registers_a_resident_encrypted_at_rest(system: RunningSystem, screening, new_grid) -> None:
    grid = await new_grid()
    worker = await worker_of(system, grid)
    response = await screening.post(RESIDENTS, json=RESIDENT | {"grid_code": grid["code"]}, headers=worker)
    assert response.status_code == 201, response.text
    created = response.json()
    assert (created["name"], created["phone_masked"], created["visit_interval"]) == ("周桂兰", "139****1234", "weekly")
    assert created["category_name"] == "独居老人" and created["last_visited_on"] is None
    async with system.runtime("screening").session_factory() as session:
        stored = await session.get(SpecialResident, UUID(created["id"]))
    assert "周桂兰".encode() not in stored.name_encrypted and b"13905171234" not in stored.phone_encrypted

    listed = (await screening.get(RESIDENTS, params={"grid_code": grid["code"]}, headers=worker)).json()["items"]
    assert [(r["id"], r["name"]) for r in listed] == [(created["id"], "周**")]
    detail = await screening.get(f"{RESIDENTS}/{created['id']}", headers=worker)
    assert detail.json() == created


@pytest.mark.parametrize(("category", "interval"), [("hardship", "monthly"), ("long_term_petitioner", "weekly")])
async def test_visit_interval_follows_the_category(
    system: RunningSystem, screening, new_grid, category: str, interval: str
) -> None:
    grid = await new_grid()
    body = RESIDENT | {"grid_code": grid["code"], "category": category, "phone": None}
    response = await screening.post(RESIDENTS, json=body, headers=system.token("handler", jurisdiction="320599003"))
    assert response.status_code == 201
    assert (response.json()["visit_interval"], response.json()["phone_masked"]) == (interval, None)


async def test_residents_are_visible_to_the_team_and_the_levels_above_only(
    system: RunningSystem, screening, new_grid
) -> None:
    grid, other_grid = await new_grid(), await new_grid()
    worker, other_worker = await worker_of(system, grid), await worker_of(system, other_grid)
    created = (await screening.post(RESIDENTS, json=RESIDENT | {"grid_code": grid["code"]}, headers=worker)).json()
    path = f"{RESIDENTS}/{created['id']}"
    for allowed in (
        worker,
        system.token("handler", jurisdiction="320599003004"),
        system.token("supervisor", jurisdiction="320599003"),
        system.token("leader", jurisdiction="320599"),
    ):
        assert (await screening.get(path, headers=allowed)).status_code == 200  # fmt: skip
    for outside in (
        other_worker,
        system.token("handler", jurisdiction="320599001"),
        system.token("informant", jurisdiction="320599003001"),
    ):
        assert (await screening.get(path, headers=outside)).status_code == 404  # fmt: skip
    assert (await screening.get(path, headers=system.token("volunteer"))).status_code == 403
    listed = (await screening.get(RESIDENTS, params={"grid_code": grid["code"]}, headers=other_worker)).json()
    assert listed["items"] == []


@pytest.mark.parametrize(
    ("changes", "pointer", "code"),
    [
        ({"category": "veteran"}, "/category", "unknown_resident_category"),
        ({"grid_code": "32059900100101"}, "/grid_code", "unknown_grid"),  # exists, but not this worker's grid
        ({"grid_code": "32059900300499"}, "/grid_code", "unknown_grid"),
        ({"name": ""}, "/name", "string_too_short"),
        ({"phone": "1234"}, "/phone", "string_pattern_mismatch"),
    ],
)
async def test_bad_resident_changes_nothing(
    system: RunningSystem, screening, new_grid, rows, changes: dict, pointer: str, code: str
) -> None:
    grid = await new_grid()
    worker = await worker_of(system, grid)
    before = await rows("special_residents")
    response = await screening.post(RESIDENTS, json=RESIDENT | {"grid_code": grid["code"]} | changes, headers=worker)
    assert response.status_code == 422
    assert [(e["pointer"], e["code"]) for e in response.json()["errors"]] == [(pointer, code)]
    assert await rows("special_residents") == before


async def audit_records(system: RunningSystem, resident_id: str) -> list[tuple]:
    async with system.runtime("screening").session_factory() as session:
        entries = (
            await session.scalars(select(PiiAccess).where(PiiAccess.record_id == resident_id).order_by(PiiAccess.id))
        ).all()
    return [(e.actor, e.action, tuple(e.fields), e.reason, e.outcome) for e in entries]


async def test_reads_and_phone_reveals_are_audited_without_the_values(
    system: RunningSystem, screening, new_grid
) -> None:
    grid = await new_grid()
    worker = await worker_of(system, grid)
    created = (await screening.post(RESIDENTS, json=RESIDENT | {"grid_code": grid["code"]}, headers=worker)).json()
    path = f"{RESIDENTS}/{created['id']}"
    outsider = system.token("handler", sub="handler-elsewhere", jurisdiction="320599001")

    assert (await screening.get(path, headers=worker)).status_code == 200
    assert (await screening.get(path, headers=outsider)).status_code == 404
    revealed = await screening.post(f"{path}/phone-reveal", json={"reason": "连续两日未应门，电话联系"}, headers=worker)
    assert revealed.status_code == 200, revealed.text
    assert revealed.json() == {"id": created["id"], "phone": "13905171234"}
    refused = await screening.post(f"{path}/phone-reveal", json={"reason": "想了解情况"}, headers=outsider)
    assert refused.status_code == 404

    assert (await screening.get(path, headers=worker)).status_code == 200
    records = await audit_records(system, created["id"])
    assert [(r[1], r[2], r[4]) for r in records] == [
        ("read", ("name", "address", "phone_masked"), "granted"),
        ("read", (), "not_found"),
        ("reveal", ("phone",), "granted"),
        ("reveal", (), "not_found"),
        ("read", ("name", "address", "phone_masked"), "granted"),
    ]
    assert records[1][0] == "handler-elsewhere" and records[2][3] == "连续两日未应门，电话联系"
    async with system.runtime("screening").session_factory() as session:
        stored = " ".join(str(v) for e in (await session.scalars(select(PiiAccess))).all() for v in vars(e).values())
    assert "13905171234" not in stored and "周桂兰" not in stored


async def test_informants_cannot_reveal_a_phone_and_a_reason_is_required(
    system: RunningSystem, screening, new_grid, rows
) -> None:
    grid = await new_grid()
    worker = await worker_of(system, grid)
    created = (await screening.post(RESIDENTS, json=RESIDENT | {"grid_code": grid["code"]}, headers=worker)).json()
    path = f"{RESIDENTS}/{created['id']}/phone-reveal"
    informant = system.token("informant", jurisdiction="320599003004")
    before = await rows("pii_access_log")
    assert (await screening.post(path, json={"reason": "了解情况需要"}, headers=informant)).status_code == 403
    missing = await screening.post(path, json={}, headers=worker)
    assert missing.status_code == 422 and missing.json()["errors"][0]["pointer"] == "/reason"
    assert await rows("pii_access_log") == before
