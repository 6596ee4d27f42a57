"""Volunteer services and publicity: dates and who counts as a volunteer of the grid's community."""

from datetime import date

import pytest

from screening_svc.publicity import rules as publicity
from screening_svc.volunteer_services import rules as volunteering

TODAY = date(2026, 3, 5)


@pytest.mark.parametrize(("held_on", "future"), [(date(2026, 3, 4), False), (TODAY, False), (date(2026, 3, 6), True)])
def test_held_in_future(held_on: date, future: bool) -> None:
    assert volunteering.held_in_future(held_on, TODAY) is future
    assert publicity.held_in_future(held_on, TODAY) is future


@pytest.mark.parametrize(
    ("given", "known", "positions"),
    [([], set(), []), (["a"], {"a"}, []), (["a", "b", "c"], {"b"}, [0, 2]), (["x"], set(), [0])],
)
def test_not_volunteers_points_at_each_unknown_id(given: list, known: set, positions: list[int]) -> None:
    assert volunteering.not_volunteers(given, known) == positions


def test_kinds_have_chinese_names() -> None:
    assert set(volunteering.KINDS) == {"policy_talk", "legal_consultation", "counselling"}
    assert publicity.EVENT_KINDS["law_in_community"] == "信访法治进社区"
    assert publicity.EVENT_KINDS["story_sharing"] == "信访故事分享会"
    assert set(publicity.CONTENT_KINDS) == {"video", "case_explanation", "article"}
