"""services.ids.uuid7: RFC 9562 layout, strict monotonicity, the millisecond time prefix."""

import random
import time
import uuid

from services import ids
from services.ids import uuid7


def test_version_and_variant_bits() -> None:
    value = uuid7()
    assert value.version == 7
    assert value.variant == uuid.RFC_4122
    assert (value.int >> 76) & 0xF == 0x7
    assert (value.int >> 62) & 0b11 == 0b10


def test_strictly_increasing_over_ten_thousand_calls() -> None:
    values = [uuid7() for _ in range(10_000)]
    assert all(a.int < b.int for a, b in zip(values, values[1:], strict=False))
    assert len({v.int for v in values}) == 10_000


def test_time_prefix_is_the_creation_millisecond() -> None:
    time.sleep(0.002)  # leave any millisecond an earlier burst may have borrowed
    before_ms = time.time_ns() // 1_000_000
    value = uuid7()
    after_ms = time.time_ns() // 1_000_000
    assert before_ms <= value.int >> 80 <= after_ms


def test_same_millisecond_counts_up_then_borrows_the_next_millisecond(monkeypatch) -> None:
    frozen_ms = 1_800_000_000_000
    monkeypatch.setattr(ids.time, "time_ns", lambda: frozen_ms * 1_000_000)
    monkeypatch.setattr(ids, "_last_ms", frozen_ms)
    monkeypatch.setattr(ids, "_counter", 0xFFE)

    last_in_ms, borrowed = uuid7(), uuid7()

    assert (last_in_ms.int >> 80, (last_in_ms.int >> 64) & 0xFFF) == (frozen_ms, 0xFFF)
    assert (borrowed.int >> 80, (borrowed.int >> 64) & 0xFFF) == (frozen_ms + 1, 0)
    assert last_in_ms.int < borrowed.int


def test_clock_going_back_keeps_the_last_millisecond(monkeypatch) -> None:
    last_ms = 1_800_000_000_000
    monkeypatch.setattr(ids.time, "time_ns", lambda: (last_ms - 5) * 1_000_000)
    monkeypatch.setattr(ids, "_last_ms", last_ms)
    monkeypatch.setattr(ids, "_counter", 7)

    value = uuid7()

    assert (value.int >> 80, (value.int >> 64) & 0xFFF) == (last_ms, 8)


def test_random_bits_are_never_reused_across_pool_refills(monkeypatch) -> None:
    calls = []

    def counting_urandom(count: int) -> bytes:
        calls.append(count)
        return random.Random(len(calls)).randbytes(count)  # distinct pools, reproducible

    monkeypatch.setattr(ids.os, "urandom", counting_urandom)
    monkeypatch.setattr(ids, "_pool", b"")
    monkeypatch.setattr(ids, "_pool_at", 0)

    per_pool = ids._POOL_BYTES // 10
    values = [uuid7() for _ in range(per_pool + 1)]

    assert calls == [ids._POOL_BYTES, ids._POOL_BYTES]  # one system call per pool, a new pool when it runs out
    random_parts = [v.int & ((1 << 62) - 1) for v in values]
    assert len(set(random_parts)) == len(random_parts)
