"""The category catalogue and the dispatch catalogue (pure rules)."""

import pytest

from routing_svc.catalogue.rules import check_category, check_dispatch, competent_department, parent_of_category


@pytest.mark.parametrize(("code", "parent"), [("03", None), ("0301", "03"), ("1202", "12")])
def test_parent_of_category(code: str, parent: str | None) -> None:
    assert parent_of_category(code) == parent


@pytest.mark.parametrize(
    ("code", "parent_code", "parent_exists", "error"),
    [
        ("03", None, False, None),
        ("03", "01", True, "top_level_has_parent"),
        ("0306", "03", True, None),
        ("0306", "03", False, "parent_not_found"),
        ("0306", "04", True, "parent_mismatch"),
        ("0306", None, True, "parent_mismatch"),
        ("3", None, False, "code_format"),
        ("030", None, False, "code_format"),
        ("03061", "03", True, "code_format"),
        ("0a", None, False, "code_format"),
        ("０３", None, False, "code_format"),
    ],
)
def test_check_category(code: str, parent_code: str | None, parent_exists: bool, error: str | None) -> None:
    assert check_category(code=code, parent_code=parent_code, parent_exists=parent_exists) == error


KNOWN = {"D-HOUSING": frozenset({"district"}), "D-SAMR": frozenset({"district", "street"})}


@pytest.mark.parametrize(
    ("departments", "failed"),
    [
        ({}, None),
        ({"district": "D-HOUSING"}, None),
        ({"district": "D-SAMR", "street": "D-SAMR"}, None),
        ({"street": "D-HOUSING"}, ("street", "department_not_at_level")),
        ({"district": "D-NOPE"}, ("district", "department_not_found")),
        ({"district": "D-HOUSING", "street": "D-NOPE"}, ("street", "department_not_found")),
    ],
)
def test_check_dispatch(departments: dict, failed: tuple | None) -> None:
    assert check_dispatch(departments, known=KNOWN) == failed


CATALOGUE = {
    "03": {"district": "D-HOUSING", "street": "D-STREET-URBAN"},
    "0304": {"district": "D-URBAN"},
    "05": {"district": "D-HRSS"},
}


@pytest.mark.parametrize(
    ("category", "level", "department"),
    [
        ("0304", "district", "D-URBAN"),  # own entry wins
        ("0304", "street", "D-STREET-URBAN"),  # inherited per level
        ("0301", "district", "D-HOUSING"),  # no own entry at all
        ("03", "street", "D-STREET-URBAN"),
        ("0502", "street", None),  # neither it nor its top level at this level
        ("0502", "district", "D-HRSS"),
        ("09", "district", None),
        ("0901", "district", None),
        ("0301", "community", None),
    ],
)
def test_competent_department(category: str, level: str, department: str | None) -> None:
    assert competent_department(CATALOGUE, category_code=category, level=level) == department
