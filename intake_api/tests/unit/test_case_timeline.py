"""intake_api.petitions.timeline: every case event routing_svc publishes becomes a Chinese step for the petitioner."""

import re
from datetime import UTC, date, datetime

import pytest

from intake_api.petitions.timeline import STATUS_TITLES, petition_status_after, step_name, step_title
from services.contracts.consumers import CONSUMED_BY
from services.contracts.routing import CASE_EVENTS

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("event_class", CASE_EVENTS, ids=lambda cls: cls.event_type)
def test_every_case_event_has_a_chinese_title(event_class) -> None:  # noqa: ANN001
    data = event_class.model_fields["data"].annotation.model_validate(event_class.example)
    title = step_title(event_class.event_type, data)
    assert CHINESE.search(title) and len(title) <= 200
    assert "None" not in title and "{" not in title


def test_intake_consumes_every_case_event() -> None:
    assert set(CASE_EVENTS) <= set(CONSUMED_BY["intake"])


def test_titles_carry_the_facts() -> None:
    [opened] = [cls for cls in CASE_EVENTS if cls.event_type == "xinfang.case.opened.v1"]
    [replied] = [cls for cls in CASE_EVENTS if cls.event_type == "xinfang.case.replied.v1"]
    [extended] = [cls for cls in CASE_EVENTS if cls.event_type == "xinfang.case.extended.v1"]
    data = opened.model_fields["data"].annotation.model_validate(opened.example | {"unit_name": "柳岸社区"})
    assert step_title(opened.event_type, data) == "已立案，由柳岸社区办理"
    data = replied.model_fields["data"].annotation.model_validate(replied.example | {"review_deadline": "2026-04-20"})
    assert "支持" in step_title(replied.event_type, data) and "2026年04月20日" in step_title(replied.event_type, data)
    data = extended.model_fields["data"].annotation.model_validate(extended.example)
    assert "30 日" in step_title(extended.event_type, data) and data.reason in step_title(extended.event_type, data)


def test_dates_are_china_dates() -> None:
    [accepted] = [cls for cls in CASE_EVENTS if cls.event_type == "xinfang.case.accepted.v1"]
    late_utc = datetime(2026, 5, 4, 17, 0, tzinfo=UTC)  # already 5 May in Beijing
    data = accepted.model_fields["data"].annotation.model_validate(accepted.example | {"due_at": late_utc})
    assert "2026年05月05日" in step_title(accepted.event_type, data)
    assert date(2026, 5, 4).strftime("%Y") == "2026"


def test_step_name() -> None:
    assert step_name("xinfang.case.review_requested.v1") == "review_requested"


@pytest.mark.parametrize(
    ("current", "step", "after"),
    [
        ("registered", "opened", "routed"), ("routed", "accepted", "routed"), ("routed", "closed", "closed"),
        ("routed", "finalized", "closed"), ("registered", "closed", "closed"), ("repeat", "opened", "repeat"),
        ("repeat", "closed", "closed"), ("withdrawn", "opened", "withdrawn"), ("withdrawn", "closed", "withdrawn"),
        ("not_accepted", "closed", "not_accepted"), ("resolved_on_spot", "closed", "resolved_on_spot"),
        ("closed", "reviewed", "closed"),
    ],
)  # fmt: skip
def test_petition_status_follows_the_case(current: str, step: str, after: str) -> None:
    assert petition_status_after(current, step) == after


def test_every_status_has_a_title() -> None:
    from intake_api.petitions.schemas import PetitionStatus

    assert set(STATUS_TITLES) == set(PetitionStatus.__args__)
