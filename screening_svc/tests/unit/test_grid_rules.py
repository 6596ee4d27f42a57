"""Scopes of grid work, grid codes, team backgrounds, resident categories and reference versions."""

from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from screening_svc.config import DEFAULT_RESIDENT_CATEGORIES, ResidentCategory
from screening_svc.grids import rules
from screening_svc.grids.rules import Scope
from screening_svc.reference.rules import should_apply
from screening_svc.residents import rules as resident_rules
from screening_svc.teams import rules as team_rules
from services.http.auth import Principal

MEMBER = "01a22539-d851-7150-b416-44cb902f96a3"


def principal(*roles: str, sub: str = "someone", jurisdiction: str | None = None) -> Principal:
    return Principal(sub=sub, roles=frozenset(roles), jurisdiction=jurisdiction)


@pytest.mark.parametrize(
    ("caller", "scope"),
    [
        (principal("admin"), Scope(True, None, None)),
        (principal("handler", jurisdiction="320599001"), Scope(False, "320599001", None)),
        (principal("handler", sub=MEMBER, jurisdiction="320599"), Scope(False, "320599", None)),
        (principal("grid_worker", sub=MEMBER), Scope(False, None, UUID(MEMBER))),
        (principal("informant", sub=MEMBER, jurisdiction="320599001001"), Scope(False, "320599001001", UUID(MEMBER))),
        (principal("volunteer", sub="not-a-uuid"), Scope(False, None, None)),
        (principal("grid_worker", jurisdiction=""), Scope(False, None, None)),
        (principal("petitioner", sub=MEMBER), Scope(False, None, None)),
    ],
)
def test_scope_of(caller: Principal, scope: Scope) -> None:
    assert rules.scope_of(caller) == scope


def test_empty_scope() -> None:
    assert Scope(False, None, None).empty
    assert not Scope(False, None, UUID(MEMBER)).empty
    assert not Scope(True, None, None).empty


@pytest.mark.parametrize(
    ("scope", "community", "covered"),
    [
        (Scope(True, None, None), "320599001001", True),
        (Scope(False, "320599", None), "320599001001", True),
        (Scope(False, "320599001", None), "320599001001", True),
        (Scope(False, "320599001", None), "320599002001", False),
        (Scope(False, "320599001001", None), "320599001001", True),
        (Scope(False, "320599001002", None), "320599001001", False),
        (Scope(False, None, UUID(MEMBER)), "320599001001", False),  # membership reaches grids, not communities
        (Scope(False, "D-HOUSING", None), "320599001001", False),
    ],
)
def test_covers(scope: Scope, community: str, covered: bool) -> None:
    assert rules.covers(scope, community) is covered


@pytest.mark.parametrize(
    ("codes", "sequence"),
    [([], 1), (["32059900100101"], 2), (["32059900100101", "32059900100107"], 8), (["32059900100199"], 100)],
)
def test_next_sequence(codes: list[str], sequence: int) -> None:
    assert rules.next_sequence(codes) == sequence


def test_grid_code() -> None:
    assert rules.grid_code("320599001001", 3) == "32059900100103"


def test_local_date_is_china_time() -> None:
    assert rules.local_date(datetime(2026, 3, 1, 16, 0, tzinfo=UTC)) == date(2026, 3, 2)
    assert rules.local_date(datetime(2026, 3, 1, 15, 59, tzinfo=UTC)) == date(2026, 3, 1)


@pytest.mark.parametrize(
    ("role", "background", "fits"),
    [
        ("grid_worker", "full_time", True),
        ("grid_worker", "part_time", True),
        ("grid_worker", "lawyer", False),
        ("informant", "committee_member", True),
        ("informant", "retired_cadre", True),
        ("informant", "veteran_party_member", True),
        ("informant", "student", False),
        ("volunteer", "student", True),
        ("volunteer", "lawyer", True),
        ("volunteer", "counsellor", True),
        ("volunteer", "other", True),
        ("volunteer", "retired_cadre", False),
        ("leader", "full_time", False),
    ],
)
def test_background_fits_role(role: str, background: str, fits: bool) -> None:
    assert team_rules.background_fits(role, background) is fits


@pytest.mark.parametrize(
    ("category", "interval"),
    [("elderly_alone", "weekly"), ("long_term_petitioner", "weekly"), ("hardship", "monthly"),
     ("disabled", "monthly"), ("veteran", None), ("", None)],
)  # fmt: skip
def test_interval_of_default_categories(category: str, interval: str | None) -> None:
    assert resident_rules.interval_of(category, DEFAULT_RESIDENT_CATEGORIES) == interval


def test_configured_category() -> None:
    categories = {"veteran": ResidentCategory(name="退役军人", interval="monthly")}
    assert resident_rules.interval_of("veteran", categories) == "monthly"
    assert resident_rules.interval_of("elderly_alone", categories) is None


def test_bindings_name_row_and_column() -> None:
    assert resident_rules.binding("r1", "name") == "special_residents:r1:name"
    assert team_rules.phone_binding("m1") == "team_members:m1:phone"


@pytest.mark.parametrize(
    ("current", "incoming", "apply"), [(None, 0, True), (0, 1, True), (3, 3, False), (3, 2, False)]
)
def test_reference_versions(current: int | None, incoming: int, apply: bool) -> None:
    assert should_apply(current, incoming) is apply
