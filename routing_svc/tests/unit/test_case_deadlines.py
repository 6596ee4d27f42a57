"""routing_svc.cases.deadlines: when a reminder goes out, when the scheduler looks next, a case's next due moment."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from routing_svc.cases import deadlines
from routing_svc.cases.models import Case, CaseClock
from routing_svc.clocks import BUREAU_TZ, ClockKind, official_calendar

DUE = datetime(2026, 5, 4, 23, 59, 59, 999999, tzinfo=BUREAU_TZ)


@pytest.mark.parametrize(
    ("lead", "expected"),
    [
        (0, datetime(2026, 5, 4, tzinfo=BUREAU_TZ)),
        (1, datetime(2026, 5, 3, tzinfo=BUREAU_TZ)),
        (3, datetime(2026, 5, 1, tzinfo=BUREAU_TZ)),
    ],
)
def test_a_reminder_goes_out_at_the_start_of_the_local_day(lead: int, expected: datetime) -> None:
    assert deadlines.reminder_at(DUE, lead) == expected


def test_reminder_across_a_month_and_year_boundary() -> None:
    due = datetime(2027, 1, 1, 23, 59, 59, 999999, tzinfo=BUREAU_TZ)
    assert deadlines.reminder_at(due, 3) == datetime(2026, 12, 29, tzinfo=BUREAU_TZ)


@pytest.mark.parametrize(
    ("reminded", "expected"),
    [
        ((), datetime(2026, 5, 1, tzinfo=BUREAU_TZ)),
        ((3,), datetime(2026, 5, 3, tzinfo=BUREAU_TZ)),
        ((3, 1), DUE + timedelta(microseconds=1)),
    ],
)
def test_next_check_is_the_earliest_unsent_reminder_then_the_lapse(reminded: tuple, expected: datetime) -> None:
    check = deadlines.next_check(
        kind="handle", due_at=DUE, leads=(3, 1), reminded=reminded, stopped=False, lapsed=False
    )
    assert check == expected


@pytest.mark.parametrize(
    ("kind", "stopped", "lapsed"),
    [
        ("handle", True, False),
        ("handle", False, True),
        ("object", False, False),
        ("review_request", False, False),
        ("re_review_request", False, False),
    ],
)
def test_nothing_left_to_check(kind: str, stopped: bool, lapsed: bool) -> None:
    assert deadlines.next_check(kind=kind, due_at=DUE, leads=(3,), reminded=(), stopped=stopped, lapsed=lapsed) is None


@pytest.mark.parametrize("kind", sorted(deadlines.OBLIGATIONS))
def test_obligations_are_checked(kind: str) -> None:
    assert deadlines.next_check(kind=kind, due_at=DUE, leads=(), reminded=(), stopped=False, lapsed=False) == (
        DUE + timedelta(microseconds=1)
    )


@pytest.mark.parametrize(
    ("now", "reminded", "due"),
    [
        (datetime(2026, 4, 30, 23, tzinfo=BUREAU_TZ), (), []),
        (datetime(2026, 5, 1, 0, tzinfo=BUREAU_TZ), (), [3]),
        (datetime(2026, 5, 3, 9, tzinfo=BUREAU_TZ), (), [3, 1]),
        (datetime(2026, 5, 3, 9, tzinfo=BUREAU_TZ), (3,), [1]),
        (datetime(2026, 5, 3, 9, tzinfo=BUREAU_TZ), (3, 1), []),
    ],
)
def test_due_reminders(now: datetime, reminded: tuple, due: list[int]) -> None:
    assert deadlines.due_reminders(due_at=DUE, leads=(3, 1), reminded=reminded, now=now) == due


def _clock(kind: str, due: datetime, stopped: bool = False) -> CaseClock:
    return CaseClock(id=uuid4(), kind=kind, due_at=due, stopped_at=due if stopped else None)


def test_earliest_running_obligation() -> None:
    early, late = DUE - timedelta(days=10), DUE
    clocks = [
        _clock("handle", late),
        _clock("object", early - timedelta(days=1)),
        _clock("register_and_route", early),
        _clock("review_answer", early - timedelta(days=5), stopped=True),
    ]
    assert deadlines.earliest_obligation(clocks) == early
    assert deadlines.earliest_obligation([_clock("object", early)]) is None


def test_started_clock_has_its_due_date_and_first_check() -> None:
    started = datetime(2026, 3, 2, 1, 31, tzinfo=UTC)
    clock = deadlines.start_clock(
        case_id=uuid4(),
        kind=ClockKind.HANDLE,
        unit_code="320599001001",
        started_at=started,
        calendar=official_calendar(),
        leads=(7,),
    )
    assert clock.due_at == datetime(2026, 5, 6, 23, 59, 59, 999999, tzinfo=BUREAU_TZ)  # 60 days: 5-1, moved off 劳动节
    assert clock.next_check_at == datetime(2026, 4, 29, tzinfo=BUREAU_TZ)
    assert (clock.calendar_missing, clock.reminded_leads, clock.round) == (False, [], 1)


def test_a_clock_into_an_unknown_year_is_flagged() -> None:
    started = datetime(2031, 12, 1, 1, tzinfo=UTC)
    clock = deadlines.start_clock(
        case_id=uuid4(),
        kind=ClockKind.HANDLE,
        unit_code="x",
        started_at=started,
        calendar=official_calendar(),
        leads=(),
    )
    assert clock.calendar_missing is True
    view = deadlines.view(clock, now=started, calendar=official_calendar())
    assert view.calendar_note is not None and "尚未掌握" in view.calendar_note


def _counted_clock(kind: str = "handle") -> CaseClock:
    return CaseClock(id=uuid4(), case_id=uuid4(), kind=kind, due_at=DUE, stopped_at=None, lapsed_at=None)


def _counts(case: Case) -> tuple:
    return case.route_decided, case.route_in_time, case.handle_decided, case.handle_in_time


def _case() -> Case:
    return Case(route_decided=0, route_in_time=0, handle_decided=0, handle_in_time=0)


@pytest.mark.parametrize(
    ("stops", "expected"),
    [(DUE - timedelta(days=1), (0, 0, 1, 1)), (DUE, (0, 0, 1, 1)), (DUE + timedelta(seconds=1), (0, 0, 1, 0))],
)
def test_a_stopped_clock_counts_as_decided_and_in_time_when_stopped_by_its_due(stops, expected) -> None:
    case, clock = _case(), _counted_clock()
    deadlines.stop_clock(clock, at=stops, case=case)
    assert _counts(case) == expected


def test_a_lapse_counts_once_and_a_later_stop_is_not_in_time() -> None:
    case, clock = _case(), _counted_clock("register_and_route")
    deadlines.lapse_clock(clock, at=DUE + timedelta(microseconds=1), case=case)
    assert _counts(case) == (1, 0, 0, 0)
    deadlines.stop_clock(clock, at=DUE + timedelta(days=2), case=case)
    assert _counts(case) == (1, 0, 0, 0)


def test_a_lapsed_clock_extended_and_then_stopped_by_its_new_due_counts_in_time() -> None:
    case, clock = _case(), _counted_clock()
    deadlines.lapse_clock(clock, at=DUE + timedelta(microseconds=1), case=case)
    clock.due_at = DUE + timedelta(days=30)  # an extension moves the due of the running clock
    deadlines.stop_clock(clock, at=DUE + timedelta(days=2), case=case)
    assert _counts(case) == (0, 0, 1, 1)
    assert deadlines.outcome(clock) == (1, 1)


@pytest.mark.parametrize("kind", ["object", "review_answer", "review_request"])
def test_clocks_the_kpis_do_not_count_leave_the_counts_alone(kind: str) -> None:
    case, clock = _case(), _counted_clock(kind)
    deadlines.stop_clock(clock, at=DUE, case=case)
    assert _counts(case) == (0, 0, 0, 0)
