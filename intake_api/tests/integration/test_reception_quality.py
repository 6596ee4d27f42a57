"""Reception quality on both backends: ratings (once, by the person received), spot checks, follow-up calls,
complaints, and the per-staff report aggregated in SQL."""

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from intake_api.petitioners.crypto import PetitionerCrypto
from intake_api.petitioners.models import Petitioner
from intake_api.petitions.models import Petition
from intake_api.reception.quality.models import FollowUpCall, ReceptionRating, SpotCheck, StaffComplaint
from intake_api.reception.rules import local_day
from services.db.tables import outbox
from services.ids import uuid7
from services.testing import PETITION, RunningSystem

HALL, QUALITY = "/intake/v1/hall", "/intake/v1/quality"


async def new_petitioner(system: RunningSystem, *, account_sub: str) -> Petitioner:
    runtime = system.runtime("intake")
    crypto = PetitionerCrypto.from_settings(runtime.settings)
    now = datetime.now(UTC)
    petitioner = Petitioner(
        id=uuid7(), account_sub=account_sub, name="赵大勇", address=None, special_needs=[], email_cipher=None,
        created_at=now, updated_at=now,
    )  # fmt: skip
    for column, value in crypto.phone_columns(petitioner.id, "13912345678").items():
        setattr(petitioner, column, value)
    async with runtime.session_factory() as session, session.begin():
        session.add(petitioner)
    return petitioner


async def counts(system: RunningSystem) -> tuple[int, ...]:
    async with system.runtime("intake").session_factory() as session:
        tables = (
            ReceptionRating.__table__,
            SpotCheck.__table__,
            FollowUpCall.__table__,
            StaffComplaint.__table__,
            outbox,
        )
        return tuple([await session.scalar(select(func.count()).select_from(t)) for t in tables])


@pytest.fixture
async def unchanged(system: RunningSystem) -> AsyncIterator[None]:
    before = await counts(system)
    yield
    assert await counts(system) == before


async def reception(system: RunningSystem, *, staff: str, petitioner: Petitioner | None = None, complete=True) -> dict:
    client, token = system.clients["intake"], system.token("reception", sub=staff)
    body = {"name": "王建国"} | ({"petitioner_id": str(petitioner.id)} if petitioner else {})
    ticket = (await client.post(f"{HALL}/tickets", json=body, headers=token)).json()
    await client.post(f"{HALL}/tickets/{ticket['id']}/call", headers=token)
    if complete:
        await client.post(f"{HALL}/tickets/{ticket['id']}/complete", json={}, headers=token)
    return ticket


def rating(attitude: int = 5, efficiency: int = 4) -> dict:
    return {"attitude": attitude, "efficiency": efficiency, "comment": "接待耐心"}


async def test_the_person_received_rates_once(system: RunningSystem) -> None:
    sub = f"portal-{uuid.uuid4().hex[:8]}"
    petitioner = await new_petitioner(system, account_sub=sub)
    ticket = await reception(system, staff="clerk-r", petitioner=petitioner)
    client = system.clients["intake"]
    url = f"{QUALITY}/receptions/{ticket['id']}/rating"
    other = await client.post(url, json=rating(), headers=system.token("petitioner", sub="portal-stranger"))
    assert (other.status_code, other.json()["code"]) == (404, "reception_not_found")
    first = await client.post(url, json=rating(), headers=system.token("petitioner", sub=sub))
    assert first.status_code == 201, first.text
    assert (first.json()["staff_id"], first.json()["attitude"]) == ("clerk-r", 5)
    async with system.runtime("intake").session_factory() as session:
        payload = await session.scalar(
            select(outbox.c.payload).where(
                outbox.c.event_type == "xinfang.reception.rated.v1", outbox.c.aggregate_id == ticket["id"]
            )
        )
    data = json.loads(payload)["data"]
    assert (data["reception_id"], data["staff_id"], data["attitude"], data["efficiency"]) == (
        ticket["id"],
        "clerk-r",
        5,
        4,
    )
    before = await counts(system)
    again = await client.post(url, json=rating(1, 1), headers=system.token("petitioner", sub=sub))
    assert (again.status_code, again.json()["code"]) == (409, "already_rated")
    assert await counts(system) == before


