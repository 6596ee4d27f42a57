"""The hall on both backends: check-in with rooms and priority, the queue board, calling and completing tickets
with guarded transitions, and refused requests that change nothing."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from intake_api.petitioners.crypto import PetitionerCrypto
from intake_api.petitioners.models import Petitioner
from intake_api.reception.hall.models import HallCounter, QueueTicket
from services.db.tables import idempotency_keys, outbox
from services.ids import uuid7
from services.testing import PETITION, RunningSystem, unique

URL = "/intake/v1/hall"


async def new_petitioner(system: RunningSystem, *, account_sub: str | None = None, needs: tuple = ()) -> Petitioner:
    runtime = system.runtime("intake")
    crypto = PetitionerCrypto.from_settings(runtime.settings)
    now = datetime.now(UTC)
    petitioner = Petitioner(
        id=uuid7(), account_sub=account_sub, name="赵大勇", address=None, special_needs=list(needs),
        email_cipher=None, created_at=now, updated_at=now,
    )  # fmt: skip
    for column, value in crypto.phone_columns(petitioner.id, "13912345678").items():
        setattr(petitioner, column, value)
    async with runtime.session_factory() as session, session.begin():
        session.add(petitioner)
    return petitioner


async def counts(system: RunningSystem) -> tuple[int, ...]:
    async with system.runtime("intake").session_factory() as session:
        tables = (QueueTicket.__table__, HallCounter.__table__, outbox, idempotency_keys)
        return tuple([await session.scalar(select(func.count()).select_from(t)) for t in tables])


@pytest.fixture
async def unchanged(system: RunningSystem) -> AsyncIterator[None]:
    before = await counts(system)
    yield
    assert await counts(system) == before


async def check_in(system: RunningSystem, body: dict, **headers) -> dict:
    response = await system.clients["intake"].post(
        f"{URL}/tickets", json=body, headers=system.token("reception", sub="clerk-1") | headers
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_check_in_places_visitors_by_their_needs(system: RunningSystem) -> None:
    general = await check_in(system, {"name": "王建国"})
    elderly = await check_in(system, {"name": "李秀英", "special_needs": ["elderly"]})
    distressed = await check_in(system, {"name": "欧阳明华", "special_needs": ["elderly", "emotional_distress"]})
    assert (general["room"], general["room_name"], general["priority"]) == ("general", "综合接待区", False)
    assert (elderly["room"], elderly["room_name"], elderly["priority"]) == ("elderly", "老年人专区", True)
    assert (distressed["room_name"], distressed["priority_reason"]) == ("情绪疏导室", "emotional_distress")
    assert general["number"][0] == "A" and elderly["number"][0] == "B" and distressed["number"][0] == "E"
    assert (general["name_masked"], distressed["name_masked"]) == ("王**", "欧阳**")
    assert general["status"] == "waiting"


async def test_needs_recorded_on_the_petitioner_count(system: RunningSystem) -> None:
    petitioner = await new_petitioner(system, needs=("disabled",))
    ticket = await check_in(system, {"name": "赵大勇", "petitioner_id": str(petitioner.id)})
    assert (ticket["room_name"], ticket["petitioner_id"]) == ("无障碍接待室", str(petitioner.id))


async def test_numbers_are_unique_per_day_and_room_under_concurrency(system: RunningSystem) -> None:
    tickets = await asyncio.gather(*[check_in(system, {"name": "孙", "special_needs": ["minor"]}) for _ in range(15)])
    numbers = [t["number"] for t in tickets]
    assert len(set(numbers)) == 15 and all(n.startswith("D") for n in numbers)
    sequences = sorted(int(n[1:]) for n in numbers)
    assert sequences == list(range(sequences[0], sequences[0] + 15))


async def test_board_shows_priority_first_with_masked_names(system: RunningSystem) -> None:
    first = await check_in(system, {"name": "钱一"})
    second = await check_in(system, {"name": "钱二", "special_needs": ["elderly"]})
    response = await system.clients["intake"].get(f"{URL}/board", headers=system.token("reception"))
    assert response.status_code == 200
    rooms = {room["room"]: room for room in response.json()["rooms"]}
    assert [r["room_name"] for r in response.json()["rooms"]] == [
        "综合接待区", "老年人专区", "无障碍接待室", "未成年人接待室", "情绪疏导室"
    ]  # fmt: skip
    general = [t["number"] for t in rooms["general"]["tickets"]]
    assert first["number"] in general and rooms["general"]["waiting"] >= 1
    elderly = rooms["elderly"]["tickets"]
    assert second["number"] in [t["number"] for t in elderly] and all(t["priority"] for t in elderly)
    shown = next(t for t in elderly if t["number"] == second["number"])
    assert (shown["name_masked"], shown["waiting_minutes"], shown["status"]) == ("钱*", 0, "waiting")
    assert "钱二" not in response.text


async def test_board_of_another_jurisdiction_is_empty(system: RunningSystem) -> None:
    await check_in(system, {"name": "周三"})
    response = await system.clients["intake"].get(
        f"{URL}/board", headers=system.token("reception", jurisdiction="110105")
    )
    assert response.status_code == 200
    assert all(room["tickets"] == [] for room in response.json()["rooms"])


async def test_call_and_complete_with_a_petition(system: RunningSystem) -> None:
    clerk = system.token("reception", sub="clerk-7")
    ticket = await check_in(system, {"name": "吴四"})
    client = system.clients["intake"]
    called = await client.post(f"{URL}/tickets/{ticket['id']}/call", headers=clerk)
    assert called.status_code == 200, called.text
    assert (called.json()["status"], called.json()["staff_id"]) == ("called", "clerk-7")
    assert called.json()["wait_seconds"] >= 0
    again = await client.post(f"{URL}/tickets/{ticket['id']}/call", headers=clerk)
    assert (again.status_code, again.json()["code"]) == (409, "ticket_transition_refused")
    petition = (await client.post("/intake/v1/petitions", json=PETITION, headers=clerk)).json()
    done = await client.post(
        f"{URL}/tickets/{ticket['id']}/complete", json={"petition_id": petition["id"]}, headers=clerk
    )
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["petition_id"]) == ("completed", petition["id"])
    assert done.json()["petitioner_id"] is not None
    late = await client.post(f"{URL}/tickets/{ticket['id']}/no-show", headers=clerk)
    assert late.status_code == 409


async def test_complete_before_call_is_refused(system: RunningSystem) -> None:
    ticket = await check_in(system, {"name": "郑五"})
    response = await system.clients["intake"].post(
        f"{URL}/tickets/{ticket['id']}/complete", json={}, headers=system.token("reception")
    )
    assert (response.status_code, response.json()["code"]) == (409, "ticket_transition_refused")


async def test_no_show_from_waiting(system: RunningSystem) -> None:
    ticket = await check_in(system, {"name": "冯六"})
    response = await system.clients["intake"].post(
        f"{URL}/tickets/{ticket['id']}/no-show", headers=system.token("reception")
    )
    assert (response.status_code, response.json()["status"]) == (200, "no_show")


async def test_concurrent_calls_of_one_ticket_only_one_wins(system: RunningSystem) -> None:
    ticket = await check_in(system, {"name": "陈七"})
    responses = await asyncio.gather(
        *[
            system.clients["intake"].post(
                f"{URL}/tickets/{ticket['id']}/call", headers=system.token("reception", sub=f"c{i}")
            )
            for i in range(5)
        ]
    )
    assert sorted(r.status_code for r in responses) == [200, 409, 409, 409, 409]


async def test_unknown_petition_link_is_422_and_changes_nothing(system: RunningSystem) -> None:
    ticket = await check_in(system, {"name": "褚八"})
    client = system.clients["intake"]
    await client.post(f"{URL}/tickets/{ticket['id']}/call", headers=system.token("reception"))
    response = await client.post(
        f"{URL}/tickets/{ticket['id']}/complete",
        json={"petition_id": str(uuid.uuid4())},
        headers=system.token("reception"),
    )
    assert response.status_code == 422
    assert [(e["pointer"], e["code"]) for e in response.json()["errors"]] == [("/petition_id", "petition_unknown")]
    after = await client.get(f"{URL}/tickets/{ticket['id']}", headers=system.token("reception"))
    assert after.json()["status"] == "called"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"special_needs": ["elderly"]}, [("/name", "missing")]),
        ({"name": "", "party_size": 0}, [("/name", "string_too_short"), ("/party_size", "greater_than_equal")]),
        ({"name": "王", "special_needs": ["vip"]}, [("/special_needs/0", "literal_error")]),
        ({"name": "王", "petitioner_id": str(uuid.UUID(int=1))}, [("/petitioner_id", "petitioner_unknown")]),
        ({"name": "王", "appointment_id": str(uuid.UUID(int=1))}, [("/appointment_id", "appointment_unknown")]),
        ({"name": "王\u0000"}, [("/name", "invalid_character")]),
    ],
)
async def test_bad_check_in_is_422_with_pointers(system: RunningSystem, unchanged: None, body: dict, expected) -> None:
    response = await system.clients["intake"].post(f"{URL}/tickets", json=body, headers=system.token("reception"))
    assert response.status_code == 422, response.text
    assert sorted((e["pointer"], e["code"]) for e in response.json()["errors"]) == expected


@pytest.mark.parametrize("role", ["petitioner", "grid_worker", "handler"])
async def test_check_in_needs_reception_staff(system: RunningSystem, unchanged: None, role: str) -> None:
    response = await system.clients["intake"].post(f"{URL}/tickets", json={"name": "王"}, headers=system.token(role))
    assert response.status_code == 403


async def test_ticket_of_another_jurisdiction_is_404(system: RunningSystem) -> None:
    ticket = await check_in(system, {"name": "卫九"})
    outsider = system.token("reception", jurisdiction="110105")
    for method, path in (("get", ""), ("post", "/call"), ("post", "/no-show")):
        response = await system.clients["intake"].request(
            method, f"{URL}/tickets/{ticket['id']}{path}", headers=outsider
        )
        assert (response.status_code, response.json()["code"]) == (404, "ticket_not_found")


async def test_idempotent_check_in_replays(system: RunningSystem) -> None:
    key = {"Idempotency-Key": unique("checkin-")}
    first = await check_in(system, {"name": "蒋十"}, **key)
    before = await counts(system)
    second = await system.clients["intake"].post(
        f"{URL}/tickets", json={"name": "蒋十"}, headers=system.token("reception", sub="clerk-1") | key
    )
    assert (second.status_code, second.json()["number"]) == (201, first["number"])
    assert await counts(system) == before


async def test_staff_without_a_jurisdiction_see_an_empty_board(system: RunningSystem) -> None:
    await check_in(system, {"name": "沈十一"})
    response = await system.clients["intake"].get(f"{URL}/board", headers=system.token("reception", jurisdiction=None))
    assert response.status_code == 200
    assert all(room["tickets"] == [] for room in response.json()["rooms"])


async def test_completing_with_another_persons_petition_is_422(system: RunningSystem) -> None:
    petitioner = await new_petitioner(system)
    ticket = await check_in(system, {"name": "韩十二", "petitioner_id": str(petitioner.id)})
    client, clerk = system.clients["intake"], system.token("reception")
    await client.post(f"{URL}/tickets/{ticket['id']}/call", headers=clerk)
    petition = (await client.post("/intake/v1/petitions", json=PETITION, headers=clerk)).json()
    response = await client.post(
        f"{URL}/tickets/{ticket['id']}/complete", json={"petition_id": petition["id"]}, headers=clerk
    )
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json()["errors"]] == ["/petition_id"]
    assert (await client.get(f"{URL}/tickets/{ticket['id']}", headers=clerk)).json()["status"] == "called"
