"""intake_api's HTTP edge on both backends: validation, limits, authentication, and who may read a petition.

The ``system`` fixture is shared by the whole session, so "nothing changed" compares row counts before and
after a refused request instead of expecting absolute numbers.
"""

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from intake_api.petitions.models import Petition
from services.db.tables import idempotency_keys, outbox
from services.testing import PETITION, RunningSystem, unique

URL = "/intake/v1/petitions"


async def counts(system: RunningSystem) -> tuple[int, int, int]:
    async with system.runtime("intake").session_factory() as session:
        return tuple(
            [
                await session.scalar(select(func.count()).select_from(table))
                for table in (Petition.__table__, outbox, idempotency_keys)
            ]
        )


@pytest.fixture
async def unchanged(system: RunningSystem) -> AsyncIterator[None]:
    """The test's requests are all refused: no petition, event or idempotency key may appear."""
    before = await counts(system)
    yield
    assert await counts(system) == before


def pointers(response) -> list[tuple[str | None, str]]:
    return sorted((e.get("pointer"), e["code"]) for e in response.json()["errors"])


def parameters(response) -> list[tuple[str | None, str]]:
    return sorted((e.get("parameter"), e["code"]) for e in response.json()["errors"])


async def register(system: RunningSystem, headers: dict[str, str], body: dict | None = None) -> dict:
    response = await system.clients["intake"].post(URL, json=body or PETITION, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


# -- registration refused -----------------------------------------------------------------------------------


async def test_invalid_fields_are_named_by_json_pointer(system: RunningSystem, unchanged: None) -> None:
    body = {
        **PETITION,
        "petitioner": {"name": "张三", "phone": "12345"},
        "content": "太短",
        "channel": "email",
        "unexpected": True,
    }
    response = await system.clients["intake"].post(URL, json=body, headers=system.token("reception"))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert (problem["code"], problem["status"], problem["instance"]) == ("validation_failed", 422, URL)
    assert pointers(response) == [
        ("/channel", "literal_error"),
        ("/content", "string_too_short"),
        ("/petitioner/phone", "string_pattern_mismatch"),
        ("/unexpected", "extra_forbidden"),
    ]
    assert all(e.get("parameter") is None for e in problem["errors"])


async def test_missing_nested_fields(system: RunningSystem, unchanged: None) -> None:
    body = {k: v for k, v in PETITION.items() if k != "address"} | {"petitioner": {"phone": "13812345678"}}
    response = await system.clients["intake"].post(URL, json=body, headers=system.token("reception"))
    assert response.status_code == 422
    assert pointers(response) == [("/address", "missing"), ("/petitioner/name", "missing")]


async def test_body_that_is_not_an_object(system: RunningSystem, unchanged: None) -> None:
    response = await system.clients["intake"].post(URL, json=["x"], headers=system.token("reception"))
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"
    assert [e["pointer"] for e in response.json()["errors"]] == [""]


async def test_malformed_json(system: RunningSystem, unchanged: None) -> None:
    response = await system.clients["intake"].post(
        URL,
        content=b'{"channel": "visit",',
        headers={**system.token("reception"), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert (response.json()["code"], response.json()["title"]) == ("malformed_json", "请求体不是有效的 JSON")


async def test_body_over_the_limit_by_content_length(system: RunningSystem, unchanged: None) -> None:
    limit = system.settings["intake"].max_body_bytes
    body = {**PETITION, "content": "长" * limit}
    response = await system.clients["intake"].post(URL, json=body, headers=system.token("reception"))
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert (problem["code"], problem["detail"], problem["instance"]) == (
        "payload_too_large",
        f"请求体不得超过 {limit} 字节",
        URL,
    )


async def test_body_over_the_limit_while_streaming(system: RunningSystem, unchanged: None) -> None:
    limit = system.settings["intake"].max_body_bytes

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"content": "'
        for _ in range(limit // 65536 + 2):
            yield b"x" * 65536
        yield b'"}'

    response = await system.clients["intake"].post(
        URL, content=chunks(), headers={**system.token("reception"), "Content-Type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert (problem["code"], problem["title"], problem["detail"], problem["instance"]) == (
        "payload_too_large",
        "请求体过大",
        f"请求体不得超过 {limit} 字节",
        URL,
    )


async def test_received_in_the_future(system: RunningSystem, unchanged: None) -> None:
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    response = await system.clients["intake"].post(
        URL, json={**PETITION, "received_at": tomorrow}, headers=system.token("reception")
    )
    assert response.status_code == 422
    assert response.json()["code"] == "received_in_future"
    assert pointers(response) == [("/received_at", "received_in_future")]


async def test_received_in_the_past_is_kept(system: RunningSystem) -> None:
    received = datetime(2025, 3, 4, 8, 0, tzinfo=UTC)
    created = await register(system, system.token("reception"), {**PETITION, "received_at": received.isoformat()})
    assert created["tracking_no"].startswith("2025-320599-")
    response = await system.clients["intake"].get(f"{URL}/{created['id']}", headers=system.token("admin"))
    assert datetime.fromisoformat(response.json()["received_at"]) == received


async def test_no_token(system: RunningSystem, unchanged: None) -> None:
    response = await system.clients["intake"].post(URL, json=PETITION)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["code"] == "unauthorized"


async def test_invalid_token(system: RunningSystem, unchanged: None) -> None:
    response = await system.clients["intake"].post(URL, json=PETITION, headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_role_that_may_not_register(system: RunningSystem, unchanged: None) -> None:
    response = await system.clients["intake"].post(URL, json=PETITION, headers=system.token("grid_worker"))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


@pytest.mark.parametrize(
    ("key", "code"),
    [
        ("short", "string_too_short"),
        ("k" * 129, "string_too_long"),
        ("has space-12345", "string_pattern_mismatch"),
        ("slash/not-allowed", "string_pattern_mismatch"),
    ],
)
async def test_idempotency_key_format(system: RunningSystem, unchanged: None, key: str, code: str) -> None:
    response = await system.clients["intake"].post(
        URL, json=PETITION, headers={**system.token("reception"), "Idempotency-Key": key}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"
    assert parameters(response) == [("Idempotency-Key", code)]


async def test_registration_answers_number_and_code(system: RunningSystem) -> None:
    before = await counts(system)
    created = await register(system, system.token("reception"))
    assert set(created) == {"id", "tracking_no", "query_code", "status"}
    assert created["status"] == "registered"
    assert uuid.UUID(created["id"]).version == 7
    year, district, sequence = created["tracking_no"].split("-")
    assert (len(year), district, len(sequence)) == (4, "320599", 6)
    assert len(created["query_code"]) == 8
    assert await counts(system) == (before[0] + 1, before[1] + 1, before[2])


async def test_registered_event_carries_the_request_correlation_id(system: RunningSystem) -> None:
    correlation = unique("corr-")
    created = await register(system, {**system.token("reception"), "X-Correlation-ID": correlation})
    async with system.runtime("intake").session_factory() as session:
        row = (await session.execute(select(outbox).where(outbox.c.aggregate_id == created["id"]))).one()
    assert (row.event_type, row.correlation_id) == ("xinfang.petition.registered.v1", correlation)
    assert json.loads(row.payload)["correlationid"] == correlation
    assert json.loads(row.payload)["data"]["phone_masked"] == "138****5678"
    assert "13812345678" not in row.payload


# -- reading a petition -------------------------------------------------------------------------------------


async def test_petitioner_sees_only_their_own(system: RunningSystem) -> None:
    owner, stranger = unique("petitioner-"), unique("petitioner-")
    owner_token = system.token("petitioner", sub=owner, jurisdiction=None)
    created = await register(system, owner_token)

    own = await system.clients["intake"].get(f"{URL}/{created['id']}", headers=owner_token)
    assert own.status_code == 200
    assert (own.json()["id"], own.json()["tracking_no"], own.json()["petitioner_phone"]) == (
        created["id"],
        created["tracking_no"],
        "138****5678",
    )
    assert own.json()["timeline"][0]["step"] == "registered"

    other = await system.clients["intake"].get(
        f"{URL}/{created['id']}", headers=system.token("petitioner", sub=stranger, jurisdiction=None)
    )
    assert other.status_code == 404
    assert other.json()["code"] == "petition_not_found"


async def test_staff_see_their_jurisdiction_only(system: RunningSystem) -> None:
    created = await register(system, system.token("reception"))  # community 320599001001
    path = f"{URL}/{created['id']}"

    other_street = await system.clients["intake"].get(path, headers=system.token("handler", jurisdiction="320599002"))
    assert other_street.status_code == 404
    assert other_street.json()["code"] == "petition_not_found"

    for jurisdiction in ("320599001", "320599001001", "320599"):
        response = await system.clients["intake"].get(path, headers=system.token("handler", jurisdiction=jurisdiction))
        assert response.status_code == 200, jurisdiction
        assert response.json()["community_code"] == "320599001001"

    no_scope = await system.clients["intake"].get(path, headers=system.token("handler", jurisdiction=None))
    assert no_scope.status_code == 404
    admin = await system.clients["intake"].get(path, headers=system.token("admin", jurisdiction=None))
    assert admin.status_code == 200


async def test_reading_requires_a_reader_role(system: RunningSystem) -> None:
    created = await register(system, system.token("reception"))
    response = await system.clients["intake"].get(f"{URL}/{created['id']}", headers=system.token("grid_worker"))
    assert response.status_code == 403
    assert (await system.clients["intake"].get(f"{URL}/{created['id']}")).status_code == 401


async def test_unknown_petition(system: RunningSystem) -> None:
    response = await system.clients["intake"].get(f"{URL}/{uuid.uuid4()}", headers=system.token("admin"))
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert (response.json()["code"], response.json()["title"]) == ("petition_not_found", "信访件不存在")


async def test_invalid_petition_id(system: RunningSystem) -> None:
    response = await system.clients["intake"].get(f"{URL}/not-a-uuid", headers=system.token("admin"))
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"
    assert parameters(response) == [("petition_id", "uuid_parsing")]