async def test_a_reception_not_completed_cannot_be_rated(system: RunningSystem, unchanged: None) -> None:
    ticket = await reception(system, staff="clerk-r", complete=False)
    response = await system.clients["intake"].post(
        f"{QUALITY}/receptions/{ticket['id']}/rating", json=rating(), headers=system.token("supervisor")
    )
    assert (response.status_code, response.json()["code"]) == (409, "reception_not_completed")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"attitude": 0, "efficiency": 6}, [("/attitude", "greater_than_equal"), ("/efficiency", "less_than_equal")]),
        ({"attitude": 3}, [("/efficiency", "missing")]),
        ({"attitude": 3, "efficiency": 3, "comment": "长" * 501}, [("/comment", "string_too_long")]),
    ],
)
async def test_bad_rating_is_422(system: RunningSystem, unchanged: None, body: dict, expected) -> None:
    response = await system.clients["intake"].post(
        f"{QUALITY}/receptions/{uuid.uuid4()}/rating", json=body, headers=system.token("supervisor")
    )
    assert response.status_code == 422
    assert sorted((e["pointer"], e["code"]) for e in response.json()["errors"]) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"reached": True}, [("/satisfaction", "missing")]),
        ({"reached": False, "satisfaction": "satisfied"}, [("/satisfaction", "not_reached")]),
        ({"reached": True, "satisfaction": "happy"}, [("/satisfaction", "literal_error")]),
    ],
)
async def test_bad_follow_up_is_422(system: RunningSystem, body: dict, expected) -> None:
    ticket = await reception(system, staff="clerk-f")
    before = await counts(system)
    response = await system.clients["intake"].post(
        f"{QUALITY}/receptions/{ticket['id']}/follow-up-calls", json=body, headers=system.token("reception")
    )
    assert response.status_code == 422
    assert sorted((e["pointer"], e["code"]) for e in response.json()["errors"]) == expected
    assert await counts(system) == before


async def test_spot_check_needs_a_started_reception_and_a_supervisor(system: RunningSystem) -> None:
    client = system.clients["intake"]
    waiting = (await client.post(f"{HALL}/tickets", json={"name": "李四"}, headers=system.token("reception"))).json()
    before = await counts(system)
    body = {"score": 90, "findings": "文明用语规范"}
    url = f"{QUALITY}/receptions/{waiting['id']}/spot-checks"
    assert (await client.post(url, json=body, headers=system.token("reception"))).status_code == 403
    refused = await client.post(url, json=body, headers=system.token("supervisor"))
    assert (refused.status_code, refused.json()["code"]) == (409, "reception_not_started")
    outsider = await client.post(url, json=body, headers=system.token("supervisor", jurisdiction="110105"))
    assert outsider.status_code == 404
    assert await counts(system) == before


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"content": "态度生硬，不耐烦"}, [("/staff_id", "missing")]),
        ({"content": "态度生硬，不耐烦", "ticket_id": str(uuid.UUID(int=5))}, [("/ticket_id", "reception_unknown")]),
        ({"staff_id": "x", "content": "短"}, [("/content", "string_too_short")]),
    ],
)
async def test_bad_complaint_is_422(system: RunningSystem, unchanged: None, body: dict, expected) -> None:
    response = await system.clients["intake"].post(
        f"{QUALITY}/complaints", json=body, headers=system.token("supervisor")
    )
    assert response.status_code == 422, response.text
    assert sorted((e["pointer"], e["code"]) for e in response.json()["errors"]) == expected


async def test_complaint_naming_another_staff_than_the_receptions_is_422(system: RunningSystem) -> None:
    ticket = await reception(system, staff="clerk-c")
    before = await counts(system)
    body = {"staff_id": "someone-else", "ticket_id": ticket["id"], "content": "态度生硬，不耐烦"}
    response = await system.clients["intake"].post(
        f"{QUALITY}/complaints", json=body, headers=system.token("supervisor")
    )
    assert (response.status_code, response.json()["code"]) == (422, "staff_mismatch")
    assert await counts(system) == before


