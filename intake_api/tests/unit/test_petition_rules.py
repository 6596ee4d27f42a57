"""intake_api.petitions.rules: numbers, query codes, masking and the visibility matrix."""

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from intake_api.petitions.rules import (
    STAFF_ROLES,
    can_see,
    hash_query_code,
    new_query_code,
    query_code_matches,
    received_in_future,
    tracking_number,
)
from services.http.auth import Principal

ALPHABET = set("ABCDEFGHJKMNPQRSTUVWXYZ23456789")


@pytest.mark.parametrize(
    ("year", "district", "sequence", "expected"),
    [
        (2026, "320599", 1, "2026-320599-000001"),
        (2026, "320599", 42, "2026-320599-000042"),
        (2027, "110105", 999_999, "2027-110105-999999"),
        (2027, "110105", 1_000_000, "2027-110105-1000000"),  # grows rather than wraps
    ],
)
def test_tracking_number(year: int, district: str, sequence: int, expected: str) -> None:
    assert tracking_number(year=year, district_code=district, sequence=sequence) == expected


def test_query_code_length_and_alphabet() -> None:
    codes = [new_query_code() for _ in range(2000)]
    assert {len(code) for code in codes} == {8}
    used = set("".join(codes))
    assert used <= ALPHABET
    assert not used & set("IO01L")  # nothing a caller could misread
    assert len(used) >= 25  # drawn from the whole alphabet
    assert len(set(codes)) == 2000


def test_query_code_hash_is_keyed_hmac_sha256() -> None:
    digest = hash_query_code("ABCD2345", pepper="pepper-1")
    assert digest == hmac.new(b"pepper-1", b"ABCD2345", hashlib.sha256).hexdigest()
    assert len(digest) == 64
    assert digest != hashlib.sha256(b"ABCD2345").hexdigest()
    assert hash_query_code("ABCD2345", pepper="pepper-2") != digest
    assert hash_query_code("ABCD2346", pepper="pepper-1") != digest
    assert hash_query_code("ABCD2345", pepper="pepper-1") == digest


@pytest.mark.parametrize(
    ("given", "matches"),
    [("ABCD2345", True), ("abcd2345", True), (" ABCD2345 ", True), ("ABCD2346", False), ("", False)],
)
def test_query_code_matches_case_insensitively(given: str, matches: bool) -> None:
    assert query_code_matches(given, hash_query_code("ABCD2345", pepper="p"), pepper="p") is matches
    assert query_code_matches("ABCD2345", hash_query_code("ABCD2345", pepper="p"), pepper="other") is False


def test_received_in_future() -> None:
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    assert received_in_future(now + timedelta(seconds=1), now) is True
    assert received_in_future(now, now) is False
    assert received_in_future(now - timedelta(days=3), now) is False


def principal(*roles: str, sub: str = "u-1", jurisdiction: str | None = None) -> Principal:
    return Principal(sub=sub, roles=frozenset(roles), jurisdiction=jurisdiction)


PETITION_OF = {"registered_by": "owner", "jurisdiction_code": "320599001001", "account_sub": "account"}


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        (principal("admin"), True),
        (principal("admin", jurisdiction="110105"), True),
        *[(principal(role, jurisdiction="320599001001"), True) for role in STAFF_ROLES],
        (principal("handler", jurisdiction="320599001"), True),
        (principal("handler", jurisdiction="320599"), True),
        (principal("handler", jurisdiction="320599002"), False),
        (principal("handler", jurisdiction="320599001002"), False),
        (principal("handler", jurisdiction="110105"), False),
        (principal("handler"), False),  # staff without jurisdiction
        (principal("handler", jurisdiction=""), False),
        (principal("petitioner", sub="owner"), True),
        (principal("petitioner", sub="someone-else"), False),
        (principal("petitioner", sub="owner", jurisdiction="110105"), True),  # a petitioner's own, anywhere
        (principal("grid_worker", sub="owner", jurisdiction="320599001001"), False),
        (principal("department", jurisdiction="320599001001"), False),
        (principal(sub="owner"), False),  # no role at all
        (principal("handler", "petitioner", sub="owner"), True),  # no staff scope: falls back to ownership
        (principal("petitioner", sub="account"), True),  # registered by staff, linked to the portal account
        (principal("handler", sub="account"), False),  # the link counts for the petitioner role only
    ],
)
def test_can_see(who: Principal, visible: bool) -> None:
    assert can_see(who, **PETITION_OF) is visible


def test_staff_roles() -> None:
    assert STAFF_ROLES == ("reception", "handler", "supervisor", "leader", "admin")
