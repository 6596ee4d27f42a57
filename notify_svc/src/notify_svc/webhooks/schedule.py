"""The retry plan of webhook deliveries: what an attempt's result means and when the next attempt runs.

The plan is the example retry schedule of the Standard Webhooks specification 1.0.0 ("Deliverability and
reliability", https://www.standardwebhooks.com/), which extends Svix's published schedule (immediately, 5 s, 5 min,
30 min, 2 h, 5 h, 10 h, 10 h; https://docs.svix.com/retries) with longer waits so that it spans about three days:

    attempt      1     2     3      4       5     6     7      8      9      10
    wait before  0     5 s   5 min  30 min  2 h   5 h   10 h   14 h   20 h   24 h
    since first  0     5 s   5:05   35:05   2:35  7:35  17:35  31:35  51:35  75:35:05

Each wait starts when the preceding attempt failed and is jittered by ±20 % (uniform), so that endpoints that fail
together are not retried in lockstep. Status handling follows the same section of the specification: 2xx is success;
3xx is a failure (redirects are not followed: the subscriber should update its URL); 410 Gone disables the endpoint;
429 and 503 are retried no earlier than their ``Retry-After`` (capped at 24 h, never earlier than the plan); every
other status, a timeout or a connection error is retried. When the last attempt fails too, the message is given up and
the endpoint disabled, and its owner has to be told through another channel.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from enum import StrEnum

PLAN: tuple[timedelta, ...] = (
    timedelta(0),
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=24),
)
"""``PLAN[n - 1]`` is the wait before attempt ``n`` (1-based), counted from the failure of attempt ``n - 1``."""

MAX_ATTEMPTS = len(PLAN)
JITTER = 0.2
RETRY_AFTER_CAP = timedelta(hours=24)
RETRY_AFTER_STATUSES = frozenset({429, 503})


class Outcome(StrEnum):
    """What one delivery attempt's result means."""

    DELIVERED = "delivered"
    RETRY = "retry"
    RETRY_AFTER = "retry_after"  # retry, honouring the response's Retry-After
    ENDPOINT_GONE = "endpoint_gone"  # 410: disable the endpoint, no more attempts


class Action(StrEnum):
    DONE = "done"
    RETRY = "retry"
    DISABLE_ENDPOINT = "disable_endpoint"


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do after an attempt; ``reason`` is a stable machine code for the delivery record."""

    action: Action
    reason: str
    next_attempt_at: datetime | None = None


def classify(status_code: int | None, error: BaseException | None = None) -> Outcome:
    """The outcome of an attempt from its response status, or ``None`` and the error when there was no response."""
    if status_code is None:
        if error is None:
            raise ValueError("an attempt without a response must carry its error")
        return Outcome.RETRY
    if not 100 <= status_code <= 999:
        raise ValueError(f"not an HTTP status code: {status_code}")
    if 200 <= status_code <= 299:
        return Outcome.DELIVERED
    if status_code == 410:
        return Outcome.ENDPOINT_GONE
    if status_code in RETRY_AFTER_STATUSES:
        return Outcome.RETRY_AFTER
    return Outcome.RETRY


def parse_retry_after(value: str | None, *, now: datetime) -> timedelta | None:
    """``Retry-After`` as a wait from ``now`` (RFC 9110 §10.2.3: delay-seconds or HTTP-date); ``None`` if unusable.

    A date in the past means no wait; the result is not capped here.
    """
    if value is None or not (text := value.strip()):
        return None
    if text.isascii() and text.isdigit():
        return timedelta(seconds=min(int(text), 10**9))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # "-0000" (no zone information) is read as GMT, as HTTP-date is
    return max(when - now, timedelta(0))


def planned_wait(attempt_no: int, *, rng: random.Random) -> timedelta:
    """The jittered wait before attempt ``attempt_no`` (2 … ``MAX_ATTEMPTS``): ``PLAN[attempt_no - 1]`` × [0.8, 1.2]."""
    if not 1 <= attempt_no <= MAX_ATTEMPTS:
        raise ValueError(f"attempt numbers run from 1 to {MAX_ATTEMPTS}")
    factor = 1 - JITTER + 2 * JITTER * rng.random()
    return PLAN[attempt_no - 1] * factor


def next_attempt(
    attempt_no: int, *, now: datetime, retry_after: str | None = None, rng: random.Random
) -> datetime | None:
    """When to run the attempt after failed attempt ``attempt_no`` (1-based), or ``None`` when the plan is used up.

    ``retry_after`` is the response's ``Retry-After`` header; pass it for 429 and 503 only (``decide`` does). It can
    push the next attempt later than the plan, by at most ``RETRY_AFTER_CAP`` from ``now``, never earlier.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if attempt_no < 1:
        raise ValueError("attempt numbers start at 1")
    if attempt_no >= MAX_ATTEMPTS:
        return None
    planned = now + planned_wait(attempt_no + 1, rng=rng)
    requested = parse_retry_after(retry_after, now=now)
    if requested is None:
        return planned
    return max(planned, now + min(requested, RETRY_AFTER_CAP))


def decide(
    attempt_no: int,
    *,
    status_code: int | None,
    error: BaseException | None = None,
    retry_after: str | None = None,
    now: datetime,
    rng: random.Random,
) -> Decision:
    """The whole rule for one finished attempt: classify it, then stop, disable the endpoint or schedule a retry."""
    outcome = classify(status_code, error)
    if outcome is Outcome.DELIVERED:
        return Decision(Action.DONE, "delivered")
    if outcome is Outcome.ENDPOINT_GONE:
        return Decision(Action.DISABLE_ENDPOINT, "endpoint_gone")
    honoured = retry_after if outcome is Outcome.RETRY_AFTER else None
    when = next_attempt(attempt_no, now=now, retry_after=honoured, rng=rng)
    if when is None:
        return Decision(Action.DISABLE_ENDPOINT, "attempts_exhausted")
    return Decision(Action.RETRY, "retry_scheduled", when)
