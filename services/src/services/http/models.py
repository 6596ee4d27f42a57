"""``RequestModel``: the base of every request body, refusing what no service's storage can hold.

Checked once here, for every field of every subclass (nested values included), so that a client's mistake is
a 422 that names the field instead of a database error (500) on one backend only:

- text with NUL (``\\u0000``): PostgreSQL refuses it in ``text``/``varchar``/``jsonb`` (SQLite takes it);
- a date-time without an offset (naive) or one that does not exist in UTC (``0001-01-01T00:00:00+14:00``):
  every timestamp is stored as UTC; and one given as a number (pydantic's Unix time), which the documents
  (``format: date-time``) do not allow.

Lone surrogates (``"\\ud800"``) need nothing here: pydantic already refuses them in ``str`` (``string_unicode``).
The NUL rule is also written into the JSON Schema (``pattern``) of every free-text field, so the OpenAPI
documents tell it and schema-driven clients and fuzzers do not send it.
"""

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, GetJsonSchemaHandler, ValidatorFunctionWrapHandler, field_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

NO_NUL_PATTERN = "^[^\\u0000]*$"


def is_storable_text(value: str) -> bool:
    """Whether every backend can store ``value``: no NUL, and encodable as UTF-8 (no lone surrogate)."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check(value: Any) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise PydanticCustomError("invalid_character", "Text must not contain the NUL character (\\u0000)")
    elif isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise PydanticCustomError("timezone_aware", "Input should have timezone info")
        try:
            value.astimezone(UTC)
        except OverflowError as exc:
            raise PydanticCustomError("datetime_out_of_range", "Date-time is out of range in UTC") from exc
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _check(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check(key)
            _check(item)


def _document_no_nul(schema: JsonSchemaValue) -> None:
    """Add the NUL rule to free-text string schemas (those with no pattern, format or fixed values of their own)."""
    if schema.get("type") == "string" and not ({"pattern", "format", "enum", "const"} & schema.keys()):
        schema["pattern"] = NO_NUL_PATTERN
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, ()):
            _document_no_nul(option)
    if isinstance(schema.get("items"), dict):
        _document_no_nul(schema["items"])


class RequestModel(BaseModel):
    """Base of request bodies; subclasses keep their own ``model_config`` (extra, whitespace)."""

    @field_validator("*", mode="wrap")
    @classmethod
    def _storable(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        result = handler(value)
        if isinstance(result, datetime) and not isinstance(value, str | datetime):
            # pydantic would take a number as Unix time; the documents say an RFC 3339 string (format: date-time)
            raise PydanticCustomError("datetime_type", "Input should be an RFC 3339 date-time string")
        _check(result)
        return result

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        resolved = handler.resolve_ref_schema(json_schema)
        for field_schema in resolved.get("properties", {}).values():
            _document_no_nul(field_schema)
        return json_schema
