"""services.http.pagination: opaque cursors and pages built from ``limit + 1`` rows."""

import base64
import uuid
from dataclasses import dataclass

import pytest

from services.http.pagination import InvalidCursor, cursor_uuid, decode_cursor, encode_cursor, page_of


@dataclass
class Row:
    id: uuid.UUID
    code: str


def rows(n: int) -> list[Row]:
    return [Row(id=uuid.UUID(int=i + 1), code=f"c{i:02d}") for i in range(n)]


def raw_cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def test_encode_then_decode_roundtrip() -> None:
    position = {"id": "0190a1b2-0000-7000-8000-000000000001", "n": 3, "s": "柳岸"}
    cursor = encode_cursor(position)
    assert "=" not in cursor and "+" not in cursor and "/" not in cursor
    assert decode_cursor(cursor) == position


def test_encode_is_compact_json_in_unpadded_urlsafe_base64() -> None:
    assert encode_cursor({"code": "x"}) == raw_cursor('{"code":"x"}')


def test_decode_none_is_the_first_page() -> None:
    assert decode_cursor(None) is None
    assert cursor_uuid(None) is None


@pytest.mark.parametrize(
    "cursor",
    [
        "!!!",  # not base64 at all: decodes to nothing
        "a",  # impossible base64 length
        raw_cursor("not json"),
        raw_cursor('["id"]'),  # JSON, but not an object
        raw_cursor("42"),
        base64.urlsafe_b64encode(b'{"id":"\xff"}').decode(),  # not UTF-8
        raw_cursor('{"code":"\\u0000"}'),  # NUL: PostgreSQL refuses it in text compared in SQL
        raw_cursor('{"code":"32\\u0000"}'),
        raw_cursor('{"code":"\\ud800"}'),  # lone surrogate: not encodable for any database driver
        raw_cursor('{"\\u0000":"x"}'),
        raw_cursor('{"code":["\\u0000"]}'),
    ],
)
def test_invalid_cursor_names_the_cursor_parameter(cursor: str) -> None:
    with pytest.raises(InvalidCursor) as caught:
        decode_cursor(cursor)
    error = caught.value
    assert (error.status, error.code) == (400, "invalid_cursor")
    assert [(e.parameter, e.pointer, e.code) for e in error.errors] == [("cursor", None, "invalid_cursor")]


def test_page_with_limit_plus_one_rows_has_next_at_the_last_item() -> None:
    fetched = rows(3)
    page = page_of(fetched, limit=2)
    assert page.items == fetched[:2]
    assert page.next == encode_cursor({"id": str(fetched[1].id)})
    assert cursor_uuid(page.next) == fetched[1].id


@pytest.mark.parametrize("count", [0, 1, 2])
def test_page_with_at_most_limit_rows_has_no_next(count: int) -> None:
    fetched = rows(count)
    page = page_of(fetched, limit=2)
    assert page.items == fetched
    assert page.next is None


def test_page_of_dicts_with_another_key() -> None:
    fetched = [{"code": "a"}, {"code": "b"}, {"code": "c"}]
    page = page_of(fetched, limit=1, key="code")
    assert page.items == [{"code": "a"}]
    assert decode_cursor(page.next) == {"code": "a"}


def test_cursor_uuid_reads_another_key() -> None:
    value = uuid.UUID("0190a1b2-0000-7000-8000-000000000009")
    assert cursor_uuid(encode_cursor({"after": str(value)}), key="after") == value


@pytest.mark.parametrize("position", [{"id": "not-a-uuid"}, {"other": "x"}, {"id": 12}])
def test_cursor_uuid_without_a_uuid_is_invalid(position: dict) -> None:
    with pytest.raises(InvalidCursor) as caught:
        cursor_uuid(encode_cursor(position))
    assert [(e.parameter, e.code) for e in caught.value.errors] == [("cursor", "invalid_cursor")]
