"""routing_svc.clocks.rules, property-style: invariants over every event day of 2026 and seeded random pauses."""

import random
from datetime import date, datetime, timedelta

import pytest

from routing_svc.clocks.calendar import ChineseHolidayCalendar, YearSchedule, official_calendar
from routing_svc.clocks.kinds import ClockKind, DayCount, clock_rule
from routing_svc.clocks.rules import BUREAU_TZ, ClockState, Pause, clock_status, compute_due

SCHEDULE_2027 = YearSchedule(2027, frozenset({date(2027, 1, 1), date(2027, 2, 8), date(2027, 2, 9)}))  # test data
CALENDAR = official_calendar([SCHEDULE_2027])
EVENT_DAYS = [date(2026, 1, 1) + timedelta(days=n) for n in range(365)]
KINDS = [kind for kind in ClockKind if kind is not ClockKind.EXTENSION]
SEEDS = range(40)


def local(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=BUREAU_TZ)


def between(first: date, last: date) -> list[date]:
    """The days after `first` up to and including `last`."""
    return [first + timedelta(days=n) for n in range(1, (last - first).days + 1)]


def random_pauses(rng: random.Random, event: date) -> list[Pause]:
    starts = [event + timedelta(days=rng.randint(-10, 70)) for _ in range(rng.randint(1, 3))]
    return [Pause(start, start + timedelta(days=rng.randint(0, 12))) for start in starts]


@pytest.mark.parametrize("kind", KINDS)
def test_due_day_is_always_a_working_day_and_the_first_one_possible(kind: ClockKind) -> None:
    rule = clock_rule(kind)
    for event in EVENT_DAYS:
        result = compute_due(kind=kind, started_at=local(event), calendar=CALENDAR)
        assert CALENDAR.is_working_day(result.due_date), (kind, event)
        assert not result.provisional
        working = [day for day in between(event, result.due_date) if CALENDAR.is_working_day(day)]
        if rule.count is DayCount.WORKING:
            assert len(working) == rule.days, (kind, event)
        else:
            last = event + timedelta(days=rule.days)
            assert result.due_date >= last
            assert [day for day in working if day >= last] == [result.due_date], (kind, event)
            assert (result.shift is None) is (result.due_date == last)


def test_a_longer_limit_never_ends_earlier() -> None:
    for event in EVENT_DAYS:
        dues = [
            compute_due(kind=ClockKind.HANDLE, started_at=local(event), calendar=CALENDAR, extension_days=n)
            for n in range(31)
        ]
        assert [d.due_date for d in dues] == sorted(d.due_date for d in dues), event


@pytest.mark.parametrize("seed", SEEDS)
def test_adding_pauses_never_makes_the_due_day_earlier(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(25):
        kind, event = rng.choice(KINDS), rng.choice(EVENT_DAYS)
        pauses = random_pauses(rng, event)
        plain = compute_due(kind=kind, started_at=local(event), calendar=CALENDAR)
        paused = compute_due(kind=kind, started_at=local(event), calendar=CALENDAR, pauses=pauses)
        assert paused.due_date >= plain.due_date, (kind, event, pauses)
        assert not any(pause.covers(paused.due_date) for pause in pauses)
        assert CALENDAR.is_working_day(paused.due_date)
        more = compute_due(
            kind=kind, started_at=local(event), calendar=CALENDAR, pauses=pauses + random_pauses(rng, event)
        )
        assert more.due_date >= paused.due_date


@pytest.mark.parametrize("seed", SEEDS)
def test_paused_days_push_a_calendar_limit_by_at_least_their_number(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(25):
        event = rng.choice(EVENT_DAYS)
        pauses = random_pauses(rng, event)
        result = compute_due(kind=ClockKind.RE_REVIEW_ANSWER, started_at=local(event), calendar=CALENDAR, pauses=pauses)
        assert result.due_date >= event + timedelta(days=30 + result.paused_days)
        counted = [day for day in between(event, result.due_date) if not any(p.covers(day) for p in pauses)]
        assert len(counted) >= 30


@pytest.mark.parametrize("seed", SEEDS)
def test_a_pause_after_the_due_day_changes_nothing(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(25):
        kind, event = rng.choice(KINDS), rng.choice(EVENT_DAYS)
        plain = compute_due(kind=kind, started_at=local(event), calendar=CALENDAR)
        later = plain.due_date + timedelta(days=rng.randint(1, 20))
        pauses = [Pause(later, later + timedelta(days=rng.randint(0, 5)))]
        assert compute_due(kind=kind, started_at=local(event), calendar=CALENDAR, pauses=pauses) == plain


@pytest.mark.parametrize("hour", range(24))
def test_the_local_date_decides_whatever_the_hour(hour: int) -> None:
    for event in EVENT_DAYS[::7]:
        at_hour = compute_due(kind=ClockKind.OBJECT, started_at=local(event, hour), calendar=CALENDAR)
        assert at_hour == compute_due(kind=ClockKind.OBJECT, started_at=local(event), calendar=CALENDAR)


@pytest.mark.parametrize("kind", KINDS)
def test_states_only_move_forward_while_the_clock_runs(kind: ClockKind) -> None:
    order = [ClockState.RUNNING, ClockState.DUE_SOON, ClockState.OVERDUE]
    for event in EVENT_DAYS[::15]:
        started = local(event)
        states = [
            clock_status(kind=kind, started_at=started, at=started + timedelta(hours=12 * n), calendar=CALENDAR).state
            for n in range(2 * 80)
        ]
        ranks = [order.index(state) for state in states]
        assert ranks == sorted(ranks), (kind, event)
        assert states[-1] is ClockState.OVERDUE


def test_guessing_happens_exactly_when_the_package_lacks_a_year() -> None:
    package = ChineseHolidayCalendar()
    for event in EVENT_DAYS[-60:]:
        result = compute_due(kind=ClockKind.OBJECT, started_at=local(event), calendar=official_calendar())
        counted = between(event, result.due_date)
        expected = tuple(sorted({day.year for day in counted if not package.knows_year(day.year)}))
        assert result.calendar_missing_years == expected, event
