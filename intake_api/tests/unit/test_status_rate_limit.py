"""intake_api.petitions.ratelimit: the token buckets of the public status query."""

from intake_api.petitions.ratelimit import TokenBuckets


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_allows_the_burst_then_asks_to_wait() -> None:
    clock = Clock()
    buckets = TokenBuckets(per_minute=3, clock=clock)
    assert [buckets.take("a") for _ in range(3)] == [0, 0, 0]
    assert buckets.take("a") == 20  # one token every 20 s
    clock.now += 10
    assert buckets.take("a") == 10
    clock.now += 10
    assert buckets.take("a") == 0


def test_keys_are_independent() -> None:
    buckets = TokenBuckets(per_minute=1, clock=Clock())
    assert buckets.take("a") == 0
    assert buckets.take("a") > 0
    assert buckets.take("b") == 0


def test_refill_never_exceeds_capacity() -> None:
    clock = Clock()
    buckets = TokenBuckets(per_minute=2, clock=clock)
    buckets.take("a")
    clock.now += 3600
    assert [buckets.take("a") for _ in range(3)][:2] == [0, 0]
    assert buckets.take("a") > 0


def test_wait_is_at_least_one_second() -> None:
    clock = Clock()
    buckets = TokenBuckets(per_minute=600, clock=clock)  # a token every 0.1 s
    for _ in range(600):
        assert buckets.take("a") == 0
    assert buckets.take("a") == 1


def test_the_number_of_keys_is_bounded() -> None:
    buckets = TokenBuckets(per_minute=1, max_keys=3, clock=Clock())
    for key in "abcd":
        buckets.take(key)
    assert buckets.take("a") == 0  # forgotten (oldest), so full again
    assert buckets.take("d") > 0  # still remembered
