"""The shape of the jurisdiction tree and address matching (pure rules)."""

import pytest

from routing_svc.jurisdictions.rules import (
    AddressMatch,
    Place,
    ancestors,
    can_deactivate,
    check_node,
    clean_aliases,
    covers,
    level_of_code,
    match_address,
    normalise,
)


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("320599", "district"),
        ("320599001", "street"),
        ("320599001001", "community"),
        ("32059", None),
        ("3205990", None),
        ("3205990010", None),
        ("3205990010011", None),
        ("", None),
        ("32059a", None),
        ("３２０５９９", None),  # full-width digits are digits to Python, never a code
        ("-20599", None),
    ],
)
def test_level_of_code(code: str, level: str | None) -> None:
    assert level_of_code(code) == level


@pytest.mark.parametrize(
    ("code", "level", "parent_code", "parent_level", "error"),
    [
        ("320599", "district", None, None, None),
        ("320599", "district", "320500", "district", "district_has_no_parent"),
        ("320599004", "street", "320599", "district", None),
        ("320599004", "street", "320599", None, "parent_not_found"),
        ("320599004", "street", None, None, "parent_not_found"),
        ("320599004", "street", "320599001", "street", "parent_level_mismatch"),
        ("320598004", "street", "320599", "district", "code_outside_parent"),
        ("320599001005", "community", "320599001", "street", None),
        ("320599001005", "community", "320599", "district", "parent_level_mismatch"),
        ("320599002005", "community", "320599001", "street", "code_outside_parent"),
        ("320599001005", "community", "320599001", None, "parent_not_found"),
        ("320599001", "community", "320599001", "street", "code_does_not_match_level"),
        ("320599001005", "street", "320599", "district", "code_does_not_match_level"),
        ("3205", "district", None, None, "code_does_not_match_level"),
    ],
)
def test_check_node(code: str, level: str, parent_code: str | None, parent_level: str | None, error) -> None:
    assert check_node(code=code, level=level, parent_code=parent_code, parent_level=parent_level) == error


@pytest.mark.parametrize(("children", "allowed"), [(0, True), (1, False), (12, False)])
def test_a_node_with_active_children_stays_active(children: int, allowed: bool) -> None:
    assert can_deactivate(active_children=children) is allowed


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("320599001001", ["320599001", "320599"]),
        ("320599001", ["320599"]),
        ("320599", []),
        ("D-HOUSING", []),
    ],
)
def test_ancestors(code: str, expected: list[str]) -> None:
    assert ancestors(code) == expected


@pytest.mark.parametrize(
    ("scope", "code", "covered"),
    [
        ("320599", "320599001001", True),
        ("320599001", "320599001001", True),
        ("320599001", "320599002001", False),
        ("320599001001", "320599001001", True),
        ("320598", "320599001001", False),
        ("D-HOUSING", "D-HOUSING", False),
        ("", "320599", False),
    ],
)
def test_covers(scope: str, code: str, covered: bool) -> None:
    assert covers(scope, code) is covered


def test_normalise_folds_width_case_and_space() -> None:
    assert normalise(" 柳岸路 １８号 Ａ座\t") == "柳岸路18号a座"


def test_clean_aliases_strips_and_drops_duplicates() -> None:
    assert clean_aliases([" 柳岸小区 ", "柳岸小区", "", "  ", "柳岸路", "柳岸路 "]) == ["柳岸小区", "柳岸路"]


PLACES = [
    Place("320599001", "street", "长桥街道"),
    Place("320599002", "street", "东湖街道"),
    Place("320599001001", "community", "柳岸社区", ("柳岸小区", "柳岸路"), "320599001"),
    Place("320599001002", "community", "长桥社区", ("长桥新村", "长桥路"), "320599001"),
    Place("320599002001", "community", "湖滨社区", ("湖滨花园", "湖滨路"), "320599002"),
    Place("320599002002", "community", "东湖社区", ("东湖小区", "新华路"), "320599002"),
    Place("320599002003", "community", "荷花社区", ("新华路",), "320599002"),
    Place("320599001003", "community", "南苑社区", ("新华路",), "320599001"),
    Place("320599001004", "community", "桃园社区", ("桃", "桃园新村"), "320599001"),
]


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("清河区长桥街道柳岸社区柳岸路 18 号", AddressMatch("320599001001", "柳岸社区")),
        ("柳岸路 1 号", AddressMatch("320599001001", "柳岸路")),
        ("清河区东湖街道湖滨路工地", AddressMatch("320599002001", "湖滨路")),
        ("湖滨花园 3 栋", AddressMatch("320599002001", "湖滨花园")),
        ("ｌ柳岸 小区5幢", AddressMatch("320599001001", "柳岸小区")),  # spaces and widths do not matter
        ("长桥新村 2 号", AddressMatch("320599001002", "长桥新村")),
        # 新华路 lies in three communities: the street named decides, if it leaves exactly one
        ("长桥街道新华路 8 号", AddressMatch("320599001003", "新华路")),
        ("东湖街道新华路 8 号", None),  # still two in 东湖街道: no guess
        ("新华路 8 号", None),
        ("清河区人民政府", None),
        ("", None),
        ("桃", None),  # one-character aliases never match (too common)
        # a longer key beats a shorter one across streets; the street named keeps its communities only if any match
        ("东湖街道柳岸路", AddressMatch("320599001001", "柳岸路")),
    ],
)
def test_match_address(address: str, expected: AddressMatch | None) -> None:
    assert match_address(address, PLACES) == expected


def test_no_places_no_match() -> None:
    assert match_address("柳岸路 1 号", []) is None


def test_same_community_by_two_keys_is_not_a_tie() -> None:
    places = [Place("320599001001", "community", "柳岸社区", ("柳岸路", "柳岸里"), "320599001")]
    assert match_address("柳岸路柳岸里", places) == AddressMatch("320599001001", "柳岸路")
