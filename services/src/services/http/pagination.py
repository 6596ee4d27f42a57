"""Cursor pagination: ``limit`` (1–100), an opaque ``cursor``, and ``items`` + ``next`` in the response."""

import base64
import binascii
import json
from typing import Annotated, Any, Generic, TypeVar
from uuid import UUID

from fastapi import Query
from pydantic import BaseModel, Field

from services.http.errors import FieldError, ProblemError
from services.http.models import is_storable_text

T = TypeVar("T")
MAX_LIMIT = 100

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"每页条数，最多 {MAX_LIMIT}")]
Cursor = Annotated[str | None, Query(max_length=512, description="上一页响应中的 next，原样传回")]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next: str | None = Field(default=None, description="下一页游标；为空表示没有更多")


class InvalidCursor(ProblemError):
    status, code, title = 400, "invalid_cursor", "分页游标无效"


def encode_cursor(position: dict[str, Any]) -> str:
    raw = json.dumps(position, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidCursor(
            errors=[FieldError(parameter="cursor", code="invalid_cursor", detail="游标无法解析")]
        ) from exc
    if not isinstance(value, dict) or not _storable(value):
        raise InvalidCursor(errors=[FieldError(parameter="cursor", code="invalid_cursor", detail="游标无法解析")])
    return value


def _storable(value: Any) -> bool:
    """No NUL or lone surrogate anywhere: a position compared in SQL must be text every backend can take."""
    if isinstance(value, str):
        return is_storable_text(value)
    if isinstance(value, dict):
        return all(_storable(k) and _storable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_storable(v) for v in value)
    return True


def page_of(items: list[T], *, limit: int, key: str = "id") -> Page[T]:
    """Build a page from ``limit + 1`` fetched rows: the extra row only tells that a next page exists."""
    if len(items) <= limit:
        return Page(items=items, next=None)
    last = items[limit - 1]
    value = last[key] if isinstance(last, dict) else getattr(last, key)
    return Page(items=items[:limit], next=encode_cursor({key: str(value)}))


def cursor_uuid(cursor: str | None, key: str = "id") -> UUID | None:
    """The position of a cursor made by ``page_of`` over time-ordered UUID ids."""
    position = decode_cursor(cursor)
    if position is None:
        return None
    try:
        return UUID(str(position.get(key)))
    except ValueError as exc:
        raise InvalidCursor(
            errors=[FieldError(parameter="cursor", code="invalid_cursor", detail="游标无法解析")]
        ) from exc
