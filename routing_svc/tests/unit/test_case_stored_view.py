"""routing_svc.cases.deadlines.stored_view (lists) agrees with the full view (calendar recomputed) on state and due."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from routing_svc.cases import deadlines
from routing_svc.cases.models import CaseClock
from routing_svc.clocks import BUREAU_TZ, ClockKind, ClockLimits, ClockState, clock_status, official_calendar

CALENDAR = official_calendar()
STARTS = [
    datetime(2026, 3, 2, 1, 31, tzinfo=UTC),  # the handle limit lands on 劳动节 and moves
    datetime(2026, 9, 20, 15, 59, 59, tzinfo=UTC),  # the last second of a local day, before 国庆
    datetime(2026, 9, 20, 16, 0, tzinfo=UTC),  # the first second of the next local day
    datetime(2026, 12, 28, 3, tzinfo=UTC),  # across the new year
]
# offsets from the due moment: long before, inside the lead, the due day itself, the last instant, just after, later
OFFSETS = [
    timedelta(days=-40),
    timedelta(days=-3, hours=-5),
    timedelta(days=-2),
    timedelta(hours=-1),
    timedelta(0),
    timedelta(microseconds=1),
    timedelta(days=9),
]


def _clock(kind: ClockKind, started_at: datetime, extension_days: int = 0) -> CaseClock:
    clock = deadlines.start_clock(
        case_id=uuid4(), kind=kind, unit_code="320599001001", started_at=started_at, calendar=CALENDAR, leads=()
    )
    if extension_days:
        deadlines.extend_clock(clock, days=extension_days, calendar=CALENDAR, leads=())
    clock.due_at = clock.due_at.astimezone(UTC)  # as read back from the database
    return clock


def _agree(clock: CaseClock, now: datetime) -> None:
    full = deadlines.view(clock, now=now, calendar=CALENDAR)
    listed = deadlines.stored_view(clock, now=now)
    assert (listed.state, listed.due_at, listed.days_left) == (full.state, full.due_at, full.days_left)
    assert listed.due_at.utcoffset() == full.due_at.utcoffset()
    assert replace(listed, calendar_note=full.calendar_note) == full
    assert (full.calendar_note is not None) == clock.calendar_missing  # only then does a list recompute (views.py)


@pytest.mark.parametrize("kind", [kind for kind in ClockKind if kind is not ClockKind.EXTENSION])
@pytest.mark.parametrize("started_at", STARTS)
@pytest.mark.parametrize("offset", OFFSETS)
def test_list_and_full_view_agree(kind: ClockKind, started_at: datetime, offset: timedelta) -> None:
    clock = _clock(kind, started_at)
    _agree(clock, clock.due_at + offset)


@pytest.mark.parametrize("offset", OFFSETS)
def test_they_agree_on_an_extended_clock(offset: timedelta) -> None:
    clock = _clock(ClockKind.HANDLE, STARTS[0], extension_days=30)
    _agree(clock, clock.due_at + offset)


def test_every_state_but_stopped_and_paused_is_covered() -> None:
    clock = _clock(ClockKind.HANDLE, STARTS[0])
    states = {deadlines.stored_view(clock, now=clock.due_at + offset).state for offset in OFFSETS}
    assert states == {ClockState.RUNNING.value, ClockState.DUE_SOON.value, ClockState.OVERDUE.value}


def test_a_lapsed_clock_is_overdue_in_both_views_even_before_its_due_moment() -> None:
    clock = _clock(ClockKind.HANDLE, STARTS[0])
    clock.lapsed_at = clock.due_at - timedelta(days=30)
    _agree(clock, clock.due_at - timedelta(days=20))
    assert deadlines.stored_view(clock, now=clock.due_at - timedelta(days=20)).state == ClockState.OVERDUE.value


@pytest.mark.parametrize("stop_offset", [timedelta(days=-10), timedelta(days=2)])
def test_a_stopped_clock_is_stopped_as_clock_status_says(stop_offset: timedelta) -> None:
    clock = _clock(ClockKind.HANDLE, STARTS[0])
    clock.stopped_at = clock.due_at + stop_offset
    now = clock.due_at + timedelta(days=5)
    status = clock_status(
        kind=ClockKind.HANDLE, started_at=clock.started_at, at=now, calendar=CALENDAR, stopped_at=clock.stopped_at
    )
    listed = deadlines.stored_view(clock, now=now)
    assert (listed.state, listed.days_left) == (status.state.value, status.days_left) == ("stopped", -stop_offset.days)


def test_the_lead_time_is_the_one_of_the_limits() -> None:
    clock = _clock(ClockKind.HANDLE, STARTS[0])
    now = clock.due_at - timedelta(days=10)
    assert deadlines.stored_view(clock, now=now).state == ClockState.RUNNING.value
    limits = ClockLimits(due_soon_days_by_kind={ClockKind.HANDLE: 10})
    assert deadlines.stored_view(clock, now=now, limits=limits).state == ClockState.DUE_SOON.value
    assert deadlines.view(clock, now=now, calendar=CALENDAR, limits=limits).state == ClockState.DUE_SOON.value


def test_the_stored_due_moment_is_shown_in_the_bureau_zone() -> None:
    clock = _clock(ClockKind.HANDLE, STARTS[0])
    assert deadlines.stored_view(clock, now=STARTS[0]).due_at.tzinfo == BUREAU_TZ
