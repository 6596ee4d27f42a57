"""routing_svc.cases.rules: tier by severity, unit by place (属地管理), department by category (谁主管、谁负责),
转送 or 交办, the fallback owner, kinds (Arts. 29-31), and which cases a token's jurisdiction covers."""

import itertools

import pytest

from routing_svc.cases import rules
from routing_svc.cases.rules import Matter, Place, Unit, route

DISTRICT = Unit("320599", "清河区", "district")
STREET = Unit("320599001", "长桥街道", "street")
COMMUNITY = Unit("320599001001", "柳岸社区", "community")
BUREAU = Unit("320599", "清河区信访局", "district")
STREET_DEPT = Unit("D-STREET-URBAN", "街道城管办", "street")
DISTRICT_DEPT = Unit("D-HOUSING", "区住建局", "district")
FULL = Place(district=DISTRICT, street=STREET, community=COMMUNITY)
STREET_ONLY = Place(district=DISTRICT, street=STREET)
NOWHERE = Place(district=DISTRICT)
BOTH_DEPTS = {"street": STREET_DEPT, "district": DISTRICT_DEPT}


@pytest.mark.parametrize(
    ("severity", "tier"),
    [("minor", "community"), ("general", "community"), ("complex", "street"), ("difficult", "district")],
)
def test_severity_chooses_the_starting_tier(severity: str, tier: str) -> None:
    assert rules.starting_tier(severity) == tier
    assert route(Matter(severity=severity), FULL).tier == tier  # type: ignore[arg-type]


def test_unknown_severity_is_refused() -> None:
    with pytest.raises(KeyError):
        rules.starting_tier("urgent")


@pytest.mark.parametrize(("tier", "upper"), [("community", "street"), ("street", "district"), ("district", None)])
def test_next_tier(tier: str, upper: str | None) -> None:
    assert rules.next_tier(tier) == upper  # type: ignore[arg-type]


@pytest.mark.parametrize(("severity", "lead"), [("general", COMMUNITY), ("complex", STREET), ("difficult", DISTRICT)])
def test_the_place_chooses_the_unit_at_the_tier(severity: str, lead: Unit) -> None:
    routing = route(Matter(severity=severity), FULL)  # type: ignore[arg-type]
    assert (routing.lead, routing.fallback) == (lead, False)


@pytest.mark.parametrize(("place", "severity"), [(NOWHERE, "general"), (NOWHERE, "complex"), (STREET_ONLY, "general")])
def test_an_unknown_place_falls_back_to_the_district_bureau(place: Place, severity: str) -> None:
    routing = route(Matter(severity=severity), place)  # type: ignore[arg-type]
    assert (routing.lead, routing.tier, routing.fallback, routing.mode) == (BUREAU, "district", True, "assign")


def test_the_fallback_owner_works_with_the_district_department() -> None:
    routing = route(Matter(departments=BOTH_DEPTS), NOWHERE)
    assert (routing.lead, routing.department, routing.co_units) == (BUREAU, DISTRICT_DEPT, (DISTRICT_DEPT,))


def test_known_street_takes_a_complex_matter_without_a_community() -> None:
    routing = route(Matter(severity="complex"), STREET_ONLY)
    assert (routing.lead, routing.fallback) == (STREET, False)


@pytest.mark.parametrize(
    ("severity", "department"), [("general", STREET_DEPT), ("complex", STREET_DEPT), ("difficult", DISTRICT_DEPT)]
)
def test_the_category_chooses_the_competent_department_as_co_handler(severity: str, department: Unit) -> None:
    routing = route(Matter(severity=severity, departments=BOTH_DEPTS), FULL)  # type: ignore[arg-type]
    assert (routing.department, routing.co_units) == (department, (department,))


def test_no_department_means_no_co_handler() -> None:
    routing = route(Matter(departments={"district": DISTRICT_DEPT}), FULL)
    assert (routing.department, routing.co_units) == (None, ())


@pytest.mark.parametrize(
    ("matter", "mode"),
    [
        (Matter(severity="minor"), "transfer"),
        (Matter(severity="general"), "transfer"),
        (Matter(severity="complex"), "assign"),
        (Matter(severity="difficult"), "assign"),
        (Matter(source="conflict", tier="community"), "assign"),
        (Matter(skip_level=True), "assign"),
        (Matter(repeat=True), "assign"),
        (Matter(group_size=5), "transfer"),
        (Matter(group_size=6), "assign"),
    ],
)
def test_transfer_or_assign(matter: Matter, mode: str) -> None:
    assert route(matter, FULL).mode == mode


@pytest.mark.parametrize("tier", ["community", "street", "district"])
def test_a_finding_names_its_tier(tier: str) -> None:
    routing = route(Matter(source="conflict", severity="minor", tier=tier), FULL)  # type: ignore[arg-type]
    assert routing.tier == tier


