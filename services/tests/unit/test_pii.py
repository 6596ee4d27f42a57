"""services.pii: ID number and phone validation, masking, row-bound encryption, keyed hashes, sealing."""

import base64
from datetime import date

import pytest

from services.pii import (
    Cipher,
    PIIError,
    id_check_digit,
    id_number_problem,
    key_bytes,
    keyed_hash,
    mask_id_number,
    mask_name,
    mask_phone,
    phone_problem,
    seal,
    unseal,
)

KEY = "k" * 32
OTHER = base64.b64encode(bytes(range(32))).decode()
VALID_ID = "11010519491231002X"  # the GB 11643 standard's own example


@pytest.mark.parametrize("number", [VALID_ID, "11010519491231002x", " 320599199003070015 "])
def test_valid_id_numbers(number: str) -> None:
    if number.strip() == "320599199003070015":
        number = number.strip()[:17] + id_check_digit(number.strip()[:17])
    assert id_number_problem(number, today=date(2026, 11, 29)) is None


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("110105194912310021", "校验位"),
        ("11010519491231002", "18 位"),
        ("01010519491231002X", "18 位"),
        ("1101051949123100AX", "18 位"),
        ("110105194902300021", "出生日期"),
        ("110105203001010021", "出生日期"),
        ("110105180001010021", "出生日期"),
    ],
)
def test_invalid_id_numbers_say_why(number: str, problem: str) -> None:
    assert problem in id_number_problem(number, today=date(2026, 11, 29))


@pytest.mark.parametrize("phone", ["13900000001", "0512-68001234", "02188886666", "199 0000 0001"])
def test_valid_phones(phone: str) -> None:
    assert phone_problem(phone) is None


@pytest.mark.parametrize("phone", ["1390000000", "12900000001", "139000000011", "abc", "", "512-6800123"])
def test_invalid_phones(phone: str) -> None:
    assert phone_problem(phone) is not None


def test_masks_hide_the_middle() -> None:
    assert mask_id_number(VALID_ID) == "110105********002X"
    assert mask_phone("13900000001") == "139****0001"
    assert mask_phone("0512-68001234") == "0512-******34"
    assert (mask_name("张"), mask_name("张三"), mask_name("欧阳明华")) == ("张", "张*", "欧阳**")


def test_cipher_round_trips_and_is_bound_to_its_row() -> None:
    cipher = Cipher(KEY)
    blob = cipher.encrypt(VALID_ID, bind="petitioners:1:id_no")
    assert VALID_ID.encode() not in blob and cipher.encrypt(VALID_ID, bind="petitioners:1:id_no") != blob
    assert cipher.decrypt(blob, bind="petitioners:1:id_no") == VALID_ID
    with pytest.raises(PIIError):
        cipher.decrypt(blob, bind="petitioners:2:id_no")
    with pytest.raises(PIIError):
        Cipher(OTHER).decrypt(blob, bind="petitioners:1:id_no")
    with pytest.raises(PIIError):
        cipher.decrypt(blob[:-1] + bytes([blob[-1] ^ 1]), bind="petitioners:1:id_no")


def test_keys_are_32_bytes_of_base64_or_long_passphrases() -> None:
    assert key_bytes(OTHER) == bytes(range(32))
    assert len(key_bytes(KEY)) == 32
    with pytest.raises(ValueError):
        key_bytes("short")


def test_keyed_hash_is_stable_normalised_keyed_and_purpose_bound() -> None:
    first = keyed_hash(VALID_ID, key=KEY, purpose="id")
    assert first == keyed_hash(VALID_ID.lower() + " ", key=KEY, purpose="id")
    assert first != keyed_hash(VALID_ID, key=OTHER, purpose="id")
    assert first != keyed_hash(VALID_ID, key=KEY, purpose="phone")
    assert VALID_ID not in first


def test_sealed_contact_opens_only_with_key_and_binding() -> None:
    token = seal({"phone": "13900000001", "name": "张三"}, key=KEY, bind="contact:1")
    assert "13900000001" not in token
    assert unseal(token, key=KEY, bind="contact:1") == {"phone": "13900000001", "name": "张三"}
    with pytest.raises(PIIError):
        unseal(token, key=KEY, bind="contact:2")
    with pytest.raises(PIIError):
        unseal("!!not-base64!!", key=KEY, bind="contact:1")
