"""services.http.models.RequestModel: text and date-times every backend can store, checked for every field."""

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from services.http.models import NO_NUL_PATTERN, RequestModel, is_storable_text


class Inner(RequestModel):
    name: str


class Body(RequestModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str = Field(min_length=1)
    code: str | None = Field(default=None, pattern=r"^\d{2}$")
    tags: list[str] = []
    extra: dict[str, str] = {}
    inner: Inner | None = None
    at: datetime | None = None
    count: int = 0


def errors(**data: object) -> list[tuple[tuple, str]]:
    with pytest.raises(ValidationError) as caught:
        Body.model_validate({"text": "ok", **data})
    return [(e["loc"], e["type"]) for e in caught.value.errors()]


@pytest.mark.parametrize(
    ("data", "loc"),
    [
        ({"text": "\x00"}, ("text",)),
        ({"text": "  a\x00b  "}, ("text",)),
        ({"tags": ["ok", "x\x00"]}, ("tags",)),
        ({"extra": {"k\x00": "v"}}, ("extra",)),
        ({"extra": {"k": "v\x00"}}, ("extra",)),
        ({"inner": {"name": "\x00"}}, ("inner", "name")),
    ],
)
def test_nul_in_any_text_is_refused_at_its_field(data: dict, loc: tuple) -> None:
    assert errors(**data) == [(loc, "invalid_character")]


def test_other_control_characters_and_any_script_are_kept() -> None:
    body = Body.model_validate({"text": "柳岸\t\x01\x7f\u0085路 18 号", "tags": ["é"]})
    assert body.text == "柳岸\t\x01\x7f\u0085路 18 号"


@pytest.mark.parametrize("value", ["2025-03-04T08:00:00", "2025-03-04"])
def test_date_time_without_offset_is_refused(value: str) -> None:
    assert errors(at=value) == [(("at",), "timezone_aware")]


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_date_time_that_does_not_exist_in_utc_is_refused(value: str) -> None:
    assert errors(at=value) == [(("at",), "datetime_out_of_range")]


@pytest.mark.parametrize("value", [0, 1_700_000_000, 1.7e9, True])
def test_date_time_given_as_a_number_is_refused(value: object) -> None:
    """pydantic takes numbers as Unix time; the documented type is an RFC 3339 string."""
    assert errors(at=value) == [(("at",), "datetime_type")]


def test_date_time_keeps_its_offset() -> None:
    body = Body.model_validate({"text": "a", "at": "2025-03-04T08:00:00+08:00"})
    assert body.at == datetime(2025, 3, 4, tzinfo=UTC)
    assert body.at.utcoffset() == timedelta(hours=8)
    assert Body(text="a", at=datetime(1, 1, 1, tzinfo=UTC)).at.year == 1


def test_subclass_errors_come_with_pydantics_own() -> None:
    assert sorted(errors(text="", count="x", tags=["\x00"])) == [
        (("count",), "int_parsing"),
        (("tags",), "invalid_character"),
        (("text",), "string_too_short"),
    ]


def test_json_schema_documents_the_nul_rule_on_free_text_only() -> None:
    properties = Body.model_json_schema()["properties"]
    assert properties["text"]["pattern"] == NO_NUL_PATTERN
    assert properties["tags"]["items"]["pattern"] == NO_NUL_PATTERN
    assert properties["code"]["anyOf"][0]["pattern"] == r"^\d{2}$"  # its own pattern already excludes NUL
    assert properties["at"]["anyOf"][0] == {"type": "string", "format": "date-time"}
    assert Inner.model_json_schema()["properties"]["name"]["pattern"] == NO_NUL_PATTERN


def test_plain_models_are_unchanged() -> None:
    class Plain(BaseModel):
        text: str

    assert Plain(text="\x00").text == "\x00"
    assert "pattern" not in Plain.model_json_schema()["properties"]["text"]


@pytest.mark.parametrize(("text", "storable"), [("柳岸", True), ("", True), ("a\x00", False), ("\ud800", False)])
def test_is_storable_text(text: str, storable: bool) -> None:
    assert is_storable_text(text) is storable
