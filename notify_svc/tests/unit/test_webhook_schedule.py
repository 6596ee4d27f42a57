"""notify_svc.webhooks.schedule: the retry plan, Retry-After and the classification of attempt results."""

import random
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest

from notify_svc.webhooks.schedule import (
    JITTER,
    MAX_ATTEMPTS,
    PLAN,
    RETRY_AFTER_CAP,
    Action,
    Decision,
    Outcome,
    classify,
    decide,
    next_attempt,
    parse_retry_after,
    planned_wait,
)

NOW = datetime(2026, 11, 29, 3, 0, 0, tzinfo=UTC)


class FixedRandom(random.Random):
    """A random source that always draws the same value in [0, 1)."""

    def __init__(self, value: float) -> None:
        super().__init__(0)
        self.value = value

    def random(self) -> float:
        return self.value


MIDDLE = FixedRandom(0.5)  # no jitter
LOWEST = FixedRandom(0.0)  # -20 %
HIGHEST = FixedRandom(1.0)  # +20 % (the closed bound; random() itself stays below 1)


# --- the plan ----------------------------------------------------------------------------------------------------

SPEC_TABLE = [  # Standard Webhooks 1.0.0, "example retry schedule": (wait, time since start)
    ("0s", "00:00:00"),
    ("5s", "00:00:05"),
    ("5m", "00:05:05"),
    ("30m", "00:35:05"),
    ("2h", "02:35:05"),
    ("5h", "07:35:05"),
    ("10h", "17:35:05"),
    ("14h", "31:35:05"),
    ("20h", "51:35:05"),
    ("24h", "75:35:05"),
]


def _duration(text: str) -> timedelta:
    unit = {"s": "seconds", "m": "minutes", "h": "hours"}[text[-1]]
    return timedelta(**{unit: int(text[:-1])})


def _clock(text: str) -> timedelta:
    hours, minutes, seconds = (int(part) for part in text.split(":"))
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)


def test_plan_is_the_standard_webhooks_example_schedule() -> None:
    assert [_duration(wait) for wait, _ in SPEC_TABLE] == list(PLAN)
    assert MAX_ATTEMPTS == 10


@pytest.mark.parametrize("attempt_no", range(1, MAX_ATTEMPTS + 1))
def test_plan_elapsed_time_matches_the_table(attempt_no: int) -> None:
    assert sum(PLAN[:attempt_no], timedelta()) == _clock(SPEC_TABLE[attempt_no - 1][1])


def test_plan_spans_about_three_days() -> None:
    assert timedelta(days=3) <= sum(PLAN, timedelta()) <= timedelta(days=3, hours=4)


def test_plan_never_shortens() -> None:
    assert all(earlier <= later for earlier, later in zip(PLAN, PLAN[1:], strict=False))


@pytest.mark.parametrize("attempt_no", range(1, MAX_ATTEMPTS + 1))
@pytest.mark.parametrize(("rng", "factor"), [(LOWEST, 1 - JITTER), (MIDDLE, 1.0), (HIGHEST, 1 + JITTER)])
def test_planned_wait_jitter_bounds(attempt_no: int, rng: random.Random, factor: float) -> None:
    assert planned_wait(attempt_no, rng=rng) == PLAN[attempt_no - 1] * factor


@pytest.mark.parametrize("attempt_no", range(2, MAX_ATTEMPTS + 1))
def test_planned_wait_stays_within_twenty_percent_for_a_seeded_source(attempt_no: int) -> None:
    rng = random.Random(20261129)
    waits = [planned_wait(attempt_no, rng=rng) for _ in range(200)]
    base = PLAN[attempt_no - 1]
    assert all(base * 0.8 <= wait <= base * 1.2 for wait in waits)
    assert len(set(waits)) > 150  # actually jittered
    assert min(waits) < base * 0.85 and max(waits) > base * 1.15  # spread over the whole band


def test_planned_wait_is_reproducible_with_the_same_seed() -> None:
    first = [planned_wait(5, rng=random.Random(7)) for _ in range(3)]
    assert first == [planned_wait(5, rng=random.Random(7)) for _ in range(3)]


@pytest.mark.parametrize("attempt_no", [0, -1, MAX_ATTEMPTS + 1])
def test_planned_wait_refuses_attempts_outside_the_plan(attempt_no: int) -> None:
    with pytest.raises(ValueError):
        planned_wait(attempt_no, rng=MIDDLE)


# --- next_attempt ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("attempt_no", range(1, MAX_ATTEMPTS))
def test_next_attempt_follows_the_plan(attempt_no: int) -> None:
    assert next_attempt(attempt_no, now=NOW, rng=MIDDLE) == NOW + PLAN[attempt_no]


