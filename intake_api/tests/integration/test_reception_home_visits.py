"""Home visits on both backends: request (own or on behalf), scheduling to a cadre, completion linked to the
petition, guarded steps, events, and refusals that change nothing."""

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from intake_api.petitioners.crypto import PetitionerCrypto
from intake_api.petitioners.models import Petitioner
from intake_api.petitions.models import Petition
from intake_api.reception.home_visits.models import HomeVisit
from services.db.tables import idempotency_keys, outbox
from services.ids import uuid7
from services.testing import PETITION, RunningSystem

URL = "/intake/v1/home-visits"
REQUEST = {
    "reason": "disabled",
    "address": "清河区长桥街道柳岸社区 5 栋 302 室",
    "community_code": "320599001001",
    "matter": "下肢残疾无法出行，反映残疾人两项补贴未按时发放",
}


async def new_petitioner(system: RunningSystem, *, account_sub: str | None = None) -> Petitioner:
    runtime = system.runtime("intake")
    crypto = PetitionerCrypto.from_settings(runtime.settings)
    now = datetime.now(UTC)
    petitioner = Petitioner(
        id=uuid7(), account_sub=account_sub, name="赵大勇", address=None, special_needs=["disabled"],
        email_cipher=None, created_at=now, updated_at=now,
    )  # fmt: skip
    for column, value in crypto.phone_columns(petitioner.id, "13912345678").items():
        setattr(petitioner, column, value)
    async with runtime.session_factory() as session, session.begin():
        session.add(petitioner)
    return petitioner


async def counts(system: RunningSystem) -> tuple[int, ...]:
    async with system.runtime("intake").session_factory() as session:
        tables = (HomeVisit.__table__, outbox, idempotency_keys)
        return tuple([await session.scalar(select(func.count()).select_from(t)) for t in tables])


@pytest.fixture
async def unchanged(system: RunningSystem) -> AsyncIterator[None]:
    before = await counts(system)
    yield
    assert await counts(system) == before


async def events_of(system: RunningSystem, event_type: str, subject: str) -> list[dict]:
    async with system.runtime("intake").session_factory() as session:
        rows = await session.scalars(
            select(outbox.c.payload).where(outbox.c.event_type == event_type, outbox.c.aggregate_id == subject)
        )
        return [json.loads(row)["data"] for row in rows]


async def requested(system: RunningSystem, petitioner: Petitioner) -> dict:
    body = REQUEST | {"petitioner_id": str(petitioner.id)}
    response = await system.clients["intake"].post(URL, json=body, headers=system.token("reception"))
    assert response.status_code == 201, response.text
    return response.json()


async def petition_of(system: RunningSystem, petitioner: Petitioner) -> str:
    """A petition registered for this petitioner (through the petitions API, then pointed at the record)."""
    response = await system.clients["intake"].post(
        "/intake/v1/petitions", json=PETITION, headers=system.token("reception")
    )
    petition_id = uuid.UUID(response.json()["id"])
    async with system.runtime("intake").session_factory() as session, session.begin():
        (await session.get(Petition, petition_id)).petitioner_id = petitioner.id
    return str(petition_id)


async def test_request_schedule_complete(system: RunningSystem) -> None:
    petitioner = await new_petitioner(system)
    visit = await requested(system, petitioner)
    assert (visit["status"], visit["petitioner_id"], visit["reason"]) == ("requested", str(petitioner.id), "disabled")
    [event] = await events_of(system, "xinfang.home_visit.requested.v1", visit["id"])
    assert (event["petitioner_ref"], event["community_code"], event["reason"]) == (
        str(petitioner.id), "320599001001", "disabled"
    )  # fmt: skip
    client, staff = system.clients["intake"], system.token("handler", sub="cadre-li")
    when = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    scheduled = await client.post(
        f"{URL}/{visit['id']}/schedule", json={"cadre": "长桥街道 李干部", "scheduled_for": when}, headers=staff
    )
    assert (scheduled.status_code, scheduled.json()["status"]) == (200, "scheduled"), scheduled.text
    petition_id = await petition_of(system, petitioner)
    done = await client.post(
        f"{URL}/{visit['id']}/complete", json={"petition_id": petition_id, "result": "已登记诉求"}, headers=staff
    )
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["petition_id"]) == ("completed", petition_id)
    [completed] = await events_of(system, "xinfang.home_visit.completed.v1", visit["id"])
    assert (completed["cadre"], completed["result"], completed["petition_id"]) == (
        "长桥街道 李干部",
        "已登记诉求",
        petition_id,
    )
    again = await client.post(
        f"{URL}/{visit['id']}/schedule", json={"cadre": "王干部", "scheduled_for": when}, headers=staff
    )
    assert (again.status_code, again.json()["code"]) == (409, "home_visit_step_refused")


