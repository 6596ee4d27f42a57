"""notify_svc.contacts.rules: the unit chain for supervisors, masking and reading sealed contact payloads."""

import pytest

from notify_svc.contacts.rules import contact_fields, email_valid, mask_email, unit_chain


@pytest.mark.parametrize(
    ("unit", "chain"),
    [
        ("320599001001", ["320599001001", "320599001", "320599"]),
        ("320599001", ["320599001", "320599"]),
        ("320599", ["320599"]),
        ("D-HOUSING", ["D-HOUSING", "320599"]),
        ("32059900100", ["32059900100", "320599"]),  # not a jurisdiction code (11 digits): answers to the district
    ],
)
def test_unit_chain(unit: str, chain: list[str]) -> None:
    assert unit_chain(unit, district_code="320599") == chain


@pytest.mark.parametrize(
    ("email", "masked"),
    [("zhang.san@example.cn", "z***@example.cn"), ("a@b.cn", "a***@b.cn"), ("broken", "***")],
)
def test_mask_email(email: str, masked: str) -> None:
    assert mask_email(email) == masked


@pytest.mark.parametrize(
    ("email", "valid"),
    [("a@b.cn", True), ("zhang.san@qinghe.gov.cn", True), ("a@b", False), ("a b@c.cn", False), ("@b.cn", False)],
)
def test_email_valid(email: str, valid: bool) -> None:
    assert email_valid(email) is valid


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"name": "张三", "phone": "138 1234 5678", "email": " z@e.cn "}, ("13812345678", "z@e.cn")),
        ({"phone": "13812345678", "email": None}, ("13812345678", None)),
        ({"phone": "", "email": "  "}, (None, None)),
        ({"phone": 13812345678}, (None, None)),  # not text: ignored
        ({}, (None, None)),
    ],
)
def test_contact_fields(payload: dict, fields: tuple) -> None:
    assert contact_fields(payload) == fields