@pytest.mark.parametrize(("place", "severity"), itertools.product([FULL, NOWHERE], ["minor", "difficult"]))
def test_a_report_about_officials_goes_to_the_district_bureau(place: Place, severity: str) -> None:
    routing = route(Matter(kind="report", severity=severity, departments=BOTH_DEPTS), place)  # type: ignore[arg-type]
    assert (routing.lead, routing.co_units, routing.department, routing.mode) == (BUREAU, (), None, "assign")


def test_a_suggestion_goes_to_the_district_department() -> None:
    routing = route(Matter(kind="suggestion", departments=BOTH_DEPTS), FULL)
    assert (routing.lead, routing.tier, routing.mode, routing.fallback) == (
        DISTRICT_DEPT,
        "district",
        "transfer",
        False,
    )


def test_a_suggestion_without_department_goes_to_the_bureau() -> None:
    routing = route(Matter(kind="suggestion"), FULL)
    assert (routing.lead, routing.fallback) == (BUREAU, True)


@pytest.mark.parametrize(
    ("place", "tier", "target"),
    [
        (FULL, "community", (STREET, "street")),
        (FULL, "street", (DISTRICT, "district")),
        (FULL, "district", None),
        (NOWHERE, "community", (BUREAU, "district")),
        (STREET_ONLY, "street", (DISTRICT, "district")),
    ],
)
def test_escalation_target(place: Place, tier: str, target) -> None:
    assert rules.escalation_target(place, tier) == target  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "legal_route", "expected"),
    [
        ("complaint", None, ("petition", "petition")),
        ("complaint", "arbitration", ("petition", "legal_procedure")),
        ("suggestion", None, ("suggestion", "petition")),
        ("suggestion", "litigation", ("suggestion", "petition")),
        ("report", None, ("report", "petition")),
    ],
)
def test_classification(kind: str, legal_route: str | None, expected: tuple) -> None:
    assert rules.classify(kind, legal_route) == expected


def test_every_legal_route_has_a_name() -> None:
    assert set(rules.LEGAL_ROUTE_NAMES) == set(rules.LegalRoute.__args__)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("jurisdiction", "scope"),
    [
        ("320599", ("district_code", "320599")),
        ("320599001", ("street_code", "320599001")),
        ("320599001001", ("unit_code", "320599001001")),
        ("D-HOUSING", ("unit_code", "D-HOUSING")),
        ("32059", ("unit_code", "32059")),
        (None, None),
        ("", None),
    ],
)
def test_scope_of_a_jurisdiction(jurisdiction: str | None, scope) -> None:
    assert rules.scope_of(jurisdiction) == scope


@pytest.mark.parametrize(
    ("jurisdiction", "unit_code", "visible"),
    [
        ("320599001001", "320599001001", True),  # the community itself
        ("320599001", "320599001001", True),  # its street
        ("320599", "320599001001", True),  # its district
        ("320599", "320599", True),  # the district's own coordination cases
        ("320599002", "320599001001", False),  # another street
        ("320599001002", "320599001001", False),  # a sibling community
        ("320599001001", "320599001", False),  # a community does not see its street's cases
        ("320599001001", "320599", False),
        ("110105", "320599001001", False),  # another district
        (None, "320599001001", False),  # no jurisdiction claim
        ("", "320599001001", False),  # an empty claim is no jurisdiction, not "everything"
    ],
)
def test_visible_to_jurisdiction(jurisdiction: str | None, unit_code: str, visible: bool) -> None:
    assert rules.visible_to(jurisdiction, unit_code=unit_code, is_admin=False) is visible


@pytest.mark.parametrize(
    ("jurisdiction", "visible"), [("D-HOUSING", True), ("D-OTHER", False), ("320599", True), ("320599001", False)]
)
def test_a_department_sees_its_own_cases(jurisdiction: str, visible: bool) -> None:
    assert (
        rules.visible_to(jurisdiction, unit_code="D-HOUSING", is_admin=False, district_code="320599", street_code=None)
        is visible
    )


@pytest.mark.parametrize("jurisdiction", [None, "", "110105", "320599"])
def test_admin_sees_everything(jurisdiction: str | None) -> None:
    assert rules.visible_to(jurisdiction, unit_code="320599003004", is_admin=True) is True


@pytest.mark.parametrize(
    ("jurisdiction", "acts"),
    [
        ("320599001001", True),
        ("D-STREET-URBAN", True),
        ("320599001", False),
        ("320599", False),
        (None, False),
        ("", False),
    ],
)
def test_only_the_holding_units_act(jurisdiction: str | None, acts: bool) -> None:
    assert rules.acts_for(jurisdiction, unit_code="320599001001", co_unit_codes=("D-STREET-URBAN",)) is acts


@pytest.mark.parametrize(
    ("unit_code", "codes"),
    [
        ("320599001001", ("320599", "320599001")),
        ("320599002", ("320599", "320599002")),
        ("320599", ("320599", None)),
        ("D-HOUSING", ("320599", None)),
    ],
)
def test_place_codes_of_a_unit(unit_code: str, codes: tuple) -> None:
    assert rules.place_codes(unit_code, "320599") == codes