@pytest.mark.parametrize("attempt_no", [MAX_ATTEMPTS, MAX_ATTEMPTS + 3])
def test_next_attempt_after_the_last_gives_up(attempt_no: int) -> None:
    assert next_attempt(attempt_no, now=NOW, rng=MIDDLE) is None
    assert next_attempt(attempt_no, now=NOW, retry_after="5", rng=MIDDLE) is None


def test_next_attempt_refuses_bad_input() -> None:
    with pytest.raises(ValueError):
        next_attempt(0, now=NOW, rng=MIDDLE)
    with pytest.raises(ValueError):
        next_attempt(1, now=NOW.replace(tzinfo=None), rng=MIDDLE)


def test_next_attempt_is_relative_to_now_in_any_zone() -> None:
    beijing = NOW.astimezone(timezone(timedelta(hours=8)))
    assert next_attempt(3, now=beijing, rng=MIDDLE) == NOW + PLAN[3]


@pytest.mark.parametrize(
    ("attempt_no", "retry_after", "expected_wait"),
    [
        (1, "120", timedelta(seconds=120)),  # later than the plan's 5 s: honoured
        (3, "120", timedelta(minutes=30)),  # earlier than the plan's 30 min: the plan wins
        (3, "3600", timedelta(hours=1)),
        (4, "0", timedelta(hours=2)),
        (2, str(7 * 24 * 3600), timedelta(hours=24)),  # a week is capped at 24 h
        (2, "99999999999999999999", timedelta(hours=24)),
        (9, "172800", timedelta(hours=24)),  # the plan's 24 h equals the cap
        (1, "Sun, 29 Nov 2026 05:00:00 GMT", timedelta(hours=2)),  # HTTP-date
        (1, "Sun, 29 Nov 2026 02:00:00 GMT", timedelta(seconds=5)),  # a past date: the plan
        (1, "Tue, 01 Dec 2026 03:00:00 GMT", timedelta(hours=24)),  # a date two days out: capped
        (1, "Sunday, 29-Nov-26 04:00:00 GMT", timedelta(hours=1)),  # obsolete RFC 850 form
        (1, "soon", timedelta(seconds=5)),  # unusable: the plan
        (1, "-60", timedelta(seconds=5)),
        (1, "1.5", timedelta(seconds=5)),
        (1, "", timedelta(seconds=5)),
        (1, None, timedelta(seconds=5)),
    ],
)
def test_next_attempt_honours_retry_after_within_bounds(
    attempt_no: int, retry_after: str | None, expected_wait: timedelta
) -> None:
    assert next_attempt(attempt_no, now=NOW, retry_after=retry_after, rng=MIDDLE) == NOW + expected_wait


@pytest.mark.parametrize("rng", [LOWEST, HIGHEST])
def test_retry_after_is_never_earlier_than_the_jittered_plan(rng: random.Random) -> None:
    planned = next_attempt(5, now=NOW, rng=rng)
    assert next_attempt(5, now=NOW, retry_after="60", rng=rng) == planned


# --- parse_retry_after -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", timedelta(0)),
        ("30", timedelta(seconds=30)),
        (" 30 ", timedelta(seconds=30)),
        ("Sun, 29 Nov 2026 03:00:30 GMT", timedelta(seconds=30)),
        ("Sun, 29 Nov 2026 03:00:30 -0000", timedelta(seconds=30)),
        ("Sun, 29 Nov 2026 11:00:30 +0800", timedelta(seconds=30)),
        ("Sun, 29 Nov 2026 02:59:00 GMT", timedelta(0)),
        ("३०", None),  # non-ASCII digits are not delay-seconds
        ("30s", None),
        ("Sun, 32 Nov 2026 03:00:30 GMT", None),
        ("   ", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | None, expected: timedelta | None) -> None:
    assert parse_retry_after(value, now=NOW) == expected


# --- classify ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status_code", "expected"),
    [
        (200, Outcome.DELIVERED),
        (201, Outcome.DELIVERED),
        (202, Outcome.DELIVERED),
        (204, Outcome.DELIVERED),
        (299, Outcome.DELIVERED),
        (100, Outcome.RETRY),
        (199, Outcome.RETRY),
        (300, Outcome.RETRY),  # 3xx: a failure, redirects are not followed
        (301, Outcome.RETRY),
        (302, Outcome.RETRY),
        (307, Outcome.RETRY),
        (308, Outcome.RETRY),
        (400, Outcome.RETRY),
        (401, Outcome.RETRY),
        (403, Outcome.RETRY),
        (404, Outcome.RETRY),
        (408, Outcome.RETRY),
        (409, Outcome.RETRY),
        (410, Outcome.ENDPOINT_GONE),
        (413, Outcome.RETRY),
        (422, Outcome.RETRY),
        (429, Outcome.RETRY_AFTER),
        (500, Outcome.RETRY),
        (501, Outcome.RETRY),
        (502, Outcome.RETRY),
        (503, Outcome.RETRY_AFTER),
        (504, Outcome.RETRY),
        (599, Outcome.RETRY),
        (999, Outcome.RETRY),
    ],
)
def test_classify_status(status_code: int, expected: Outcome) -> None:
    assert classify(status_code) is expected
    assert classify(status_code, None) is expected


