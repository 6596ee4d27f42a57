"""Reception sessions and appointments on both backends: booking by the petitioner or on their behalf, never
beyond capacity (also 20 concurrent bookings for 5 seats), cancellation, the events, and refusals that change
nothing."""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from intake_api.petitioners.crypto import PetitionerCrypto
from intake_api.petitioners.models import Petitioner
from intake_api.reception.appointments.models import Appointment, ReceptionSession
from services import pii
from services.db.tables import idempotency_keys, outbox
from services.ids import uuid7
from services.testing import RunningSystem

URL = "/intake/v1/appointments"
PHONE = "13955550123"


async def new_petitioner(system: RunningSystem, *, account_sub: str | None = None) -> Petitioner:
    runtime = system.runtime("intake")
    crypto = PetitionerCrypto.from_settings(runtime.settings)
    now = datetime.now(UTC)
    petitioner = Petitioner(
        id=uuid7(), account_sub=account_sub, name="赵大勇", address=None, special_needs=[], email_cipher=None,
        created_at=now, updated_at=now,
    )  # fmt: skip
    for column, value in crypto.phone_columns(petitioner.id, PHONE).items():
        setattr(petitioner, column, value)
    async with runtime.session_factory() as session, session.begin():
        session.add(petitioner)
    return petitioner


async def counts(system: RunningSystem) -> tuple[int, ...]:
    async with system.runtime("intake").session_factory() as session:
        tables = (ReceptionSession.__table__, Appointment.__table__, outbox, idempotency_keys)
        return tuple([await session.scalar(select(func.count()).select_from(t)) for t in tables])


async def booked_seats(system: RunningSystem, session_id: str) -> int:
    async with system.runtime("intake").session_factory() as session:
        return await session.scalar(select(ReceptionSession.booked).where(ReceptionSession.id == uuid.UUID(session_id)))


@pytest.fixture
async def unchanged(system: RunningSystem) -> AsyncIterator[None]:
    before = await counts(system)
    yield
    assert await counts(system) == before


def session_body(*, capacity: int = 5, days: int = 3) -> dict:
    starts = datetime.now(UTC) + timedelta(days=days)
    return {
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "host_kind": "leader",
        "host": "清河区人民政府 王副区长",
        "place": "清河区信访局接待大厅 2 号接待室",
        "capacity": capacity,
    }


async def new_session(system: RunningSystem, **kwargs) -> dict:
    response = await system.clients["intake"].post(
        f"{URL}/sessions", json=session_body(**kwargs), headers=system.token("reception")
    )
    assert response.status_code == 201, response.text
    return response.json()


async def book(system: RunningSystem, session_id: str, petitioner: Petitioner):
    body = {"session_id": session_id, "petitioner_id": str(petitioner.id), "matter": "屋顶漏水维修"}
    return await system.clients["intake"].post(URL, json=body, headers=system.token("reception"))


async def outbox_events(system: RunningSystem, event_type: str, subject: str) -> list[dict]:
    from services.db.tables import outbox as table

    async with system.runtime("intake").session_factory() as session:
        rows = await session.scalars(
            select(table.c.payload).where(table.c.event_type == event_type, table.c.aggregate_id == subject)
        )
        return [json.loads(row) for row in rows]


async def test_sessions_are_listed_with_seats(system: RunningSystem) -> None:
    created = await new_session(system, capacity=3)
    assert (created["booked"], created["capacity"], created["host_kind"]) == (0, 3, "leader")
    client = system.clients["intake"]
    listed = await client.get(f"{URL}/sessions", params={"limit": 100}, headers=system.token("petitioner", sub="p-x"))
    assert listed.status_code == 200
    assert created["id"] in [s["id"] for s in listed.json()["items"]]
    one = await client.get(f"{URL}/sessions/{created['id']}", headers=system.token("petitioner", sub="p-x"))
    assert one.json()["place"] == "清河区信访局接待大厅 2 号接待室"