async def test_staff_report_aggregates_every_source(system: RunningSystem) -> None:
    staff = f"clerk-{uuid.uuid4().hex[:8]}"
    client, supervisor = system.clients["intake"], system.token("supervisor", sub="boss")
    first, second = await reception(system, staff=staff), await reception(system, staff=staff)
    await reception(system, staff=staff, complete=False)
    for ticket, (attitude, efficiency) in ((first, (5, 4)), (second, (3, 3))):
        url = f"{QUALITY}/receptions/{ticket['id']}/rating"
        assert (await client.post(url, json=rating(attitude, efficiency), headers=supervisor)).status_code == 201
    for ticket, score in ((first, 90), (second, 71)):
        url = f"{QUALITY}/receptions/{ticket['id']}/spot-checks"
        assert (
            await client.post(url, json={"score": score, "findings": "抽查"}, headers=supervisor)
        ).status_code == 201
    for body in ({"reached": True, "satisfaction": "basically_satisfied"}, {"reached": False}):
        url = f"{QUALITY}/receptions/{first['id']}/follow-up-calls"
        assert (await client.post(url, json=body, headers=supervisor)).status_code == 201
    complaint = {"ticket_id": second["id"], "content": "态度生硬，不耐烦"}
    assert (await client.post(f"{QUALITY}/complaints", json=complaint, headers=supervisor)).status_code == 201
    await petitions_registered_by(system, staff, on_spot=1, others=2)
    today = local_day(datetime.now(UTC)).isoformat()
    response = await client.get(f"{QUALITY}/staff", params={"from": today, "to": today}, headers=supervisor)
    assert response.status_code == 200, response.text
    row = next(r for r in response.json()["staff"] if r["staff_id"] == staff)
    waits = await wait_seconds(system, staff)
    assert row == {
        "staff_id": staff, "receptions": 3, "average_wait_minutes": round(sum(waits) / len(waits) / 60, 2),
        "ratings": 2, "average_attitude": 4.0, "average_efficiency": 3.5, "spot_checks": 2,
        "average_spot_check_score": 80.5, "complaints": 1, "follow_up_calls": 2, "follow_up_satisfied": 1,
        "petitions_registered": 3, "resolved_on_spot": 1, "on_spot_share": round(1 / 3, 4),
    }  # fmt: skip
    elsewhere = system.token("supervisor", jurisdiction="110105")
    response = await client.get(f"{QUALITY}/staff", params={"from": today, "to": today}, headers=elsewhere)
    assert staff not in [r["staff_id"] for r in response.json()["staff"]]


async def petitions_registered_by(system: RunningSystem, staff: str, *, on_spot: int, others: int) -> None:
    client = system.clients["intake"]
    ids = []
    for _ in range(on_spot + others):
        response = await client.post(
            "/intake/v1/petitions", json=PETITION, headers=system.token("reception", sub=staff)
        )
        assert response.status_code == 201, response.text
        ids.append(uuid.UUID(response.json()["id"]))
    async with system.runtime("intake").session_factory() as session, session.begin():
        for petition_id in ids[:on_spot]:
            (await session.get(Petition, petition_id)).status = "resolved_on_spot"


async def wait_seconds(system: RunningSystem, staff: str) -> list[int]:
    from intake_api.reception.hall.models import QueueTicket

    async with system.runtime("intake").session_factory() as session:
        return list(
            (await session.scalars(select(QueueTicket.wait_seconds).where(QueueTicket.staff_id == staff))).all()
        )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"from": "2026-11-30", "to": "2026-11-01"}, [("to", "before_from")]),
        ({"from": "2025-01-01", "to": "2026-11-01"}, [("to", "period_too_long")]),
        ({"from": "2026-13-01", "to": "2026-11-01"}, [("from", "date_from_datetime_parsing")]),
        ({"to": "2026-11-01"}, [("from", "missing")]),
    ],
)
async def test_bad_report_period_is_422(system: RunningSystem, params: dict, expected) -> None:
    response = await system.clients["intake"].get(f"{QUALITY}/staff", params=params, headers=system.token("supervisor"))
    assert response.status_code == 422, response.text
    assert sorted((e["parameter"], e["code"]) for e in response.json()["errors"]) == expected


@pytest.mark.parametrize("role", ["reception", "petitioner", "handler"])
async def test_report_is_for_supervisors_and_leaders(system: RunningSystem, role: str) -> None:
    params = {"from": "2026-11-01", "to": "2026-11-30"}
    response = await system.clients["intake"].get(f"{QUALITY}/staff", params=params, headers=system.token(role))
    assert response.status_code == 403