@pytest.mark.parametrize(
    "error",
    [
        httpx.ConnectTimeout("connect"),
        httpx.ReadTimeout("read"),
        httpx.ConnectError("refused"),
        httpx.RemoteProtocolError("reset"),
        TimeoutError(),
        ConnectionResetError(),
        OSError("unreachable"),
    ],
)
def test_classify_errors_without_a_response_are_retried(error: BaseException) -> None:
    assert classify(None, error) is Outcome.RETRY


@pytest.mark.parametrize("status_code", [0, 99, -1, 1000])
def test_classify_refuses_impossible_status(status_code: int) -> None:
    with pytest.raises(ValueError):
        classify(status_code)


def test_classify_needs_a_status_or_an_error() -> None:
    with pytest.raises(ValueError):
        classify(None, None)


# --- decide ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("attempt_no", [1, 5, MAX_ATTEMPTS])
@pytest.mark.parametrize("status_code", [200, 204, 299])
def test_decide_success_is_done_at_any_attempt(attempt_no: int, status_code: int) -> None:
    assert decide(attempt_no, status_code=status_code, now=NOW, rng=MIDDLE) == Decision(Action.DONE, "delivered")


@pytest.mark.parametrize("attempt_no", [1, 5, MAX_ATTEMPTS])
def test_decide_gone_disables_at_once(attempt_no: int) -> None:
    decision = decide(attempt_no, status_code=410, retry_after="60", now=NOW, rng=MIDDLE)
    assert decision == Decision(Action.DISABLE_ENDPOINT, "endpoint_gone")


@pytest.mark.parametrize("status_code", [None, 301, 404, 500, 502, 504, 429, 503])
def test_decide_after_the_last_attempt_gives_up_and_disables(status_code: int | None) -> None:
    decision = decide(MAX_ATTEMPTS, status_code=status_code, error=TimeoutError(), now=NOW, rng=MIDDLE)
    assert decision == Decision(Action.DISABLE_ENDPOINT, "attempts_exhausted")


@pytest.mark.parametrize("attempt_no", range(1, MAX_ATTEMPTS))
@pytest.mark.parametrize("status_code", [None, 302, 400, 404, 500, 502])
def test_decide_failures_follow_the_plan(attempt_no: int, status_code: int | None) -> None:
    decision = decide(attempt_no, status_code=status_code, error=httpx.ReadTimeout("t"), now=NOW, rng=MIDDLE)
    assert decision == Decision(Action.RETRY, "retry_scheduled", NOW + PLAN[attempt_no])


@pytest.mark.parametrize("status_code", [429, 503])
def test_decide_honours_retry_after_for_429_and_503(status_code: int) -> None:
    decision = decide(1, status_code=status_code, retry_after="600", now=NOW, rng=MIDDLE)
    assert decision == Decision(Action.RETRY, "retry_scheduled", NOW + timedelta(minutes=10))


@pytest.mark.parametrize("status_code", [500, 502, 504, 400, 301])
def test_decide_ignores_retry_after_for_other_statuses(status_code: int) -> None:
    decision = decide(1, status_code=status_code, retry_after="600", now=NOW, rng=MIDDLE)
    assert decision.next_attempt_at == NOW + PLAN[1]


def test_decide_caps_retry_after() -> None:
    decision = decide(2, status_code=429, retry_after=str(30 * 24 * 3600), now=NOW, rng=MIDDLE)
    assert decision.next_attempt_at == NOW + RETRY_AFTER_CAP


def test_a_message_failing_every_time_takes_about_three_days_then_disables() -> None:
    rng, now, attempt_no = random.Random(42), NOW, 1
    decision = decide(attempt_no, status_code=500, now=now, rng=rng)
    while decision.action is Action.RETRY:
        assert decision.next_attempt_at is not None and decision.next_attempt_at >= now
        now, attempt_no = decision.next_attempt_at, attempt_no + 1
        decision = decide(attempt_no, status_code=500, now=now, rng=rng)
    assert attempt_no == MAX_ATTEMPTS
    assert decision == Decision(Action.DISABLE_ENDPOINT, "attempts_exhausted")
    total = sum(PLAN, timedelta())
    assert total * 0.8 <= now - NOW <= total * 1.2
