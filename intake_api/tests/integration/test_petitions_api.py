"""intake_api's HTTP edge on both backends: validation, limits, authentication, and who may read a petition.

The ``system`` fixture is shared by the whole session, so "nothing changed" compares row counts before and
after a refused request instead of expecting absolute numbers.
"""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from intake_api.petitions.models import Petition, TrackingCounter
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
        ("/petitioner/phone", "phone_invalid"),
        ("/unexpected", "extra_forbidden"),
    ]
    assert all(e.get("parameter") is None for e in problem["errors"])


async def test_missing_nested_fields(system: RunningSystem, unchanged: None) -> None:
    body = {k: v for k, v in PETITION.items() if k != "content"} | {"petitioner": {"phone": "13812345678"}}
    response = await system.clients["intake"].post(URL, json=body, headers=system.token("reception"))
    assert response.status_code == 422
    assert pointers(response) == [("/content", "missing"), ("/petitioner/name", "missing")]


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


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None]
)
async def test_body_that_is_not_json_by_content_type(
    system: RunningSystem, unchanged: None, content_type: str | None
) -> None:
    headers = system.token("reception") | ({"Content-Type": content_type} if content_type else {})
    response = await system.clients["intake"].post(URL, content=json.dumps(PETITION).encode(), headers=headers)
    assert response.status_code == 415, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert (response.json()["code"], response.json()["title"]) == ("unsupported_media_type", "不支持的内容类型")
    assert response.json()["detail"] == f"请求体应为 application/json，收到：{content_type or '未声明'}"


@pytest.mark.parametrize(
    "body",
    [
        b'{"channel": "\xff\xfe"}',  # not UTF-8
        b"[" * 100_000 + b"]" * 100_000,  # nested deeper than the parser's recursion limit
        b'{"channel": ' + b"9" * 5000 + b"}",  # an integer over Python's digit limit
    ],
    ids=["not-utf8", "deeply-nested", "huge-integer"],
)
async def test_body_that_cannot_be_parsed(system: RunningSystem, unchanged: None, body: bytes) -> None:
    headers = {**system.token("reception"), "Content-Type": "application/json"}
    response = await system.clients["intake"].post(URL, content=body, headers=headers)
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


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("2025-03-04T08:00:00", "timezone_aware"),  # no offset: was a 500 (naive vs aware comparison)
        ("2025-03-04", "timezone_aware"),
        ("0001-01-01T00:00:00+14:00", "datetime_out_of_range"),  # before year 1 in UTC: was a 500 (overflow)
        (0, "datetime_type"),  # a number was taken as Unix time (a petition received in 1970)
    ],
)
async def test_received_at_that_cannot_be_stored(
    system: RunningSystem, unchanged: None, value: str | int, code: str
) -> None:
    response = await system.clients["intake"].post(
        URL, json={**PETITION, "received_at": value}, headers=system.token("reception")
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "validation_failed"
    assert pointers(response) == [("/received_at", code)]


async def test_nul_in_text_is_refused_on_every_backend(system: RunningSystem, unchanged: None) -> None:
    """PostgreSQL cannot store NUL in text: it was a 500 there (and stored on SQLite); now a 422 on both."""
    body = {
        **PETITION,
        "petitioner": {"name": "张\x00三", "phone": "13812345678"},
        "content": PETITION["content"] + "\x00",
        "address": "柳岸路\x00 18 号",
    }
    response = await system.clients["intake"].post(URL, json=body, headers=system.token("reception"))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "validation_failed"
    assert pointers(response) == [
        ("/address", "invalid_character"),
        ("/content", "invalid_character"),
        ("/petitioner/name", "invalid_character"),
    ]


async def test_received_before_the_year_1000_is_kept(system: RunningSystem) -> None:
    """Any RFC 3339 year is valid input; the PostgreSQL tracking sequence is named with the year (padded to 4
    digits since a 3-digit year made an invalid name: a 500)."""
    received = datetime(183, 5, 29, 9, 36, tzinfo=UTC)
    created = await register(system, system.token("reception"), {**PETITION, "received_at": received.isoformat()})
    assert created["tracking_no"].startswith("183-320599-")


async def test_no_token(system: RunningSystem, unchanged: None) -> None:
    response = await system.clients["intake"].post(URL, json=PETITION)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["code"] == "unauthorized"


async def test_invalid_token(system: RunningSystem, unchanged: None) -> None:
    response = await system.clients["intake"].post(URL, json=PETITION, headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("sub", ["s" * 129, "reception\x00"])
async def test_token_subject_that_cannot_be_stored(system: RunningSystem, unchanged: None, sub: str) -> None:
    """The subject is stored as registered_by (varchar(128)): too long or with NUL was a 500 on PostgreSQL."""
    response = await system.clients["intake"].post(URL, json=PETITION, headers=system.token("reception", sub=sub))
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "unauthorized"


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


async def test_concurrent_retries_with_one_key_register_once(system: RunningSystem) -> None:
    """Retries sent before the first answer all miss the stored key; the key's primary key then failed every one
    but the first with a 500. Now they roll back and replay the first response."""
    before = await counts(system)
    headers = {**system.token("reception"), "Idempotency-Key": unique("concurrent-")}
    responses = await asyncio.gather(
        *(system.clients["intake"].post(URL, json=PETITION, headers=headers) for _ in range(6))
    )
    assert [r.status_code for r in responses] == [201] * 6, [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    assert len({r.json()["query_code"] for r in responses}) == 1
    assert await counts(system) == (before[0] + 1, before[1] + 1, before[2] + 1)


async def test_registration_answers_number_and_code(system: RunningSystem) -> None:
    before = await counts(system)
    created = await register(system, system.token("reception"))
    assert set(created) == {
        "id", "tracking_no", "query_code", "status", "outcome", "notice", "reason", "repeat_of",
        "related_tracking_no", "skip_level", "first_time", "guide",
    }  # fmt: skip
    assert (created["status"], created["outcome"], created["skip_level"]) == ("registered", "accepted", False)
    assert created["tracking_no"] in created["notice"]
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


async def test_petitioner_sees_only_their_own(system: RunningSystem, new_id_number) -> None:  # noqa: ANN001
    owner, stranger = unique("petitioner-"), unique("petitioner-")
    owner_token = system.token("petitioner", sub=owner, jurisdiction=None)
    body = {**PETITION, "channel": "online", "petitioner": {**PETITION["petitioner"], "id_number": new_id_number()}}
    created = await register(system, owner_token, body)

    own = await system.clients["intake"].get(f"{URL}/{created['id']}", headers=owner_token)
    assert own.status_code == 200
    assert (own.json()["id"], own.json()["tracking_no"], own.json()["petitioner"]["phone"]) == (
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


async def test_tracking_numbers_continue_from_a_counter_row_of_the_earlier_scheme(system: RunningSystem) -> None:
    """A database numbered by counter rows before PostgreSQL sequences came in keeps counting from them."""
    async with system.runtime("intake").session_factory() as session, session.begin():
        session.add(TrackingCounter(year=2011, district_code="320599", last=41))
    body = {**PETITION, "received_at": "2011-05-04T09:00:00+08:00"}
    first = await system.clients["intake"].post("/intake/v1/petitions", json=body, headers=system.token("reception"))
    second = await system.clients["intake"].post("/intake/v1/petitions", json=body, headers=system.token("reception"))
    assert [first.json()["tracking_no"], second.json()["tracking_no"]] == ["2011-320599-000042", "2011-320599-000043"]