async def test_petitioner_books_their_own_and_the_event_carries_sealed_contact(system: RunningSystem) -> None:
    sub = f"portal-{uuid.uuid4().hex[:8]}"
    petitioner = await new_petitioner(system, account_sub=sub)
    slot = await new_session(system)
    response = await system.clients["intake"].post(
        URL, json={"session_id": slot["id"], "matter": "屋顶漏水维修"}, headers=system.token("petitioner", sub=sub)
    )
    assert response.status_code == 201, response.text
    appointment = response.json()
    assert (appointment["petitioner_id"], appointment["status"]) == (str(petitioner.id), "booked")
    assert await booked_seats(system, slot["id"]) == 1
    [event] = await outbox_events(system, "xinfang.appointment.booked.v1", appointment["id"])
    data = event["data"]
    assert (data["session_id"], data["petitioner_ref"], data["place"]) == (
        slot["id"],
        str(petitioner.id),
        slot["place"],
    )
    assert datetime.fromisoformat(data["starts_at"]) == datetime.fromisoformat(slot["starts_at"])
    assert PHONE not in json.dumps(event, ensure_ascii=False)
    key = system.settings["intake"].contact_key
    contact = pii.unseal(data["contact_sealed"], key=key, bind=f"contact:{petitioner.id}")
    assert contact["phone"] == PHONE


async def test_another_petitioners_appointment_is_404(system: RunningSystem) -> None:
    petitioner = await new_petitioner(system, account_sub="portal-owner")
    slot = await new_session(system)
    appointment = (await book(system, slot["id"], petitioner)).json()
    client = system.clients["intake"]
    own = await client.get(f"{URL}/{appointment['id']}", headers=system.token("petitioner", sub="portal-owner"))
    assert own.status_code == 200
    other = system.token("petitioner", sub="portal-someone-else")
    assert (await client.get(f"{URL}/{appointment['id']}", headers=other)).status_code == 404
    assert (await client.post(f"{URL}/{appointment['id']}/cancel", json={}, headers=other)).status_code == 404
    assert await booked_seats(system, slot["id"]) == 1


async def test_twenty_concurrent_bookings_fill_exactly_five_seats(system: RunningSystem) -> None:
    slot = await new_session(system, capacity=5)
    petitioners = [await new_petitioner(system) for _ in range(20)]
    before = await counts(system)
    responses = await asyncio.gather(*[book(system, slot["id"], p) for p in petitioners])
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] * 5 + [409] * 15, [r.text for r in responses if r.status_code not in (201, 409)]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"session_full"}
    assert await booked_seats(system, slot["id"]) == 5
    after = await counts(system)
    assert (after[1] - before[1], after[2] - before[2]) == (5, 5)  # five appointments, five events


async def test_full_session_is_409_and_a_cancellation_frees_the_seat(system: RunningSystem) -> None:
    slot = await new_session(system, capacity=1)
    first, second = await new_petitioner(system), await new_petitioner(system)
    booked = await book(system, slot["id"], first)
    before = await counts(system)
    full = await book(system, slot["id"], second)
    assert (full.status_code, full.json()["code"]) == (409, "session_full")
    assert await counts(system) == before
    client = system.clients["intake"]
    cancelled = await client.post(
        f"{URL}/{booked.json()['id']}/cancel", json={"reason": "临时有事"}, headers=system.token("reception")
    )
    assert cancelled.status_code == 200, cancelled.text
    assert (cancelled.json()["status"], cancelled.json()["cancelled_by"]) == ("cancelled", "staff")
    [event] = await outbox_events(system, "xinfang.appointment.cancelled.v1", booked.json()["id"])
    assert (event["data"]["reason"], event["data"]["cancelled_by"]) == ("临时有事", "staff")
    again = await client.post(f"{URL}/{booked.json()['id']}/cancel", json={}, headers=system.token("reception"))
    assert (again.status_code, again.json()["code"]) == (409, "appointment_not_cancellable")
    assert (await book(system, slot["id"], second)).status_code == 201
    assert await booked_seats(system, slot["id"]) == 1


