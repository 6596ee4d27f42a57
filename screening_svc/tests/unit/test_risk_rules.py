"""Pure decisions of policy risk assessment: stages and their guards, weighted rates against 95%, risk levels,
affected areas and who sees a policy."""

import pytest

from screening_svc.risk import rules


@pytest.mark.parametrize(
    ("stage", "following"),
    [("drafting", "before_implementation"), ("before_implementation", "after_implementation"),
     ("after_implementation", None)],
)  # fmt: skip
def test_next_stage(stage: str, following: str | None) -> None:
    assert rules.next_stage(stage) == following


@pytest.mark.parametrize(
    ("kind", "stage", "allowed"),
    [
        ("reviews", "drafting", True),
        ("reviews", "before_implementation", False),
        ("consultations", "drafting", False),
        ("consultations", "before_implementation", True),
        ("consultations", "after_implementation", False),
        ("clause_changes", "drafting", True),
        ("clause_changes", "before_implementation", True),
        ("clause_changes", "after_implementation", False),
        ("monitoring", "before_implementation", False),
        ("monitoring", "after_implementation", True),
    ],
)
def test_what_each_stage_records(kind: str, stage: str, allowed: bool) -> None:
    assert rules.may_record(kind, stage) is allowed


@pytest.mark.parametrize(
    ("stage", "counts", "missing"),
    [
        ("drafting", {}, "reviews"),
        ("drafting", {"reviews": 1}, None),
        ("before_implementation", {"reviews": 3}, "consultations"),
        ("before_implementation", {"consultations": 1}, None),
        ("after_implementation", {}, None),
    ],
)
def test_missing_for_conclusion(stage: str, counts: dict, missing: str | None) -> None:
    assert rules.missing_for_conclusion(stage, counts) == missing


@pytest.mark.parametrize(
    ("stage", "level", "blocked"),
    [("before_implementation", "high", True), ("before_implementation", "medium", False),
     ("drafting", "high", False), ("after_implementation", "high", False)],
)  # fmt: skip
def test_a_high_risk_blocks_implementation(stage: str, level: str, blocked: bool) -> None:
    assert rules.blocks_implementation(stage, level) is blocked


@pytest.mark.parametrize(
    ("levels", "overall"), [([], "low"), (["low"], "low"), (["low", "high", "medium"], "high"), (["medium"], "medium")]
)
def test_overall_level(levels: list[str], overall: str) -> None:
    assert rules.overall_level(levels) == overall


@pytest.mark.parametrize(
    ("samples", "rate"),
    [
        ([], None),
        ([(100, None)], None),
        ([(0, 80.0)], None),
        ([(100, 90.0)], 90.0),
        ([(100, 90.0), (300, 100.0)], 97.5),
        ([(100, 90.0), (50, None)], 90.0),
        ([(1, 0.0), (2, 100.0)], 66.7),
    ],
)
def test_weighted_rate(samples: list, rate: float | None) -> None:
    assert rules.weighted_rate(samples) == rate


@pytest.mark.parametrize(("rate", "below"), [(None, False), (94.9, True), (95.0, False), (100.0, False), (0.0, True)])
def test_below_target(rate: float | None, below: bool) -> None:
    assert rules.below_target(rate) is below


def test_affected_areas() -> None:
    assert rules.in_affected_area("320599001001", ["320599001001", "320599001002"])
    assert not rules.in_affected_area("320599001003", ["320599001001"])
    assert rules.areas_within(["320599001001", "320599002001", "320599001002"], "320599001") == [1]
    assert rules.areas_within(["320599002001"], "320599") == []


@pytest.mark.parametrize(
    ("everything", "jurisdiction", "visible"),
    [(True, None, True), (False, None, False), (False, "320599", True), (False, "320599001", True),
     (False, "320599002", False), (False, "320599001001", False), (False, "D-HOUSING", True), (False, "D-CIVIL", True),
     (False, "D-EDU", False)],
)  # fmt: skip
def test_who_sees_a_policy(everything: bool, jurisdiction: str | None, visible: bool) -> None:
    seen = rules.visible(everything=everything, jurisdiction=jurisdiction, policy_jurisdiction="320599001",
                         departments=["D-HOUSING", "D-CIVIL"])  # fmt: skip
    assert seen is visible


def test_household_binding_names_row_and_column() -> None:
    assert rules.household_binding("abc", "head_name") != rules.household_binding("abc", "address")
