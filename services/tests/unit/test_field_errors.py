"""services.http.errors.field_error_from_pydantic: JSON pointers (RFC 6901) for the body, names for parameters."""

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from services.http.errors import field_error_from_pydantic


def error(loc: tuple, type_: str = "missing", msg: str = "Field required") -> dict:
    return {"loc": loc, "type": type_, "msg": msg}


@pytest.mark.parametrize(
    ("loc", "pointer"),
    [
        (("body", "content"), "/content"),
        (("body", "petitioner", "phone"), "/petitioner/phone"),
        (("body", "items", 0, "name"), "/items/0/name"),
        (("body", "items", 12), "/items/12"),
        (("body", "a/b"), "/a~1b"),
        (("body", "a~b"), "/a~0b"),
        (("body", "~/"), "/~0~1"),
        (("body", "x", "~1"), "/x/~01"),  # "~" is escaped first, so "~1" stays distinguishable from "/"
        (("body",), ""),  # the whole body
    ],
)
def test_body_locations_become_json_pointers(loc: tuple, pointer: str) -> None:
    field = field_error_from_pydantic(error(loc))
    assert (field.pointer, field.parameter, field.code) == (pointer, None, "missing")
    assert field.detail == "缺少必填字段：Field required"


@pytest.mark.parametrize(
    ("loc", "parameter"),
    [
        (("query", "limit"), "limit"),
        (("path", "petition_id"), "petition_id"),
        (("header", "Idempotency-Key"), "Idempotency-Key"),
        (("query", "filter", "name"), "filter.name"),
        (("query",), "query"),
    ],
)
def test_parameter_locations_become_parameter_names(loc: tuple, parameter: str) -> None:
    field = field_error_from_pydantic(error(loc, "less_than_equal", "Input should be less than or equal to 100"))
    assert (field.pointer, field.parameter, field.code) == (None, parameter, "less_than_equal")
    assert field.detail == "数值过大：Input should be less than or equal to 100"


def test_no_location_means_the_body() -> None:
    field = field_error_from_pydantic({"type": "model_attributes_type", "msg": "Input should be an object"})
    assert (field.pointer, field.parameter) == ("", None)
    assert field.detail == "应为 JSON 对象：Input should be an object"


def test_unknown_error_type_gets_the_generic_message() -> None:
    field = field_error_from_pydantic(error(("body", "x"), "weird_type", "odd"))
    assert (field.code, field.detail) == ("weird_type", "取值无效：odd")


def test_real_pydantic_errors_with_nested_list_and_extra_fields() -> None:
    class Item(BaseModel):
        model_config = ConfigDict(extra="forbid")
        name: str = Field(min_length=2)

    class Body(BaseModel):
        items: list[Item]

    with pytest.raises(ValidationError) as caught:
        Body.model_validate({"items": [{"name": "ok"}, {"name": "x", "a/b": 1}]})
    errors = [field_error_from_pydantic({**e, "loc": ("body", *e["loc"])}) for e in caught.value.errors()]
    assert sorted((f.pointer, f.code) for f in errors) == [
        ("/items/1/a~1b", "extra_forbidden"),
        ("/items/1/name", "string_too_short"),
    ]