async def test_booking_twice_is_409(system: RunningSystem) -> None:
    slot = await new_session(system, capacity=3)
    petitioner = await new_petitioner(system)
    assert (await book(system, slot["id"], petitioner)).status_code == 201
    again = await book(system, slot["id"], petitioner)
    assert (again.status_code, again.json()["code"]) == (409, "already_booked")
    assert await booked_seats(system, slot["id"]) == 1


async def test_booking_a_started_session_is_409(system: RunningSystem) -> None:
    slot = await new_session(system)
    async with system.runtime("intake").session_factory() as session, session.begin():
        row = await session.get(ReceptionSession, uuid.UUID(slot["id"]))
        row.starts_at = datetime.now(UTC) - timedelta(minutes=1)
    petitioner = await new_petitioner(system)
    response = await book(system, slot["id"], petitioner)
    assert (response.status_code, response.json()["code"]) == (409, "session_started")


async def test_petitioner_without_a_record_cannot_book(system: RunningSystem, unchanged: None) -> None:
    response = await system.clients["intake"].post(
        URL,
        json={"session_id": str(uuid.uuid4()), "matter": "屋顶漏水"},
        headers=system.token("petitioner", sub="nobody"),
    )
    assert (response.status_code, response.json()["code"]) == (422, "petitioner_account_unknown")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"matter": "屋顶漏水"}, [("/session_id", "missing")]),
        ({"session_id": "x", "matter": "屋"}, [("/matter", "string_too_short"), ("/session_id", "uuid_parsing")]),
        ({"session_id": str(uuid.UUID(int=3)), "matter": "屋顶漏水"}, [("/petitioner_id", "missing")]),
        (
            {"session_id": str(uuid.UUID(int=3)), "petitioner_id": str(uuid.UUID(int=4)), "matter": "屋顶漏水"},
            [("/petitioner_id", "petitioner_unknown")],
        ),
    ],
)
async def test_bad_booking_is_422_with_pointers(system: RunningSystem, unchanged: None, body: dict, expected) -> None:
    response = await system.clients["intake"].post(URL, json=body, headers=system.token("reception"))
    assert response.status_code == 422, response.text
    assert sorted((e["pointer"], e["code"]) for e in response.json()["errors"]) == expected


async def test_unknown_session_is_422(system: RunningSystem, unchanged: None) -> None:
    petitioner = await new_petitioner(system)
    before = await counts(system)
    response = await book(system, str(uuid.uuid4()), petitioner)
    assert response.status_code == 422
    assert [(e["pointer"], e["code"]) for e in response.json()["errors"]] == [("/session_id", "session_unknown")]
    assert await counts(system) == before


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"starts_at": "2020-01-01T09:00:00+08:00", "ends_at": "2020-01-01T10:00:00+08:00"},
            [("/starts_at", "in_the_past")],
        ),
        ({"capacity": 0}, [("/capacity", "greater_than_equal")]),
        ({"host_kind": "mayor"}, [("/host_kind", "literal_error")]),
        ({"starts_at": "2030-01-01T09:00:00"}, [("/starts_at", "timezone_aware")]),
    ],
)
async def test_bad_session_is_422(system: RunningSystem, unchanged: None, changes: dict, expected) -> None:
    body = session_body() | changes
    response = await system.clients["intake"].post(f"{URL}/sessions", json=body, headers=system.token("reception"))
    assert response.status_code == 422, response.text
    assert sorted((e["pointer"], e["code"]) for e in response.json()["errors"]) == expected


async def test_session_ending_before_it_starts_is_422(system: RunningSystem, unchanged: None) -> None:
    body = session_body()
    body["ends_at"] = body["starts_at"]
    response = await system.clients["intake"].post(f"{URL}/sessions", json=body, headers=system.token("reception"))
    assert [(e["pointer"], e["code"]) for e in response.json()["errors"]] == [("/ends_at", "before_start")]


async def test_petitioners_cannot_create_sessions(system: RunningSystem, unchanged: None) -> None:
    response = await system.clients["intake"].post(
        f"{URL}/sessions", json=session_body(), headers=system.token("petitioner")
    )
    assert response.status_code == 403
