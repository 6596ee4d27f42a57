"""Pure rules of the reception: rooms and priority, queue numbers, ticket transitions, session times, days."""

from datetime import UTC, date, datetime, timedelta
from itertools import combinations

import pytest

from intake_api.reception.appointments.rules import has_seat, session_time_errors, still_open
from intake_api.reception.hall.rules import (
    PRIORITY_NEEDS,
    ROOMS,
    TRANSITIONS,
    allowed,
    board_order,
    place,
    room_name,
    ticket_number,
    waiting_seconds,
)
from intake_api.reception.rules import NOWHERE, day_bounds, jurisdiction_scope, local_day, staff_covers, whole_minutes
from services.http.auth import Principal

NEEDS = ("elderly", "minor", "disabled", "seriously_ill", "emotional_distress", "interpreter")
NOW = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("needs", "room", "reason"),
    [
        ([], "general", None),
        (["interpreter"], "general", None),
        (["elderly"], "elderly", "elderly"),
        (["minor"], "minor", "minor"),
        (["disabled"], "accessible", "disabled"),
        (["seriously_ill"], "accessible", "seriously_ill"),
        (["emotional_distress"], "counselling", "emotional_distress"),
        (["elderly", "emotional_distress"], "counselling", "emotional_distress"),
        (["minor", "emotional_distress"], "minor", "minor"),
        (["elderly", "disabled"], "accessible", "disabled"),
        (["seriously_ill", "disabled"], "accessible", "disabled"),
        (["elderly", "interpreter"], "elderly", "elderly"),
    ],
)
def test_room_and_priority_follow_the_needs(needs: list[str], room: str, reason: str | None) -> None:
    placement = place(needs)
    assert (placement.room, placement.priority_reason, placement.priority) == (room, reason, reason is not None)


@pytest.mark.parametrize("size", range(len(NEEDS) + 1))
def test_every_combination_of_needs_gets_a_known_room(size: int) -> None:
    for needs in combinations(NEEDS, size):
        placement = place(needs)
        assert placement.room in ROOMS
        assert placement.priority == bool(PRIORITY_NEEDS & set(needs))
        assert placement.priority_reason is None or placement.priority_reason in needs


def test_room_names_are_the_halls_rooms() -> None:
    names = {room_name(room) for room in ROOMS}
    assert names == {"综合接待区", "老年人专区", "无障碍接待室", "未成年人接待室", "情绪疏导室"}
    assert len({letter for letter, _ in ROOMS.values()}) == len(ROOMS)


@pytest.mark.parametrize(
    ("room", "sequence", "expected"),
    [("general", 1, "A001"), ("general", 12, "A012"), ("elderly", 999, "B999"), ("counselling", 1000, "E1000")],
)
def test_ticket_numbers(room: str, sequence: int, expected: str) -> None:
    assert ticket_number(room, sequence) == expected


@pytest.mark.parametrize("sequence", [0, -1])
def test_ticket_numbers_start_at_one(sequence: int) -> None:
    with pytest.raises(ValueError):
        ticket_number("general", sequence)


@pytest.mark.parametrize("action", list(TRANSITIONS))
@pytest.mark.parametrize("status", ["waiting", "called", "completed", "no_show"])
def test_transitions(action: str, status: str) -> None:
    expected = {("call", "waiting"), ("complete", "called"), ("no_show", "waiting"), ("no_show", "called")}
    assert allowed(action, status) == ((action, status) in expected)


@pytest.mark.parametrize(("delta", "expected"), [(0, 0), (59, 59), (3600, 3600), (-5, 0)])
def test_waiting_seconds(delta: int, expected: int) -> None:
    assert waiting_seconds(NOW, NOW + timedelta(seconds=delta)) == expected