async def test_completion_before_scheduling_is_409(system: RunningSystem) -> None:
    petitioner = await new_petitioner(system)
    visit = await requested(system, petitioner)
    petition_id = await petition_of(system, petitioner)
    before = await counts(system)
    response = await system.clients["intake"].post(
        f"{URL}/{visit['id']}/complete",
        json={"petition_id": petition_id, "result": "已登记"},
        headers=system.token("reception"),
    )
    assert (response.status_code, response.json()["code"]) == (409, "home_visit_step_refused")
    assert await counts(system) == before


async def test_completion_with_another_petitioners_petition_is_422(system: RunningSystem) -> None:
    petitioner, other = await new_petitioner(system), await new_petitioner(system)
    visit = await requested(system, petitioner)
    client, staff = system.clients["intake"], system.token("reception")
    when = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    await client.post(f"{URL}/{visit['id']}/schedule", json={"cadre": "李干部", "scheduled_for": when}, headers=staff)
    petition_id = await petition_of(system, other)
    before = await counts(system)
    for body, pointer in (
        ({"petition_id": petition_id, "result": "已登记"}, "/petition_id"),
        ({"petition_id": str(uuid.uuid4()), "result": "已登记"}, "/petition_id"),
    ):
        response = await client.post(f"{URL}/{visit['id']}/complete", json=body, headers=staff)
        assert response.status_code == 422, response.text
        assert [e["pointer"] for e in response.json()["errors"]] == [pointer]
    assert await counts(system) == before
    assert (await client.get(f"{URL}/{visit['id']}", headers=staff)).json()["status"] == "scheduled"


async def test_petitioner_requests_their_own_and_only_sees_their_own(system: RunningSystem) -> None:
    petitioner = await new_petitioner(system, account_sub="portal-hv")
    client = system.clients["intake"]
    response = await client.post(URL, json=REQUEST, headers=system.token("petitioner", sub="portal-hv"))
    assert response.status_code == 201, response.text
    visit = response.json()
    assert visit["petitioner_id"] == str(petitioner.id)
    assert (
        await client.get(f"{URL}/{visit['id']}", headers=system.token("petitioner", sub="portal-hv"))
    ).status_code == 200
    other = system.token("petitioner", sub="portal-other")
    assert (await client.get(f"{URL}/{visit['id']}", headers=other)).status_code == 404
    outsider = system.token("reception", jurisdiction="320599002")
    assert (await client.get(f"{URL}/{visit['id']}", headers=outsider)).status_code == 404
    listed = await client.get(URL, params={"status": "requested", "limit": 100}, headers=system.token("reception"))
    assert visit["id"] in [v["id"] for v in listed.json()["items"]]


async def test_scheduling_in_the_past_is_422(system: RunningSystem) -> None:
    visit = await requested(system, await new_petitioner(system))
    before = await counts(system)
    response = await system.clients["intake"].post(
        f"{URL}/{visit['id']}/schedule",
        json={"cadre": "李干部", "scheduled_for": "2020-01-01T09:00:00+08:00"},
        headers=system.token("reception"),
    )
    assert response.status_code == 422
    assert [(e["pointer"], e["code"]) for e in response.json()["errors"]] == [("/scheduled_for", "in_the_past")]
    assert await counts(system) == before


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"reason": "other"}, [("/reason", "literal_error")]),
        ({"community_code": "3205"}, [("/community_code", "string_pattern_mismatch")]),
        ({"community_code": "999999999999"}, [("/community_code", "community_unknown")]),
        ({"matter": "短"}, [("/matter", "string_too_short")]),
        ({"petitioner_id": None}, [("/petitioner_id", "missing")]),
        ({"petitioner_id": str(uuid.UUID(int=9))}, [("/petitioner_id", "petitioner_unknown")]),
    ],
)
async def test_bad_request_is_422_with_pointers(
    system: RunningSystem, unchanged: None, changes: dict, expected
) -> None:
    petitioner = await new_petitioner(system)
    before = await counts(system)
    body = REQUEST | {"petitioner_id": str(petitioner.id)} | changes
    response = await system.clients["intake"].post(URL, json=body, headers=system.token("reception"))
    assert response.status_code == 422, response.text
    assert sorted((e["pointer"], e["code"]) for e in response.json()["errors"]) == expected
    assert await counts(system) == before
