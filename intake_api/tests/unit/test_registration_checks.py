"""intake_api.petitions.rules: the checks at registration (legal procedure, Art. 36 ¶3, Art. 19 ¶3, repeat,
skip-level), each with its outcome and notice."""

import uuid

import pytest

from intake_api.petitions.rules import (
    LEGAL_ROUTES,
    LEVELS,
    EarlierPetition,
    decide,
    is_below,
    is_skip_level,
    proper_level,
    visited_level,
)

NEW_NO = "2026-320599-000100"


def earlier(
    no: str = "2026-320599-000001",
    *,
    status: str = "routed",
    case_status: str | None = "opened",
    case_tier: str | None = "district",
    re_reviewed: bool = False,
    repeat_of: uuid.UUID | None = None,
) -> EarlierPetition:
    return EarlierPetition(uuid.uuid4(), no, status, case_status, case_tier, re_reviewed, repeat_of)


def run(similar: list[EarlierPetition], *, legal_route: str | None = None, bureau: str = "district"):
    return decide(tracking_no=NEW_NO, similar=similar, legal_route=legal_route, bureau_level=bureau)


def test_nothing_similar_is_accepted() -> None:
    decision = run([])
    assert (decision.outcome, decision.reason, decision.repeat_of, decision.related_tracking_no) == (
        "accepted", None, None, None,
    )  # fmt: skip
    assert NEW_NO in decision.notice and "15 日" in decision.notice


@pytest.mark.parametrize("route", sorted(LEGAL_ROUTES))
def test_legal_procedure_names_the_procedure(route: str) -> None:
    decision = run([earlier()], legal_route=route)  # wins over everything else
    name, how = LEGAL_ROUTES[route]
    assert (decision.outcome, decision.reason, decision.legal_route) == ("not_accepted", "legal_procedure", route)
    assert name in decision.notice and how in decision.notice and "第二十二条" in decision.notice


@pytest.mark.parametrize("case_status", ["final", "closed"])
def test_concluded_by_re_review_is_no_longer_accepted(case_status: str) -> None:
    concluded = earlier("2025-320599-000007", status="closed", case_status=case_status, re_reviewed=True)
    decision = run([earlier(case_tier="community"), concluded])
    assert (decision.outcome, decision.reason) == ("not_accepted", "concluded_by_re_review")
    assert decision.related_tracking_no == "2025-320599-000007"
    assert "第三十六条第三款" in decision.notice and "2025-320599-000007" in decision.notice


def test_re_reviewed_but_not_yet_final_is_not_concluded() -> None:
    pending = earlier(case_status="re_reviewed", re_reviewed=True, case_tier="district")
    assert run([pending]).outcome == "repeat"


def test_final_without_re_review_opens_a_new_matter() -> None:
    assert run([earlier(status="closed", case_status="final")]).outcome == "accepted"


@pytest.mark.parametrize(
    ("tier", "bureau"), [("community", "district"), ("street", "district"), ("community", "street")]
)
def test_in_process_below_is_not_accepted(tier: str, bureau: str) -> None:
    below = earlier("2026-320599-000003", case_tier=tier)
    decision = run([below], bureau=bureau)
    assert (decision.outcome, decision.reason, decision.related_tracking_no) == (
        "not_accepted", "in_process_below", "2026-320599-000003",
    )  # fmt: skip
    assert "第十九条第三款" in decision.notice and "2026-320599-000003" in decision.notice


@pytest.mark.parametrize(("tier", "bureau"), [("district", "district"), (None, "district"), ("street", "street")])
def test_open_at_this_level_or_not_yet_routed_is_a_repeat(tier: str | None, bureau: str) -> None:
    first = earlier("2026-320599-000004", case_tier=tier, case_status=None if tier is None else "opened")
    decision = run([first], bureau=bureau)
    assert (decision.outcome, decision.reason, decision.repeat_of) == ("repeat", None, first.id)
    assert decision.related_tracking_no == "2026-320599-000004" and "并入" in decision.notice


def test_a_repeat_links_to_the_first_petition_of_the_chain() -> None:
    root = uuid.uuid4()
    assert run([earlier(status="repeat", repeat_of=root)]).repeat_of == root


def test_the_most_similar_open_petition_is_linked() -> None:
    best, other = earlier("2026-320599-000010"), earlier("2026-320599-000011")
    assert run([best, other]).repeat_of == best.id


@pytest.mark.parametrize(
    ("status", "case_status"),
    [
        ("withdrawn", None), ("not_accepted", None), ("resolved_on_spot", None), ("closed", "closed"),
        ("routed", "closed"), ("routed", "final"), ("routed", "not_accepted"), ("routed", "steered"),
    ],
)  # fmt: skip
def test_closed_petitions_neither_link_nor_block(status: str, case_status: str | None) -> None:
    assert run([earlier(status=status, case_status=case_status, case_tier="community")]).outcome == "accepted"


def test_an_open_one_below_wins_over_a_repeat_at_this_level() -> None:
    same_level, below = earlier(case_tier="district"), earlier("2026-320599-000012", case_tier="street")
    decision = run([same_level, below])
    assert (decision.reason, decision.related_tracking_no) == ("in_process_below", "2026-320599-000012")


@pytest.mark.parametrize(
    ("severity", "level"),
    [("minor", "community"), ("general", "community"), ("complex", "street"), ("difficult", "district")],
)
def test_proper_level(severity: str, level: str) -> None:
    assert proper_level(severity) == level


@pytest.mark.parametrize(
    ("channel", "level"),
    [("visit", "district"), ("appointment", "district"), ("letter", None), ("online", None), ("phone", None),
     ("fax", None), ("home_visit", None)],
)  # fmt: skip
def test_visited_level_only_in_person(channel: str, level: str | None) -> None:
    assert visited_level(channel, "district") == level


@pytest.mark.parametrize("visited", [*LEVELS, None])
@pytest.mark.parametrize("proper", ["community", "street", "district"])
def test_skip_level_is_more_than_one_level_above(visited: str | None, proper: str) -> None:
    expected = visited is not None and LEVELS.index(visited) - LEVELS.index(proper) >= 2
    assert is_skip_level(visited, proper) is expected


def test_skip_level_examples() -> None:
    assert is_skip_level("district", "community") is True
    assert is_skip_level("district", "street") is False
    assert is_skip_level("city", "street") is True
    assert is_skip_level("street", "community") is False


@pytest.mark.parametrize(
    ("tier", "level", "below"),
    [("community", "district", True), ("street", "district", True), ("district", "district", False),
     ("district", "street", False), (None, "district", False), ("D-HOUSING", "district", False)],
)  # fmt: skip
def test_is_below(tier: str | None, level: str, below: bool) -> None:
    assert is_below(tier, level) is below
