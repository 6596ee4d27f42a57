"""notify_svc.notifications.rules: recipients an event can reach, scheduling, quiet hours, backoff."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from notify_svc.notifications.rules import (
    outcome_after_failure,
    quiet_hours_end,
    readable_scope,
    recipient_kinds,
    retry_delay,
    scheduled_at,
    scope_of,
    sms_allowed_at,
    subject_of,
    unit_of,
    visible,
)
from services.contracts.consumers import CONSUMED_BY

SH = ZoneInfo("Asia/Shanghai")
QUIET = {"start": "22:00", "end": "08:00", "timezone": "Asia/Shanghai"}


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=SH)


@pytest.mark.parametrize(
    ("event_type", "kinds"),
    [
        ("xinfang.petition.registered.v1", {"petitioner"}),
        ("xinfang.petition.withdrawn.v1", {"petitioner"}),
        ("xinfang.home_visit.completed.v1", {"petitioner"}),
        ("xinfang.appointment.booked.v1", {"appointment_holder"}),
        ("xinfang.case.assigned.v1", {"petitioner", "handler", "supervisor"}),
        ("xinfang.sweep.missed.v1", {"grid_team", "supervisor"}),
        ("xinfang.conflict.reported.v1", {"grid_team", "supervisor"}),
        ("xinfang.risk.alert.v1", {"supervisor"}),
        ("xinfang.briefing.published.v1", {"supervisor"}),
        ("xinfang.reception.rated.v1", set()),
        ("xinfang.unknown.v1", set()),
    ],
)
def test_recipient_kinds(event_type: str, kinds: set[str]) -> None:
    assert recipient_kinds(event_type) == kinds


def test_every_consumed_event_type_is_classified() -> None:
    unreachable = {cls.event_type for cls in CONSUMED_BY["notify"] if not recipient_kinds(cls.event_type)}
    assert unreachable == {"xinfang.reception.rated.v1"}


@pytest.mark.parametrize(
    ("data", "unit"),
    [
        ({"unit_code": "320599001001", "community_code": "320599002001"}, "320599001001"),
        ({"community_code": "320599002001"}, "320599002001"),
        ({"jurisdiction_code": "320599003"}, "320599003"),
        ({"unit_code": None, "jurisdiction_code": ""}, "320599"),
        ({}, "320599"),
    ],
)
def test_unit_of(data: dict, unit: str) -> None:
    assert unit_of(data, district_code="320599") == unit


@pytest.mark.parametrize(
    ("data", "subject"),
    [
        ({"appointment_id": "a", "petition_id": "p"}, "a"),
        ({"case_id": "c", "petition_id": "p"}, "c"),
        ({"petition_id": "p"}, "p"),
        ({"finding_id": "f"}, "f"),
        ({"policy_id": "r"}, "r"),
        ({"week": "2026-W10"}, None),
    ],
)
def test_subject_of(data: dict, subject: str | None) -> None:
    assert subject_of(data) == subject


def test_scheduled_immediately() -> None:
    now = datetime(2026, 3, 2, 1, tzinfo=UTC)
    assert scheduled_at("immediately", {"starts_at": now + timedelta(days=5)}, now=now) == now


def test_scheduled_the_day_before() -> None:
    now, starts = datetime(2026, 3, 2, 1, tzinfo=UTC), datetime(2026, 3, 12, 1, tzinfo=UTC)
    assert scheduled_at("day_before", {"starts_at": starts}, now=now) == datetime(2026, 3, 11, 1, tzinfo=UTC)


def test_scheduled_the_day_before_but_booked_for_tomorrow_morning_goes_now() -> None:
    now = datetime(2026, 3, 2, 1, tzinfo=UTC)
    assert scheduled_at("day_before", {"starts_at": now + timedelta(hours=5)}, now=now) == now


def test_scheduled_the_day_before_without_a_start_goes_now() -> None:
    now = datetime(2026, 3, 2, 1, tzinfo=UTC)
    assert scheduled_at("day_before", {}, now=now) == now


@pytest.mark.parametrize(
    ("at", "end"),
    [
        (local(2, 21, 59), None),
        (local(2, 22, 0), local(3, 8)),  # the start is inside
        (local(2, 23, 30), local(3, 8)),
        (local(3, 0, 0), local(3, 8)),  # after midnight: the same morning
        (local(3, 7, 59), local(3, 8)),
        (local(3, 8, 0), None),  # the end is outside
        (local(3, 12, 0), None),
        (datetime(2026, 3, 2, 15, 30, tzinfo=UTC), local(3, 8)),  # 23:30 in Shanghai, given in UTC
    ],
)
def test_quiet_hours_across_midnight(at: datetime, end: datetime | None) -> None:
    assert quiet_hours_end(at, **QUIET) == end


@pytest.mark.parametrize(
    ("at", "end"),
    [(local(2, 12, 59), None), (local(2, 13, 0), local(2, 14)), (local(2, 13, 59), local(2, 14)), (local(2, 14), None)],
)
def test_quiet_hours_within_a_day(at: datetime, end: datetime | None) -> None:
    assert quiet_hours_end(at, start="13:00", end="14:00", timezone="Asia/Shanghai") == end


@pytest.mark.parametrize("at", [local(2, 0), local(2, 12), local(2, 23, 59)])
def test_equal_start_and_end_disable_quiet_hours(at: datetime) -> None:
    assert quiet_hours_end(at, start="22:00", end="22:00", timezone="Asia/Shanghai") is None


def test_quiet_hours_end_on_the_last_day_of_a_month() -> None:
    assert quiet_hours_end(datetime(2026, 3, 31, 23, tzinfo=SH), **QUIET) == datetime(2026, 4, 1, 8, tzinfo=SH)


def test_sms_at_night_waits_unless_urgent() -> None:
    night = local(2, 23)
    assert sms_allowed_at(night, urgent=False, **QUIET) == local(3, 8)
    assert sms_allowed_at(night, urgent=True, **QUIET) == night
    assert sms_allowed_at(local(2, 10), urgent=False, **QUIET) == local(2, 10)


@pytest.mark.parametrize(
    ("attempts", "seconds"), [(0, 30), (1, 30), (2, 60), (3, 120), (4, 240), (8, 3600), (60, 3600)]
)
def test_retry_delay_doubles_up_to_the_cap(attempts: int, seconds: int) -> None:
    assert retry_delay(attempts, base_seconds=30, cap_seconds=3600) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("attempts", "retryable", "outcome"),
    [(1, True, "pending"), (4, True, "pending"), (5, True, "failed"), (6, True, "failed"), (1, False, "failed")],
)
def test_outcome_after_failure(attempts: int, retryable: bool, outcome: str) -> None:
    assert outcome_after_failure(attempts, max_attempts=5, retryable=retryable) == outcome


@pytest.mark.parametrize(
    ("data", "petition_scope", "scope"),
    [
        ({"unit_code": "320599001001"}, None, "320599001001"),
        ({"unit_code": "320599002"}, "320599001001", "320599002"),
        ({"unit_code": "D-HOUSING"}, None, "320599"),  # a department's case: the district's staff
        ({"community_code": "320599003004"}, None, "320599003004"),
        ({"jurisdiction_code": "320599"}, None, "320599"),
        ({"community_code": None, "petition_id": "p"}, "320599001001", "320599001001"),
        ({}, None, "320599"),
        ({"unit_code": "3205990010"}, None, "320599"),  # 10 digits is no jurisdiction code
    ],
)
def test_scope_of(data: dict, petition_scope: str | None, scope: str) -> None:
    assert scope_of(data, district_code="320599", petition_scope=petition_scope) == scope


@pytest.mark.parametrize(
    ("is_admin", "jurisdiction", "scope", "seen"),
    [
        (True, None, "320599001001", True),
        (True, "320599002", "320599001001", True),
        (False, "320599", "320599001001", True),
        (False, "320599001", "320599001001", True),
        (False, "320599001001", "320599001001", True),
        (False, "320599002", "320599001001", False),
        (False, "320599001001", "320599001", False),  # a community does not see its street's notices
        (False, None, "320599", False),
        (False, "D-HOUSING", "320599", False),
    ],
)
def test_visibility_by_jurisdiction(is_admin: bool, jurisdiction: str | None, scope: str, seen: bool) -> None:
    assert visible(scope, readable=readable_scope(is_admin=is_admin, jurisdiction=jurisdiction)) is seen
