"""An in-memory token bucket per key (client IP, tracking number) for the public status query.

In one process only: behind several processes each keeps its own buckets, which multiplies the allowance by the
number of processes; the gateway's limit stays the outer bound (ADR 0008)."""

import math
import time
from collections import OrderedDict
from collections.abc import Callable


class TokenBuckets:
    def __init__(self, *, per_minute: int, max_keys: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str) -> int:
        """0 when a token was taken; otherwise the seconds to wait (at least 1) before one is there."""
        now = self.clock()
        tokens, last = self._buckets.pop(key, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.rate)
        if tokens >= 1:
            self._store(key, tokens - 1, now)
            return 0
        self._store(key, tokens, now)
        return max(1, math.ceil((1 - tokens) / self.rate))

    def _store(self, key: str, tokens: float, now: float) -> None:
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