def test_board_order_puts_priority_first_then_arrival() -> None:
    tickets = [(False, NOW), (True, NOW + timedelta(minutes=5)), (False, NOW - timedelta(minutes=1)), (True, NOW)]
    ordered = sorted(tickets, key=lambda t: board_order(*t))
    assert ordered == [
        (True, NOW),
        (True, NOW + timedelta(minutes=5)),
        (False, NOW - timedelta(minutes=1)),
        (False, NOW),
    ]


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        (datetime(2026, 11, 28, 15, 59, tzinfo=UTC), date(2026, 11, 28)),
        (datetime(2026, 11, 28, 16, 0, tzinfo=UTC), date(2026, 11, 29)),  # local midnight (UTC+8)
        (datetime(2026, 12, 31, 16, 30, tzinfo=UTC), date(2027, 1, 1)),
    ],
)
def test_local_day(moment: datetime, day: date) -> None:
    assert local_day(moment) == day


def test_day_bounds_cover_whole_local_days() -> None:
    start, end = day_bounds(date(2026, 11, 1), date(2026, 11, 30))
    assert (start, end) == (datetime(2026, 10, 31, 16, tzinfo=UTC), datetime(2026, 11, 30, 16, tzinfo=UTC))
    assert day_bounds(date(2026, 11, 1), date(2026, 11, 1))[1] - start == timedelta(days=1)


@pytest.mark.parametrize(("seconds", "minutes"), [(None, None), (0, 0), (59, 0), (60, 1), (3599, 59)])
def test_whole_minutes(seconds: int | None, minutes: int | None) -> None:
    assert whole_minutes(seconds) == minutes


@pytest.mark.parametrize(
    ("roles", "jurisdiction", "code", "expected"),
    [
        ({"admin"}, None, "320599", True),
        ({"reception"}, "320599", "320599", True),
        ({"reception"}, "320599", "320599001001", True),
        ({"reception"}, "320599001", "320599", False),
        ({"reception"}, "320598", "320599", False),
        ({"reception"}, None, "320599", False),
        ({"supervisor"}, "320599", "320599", True),
        ({"petitioner"}, "320599", "320599", False),
        ({"grid_worker"}, "320599", "320599", False),
    ],
)
def test_staff_covers(roles: set[str], jurisdiction: str | None, code: str, expected: bool) -> None:
    principal = Principal(sub="x", roles=frozenset(roles), jurisdiction=jurisdiction)
    assert staff_covers(principal, code) is expected


@pytest.mark.parametrize(
    ("starts", "ends", "pointers"),
    [
        (timedelta(hours=1), timedelta(hours=3), []),
        (timedelta(hours=1), timedelta(hours=13), []),  # exactly 12 hours
        (timedelta(hours=1), timedelta(hours=13, seconds=1), ["/ends_at"]),
        (timedelta(0), timedelta(hours=1), ["/starts_at"]),
        (timedelta(hours=-1), timedelta(hours=-2), ["/ends_at", "/starts_at"]),
        (timedelta(hours=2), timedelta(hours=2), ["/ends_at"]),
    ],
)
def test_session_times(starts: timedelta, ends: timedelta, pointers: list[str]) -> None:
    errors = session_time_errors(starts_at=NOW + starts, ends_at=NOW + ends, now=NOW)
    assert sorted(e.pointer for e in errors) == pointers


@pytest.mark.parametrize(
    ("offset", "expected"), [(timedelta(seconds=1), True), (timedelta(0), False), (-timedelta(1), False)]
)
def test_bookings_close_when_the_session_starts(offset: timedelta, expected: bool) -> None:
    assert still_open(NOW + offset, NOW) is expected


@pytest.mark.parametrize(("booked", "capacity", "expected"), [(0, 1, True), (4, 5, True), (5, 5, False), (6, 5, False)])
def test_has_seat(booked: int, capacity: int, expected: bool) -> None:
    assert has_seat(booked=booked, capacity=capacity) is expected


@pytest.mark.parametrize(
    ("roles", "jurisdiction", "expected"),
    [
        ({"admin"}, None, None),
        ({"admin"}, "320599", None),
        ({"supervisor"}, "320599", "320599"),
        ({"reception"}, None, NOWHERE),
    ],
)
def test_jurisdiction_scope(roles: set[str], jurisdiction: str | None, expected: str | None) -> None:
    assert jurisdiction_scope(Principal(sub="x", roles=frozenset(roles), jurisdiction=jurisdiction)) == expected
    assert not "320599001001".startswith(NOWHERE)
