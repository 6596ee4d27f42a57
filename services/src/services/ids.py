"""Time-ordered identifiers (UUID version 7, RFC 9562) so ids sort by creation time."""

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last_ms = 0
_counter = 0

# Random bits come from the operating system's generator, 4 KiB at a time: ``os.urandom`` releases the GIL for its
# system call, and a thread that wants the GIL back waits for whichever thread took it (seen at 40 times the
# isolated cost of an id while other threads were busy). 10 bytes an id, so one call per 409 ids.
_POOL_BYTES = 4096
_pool = b""
_pool_at = 0


def _random_bytes(count: int) -> bytes:
    """``count`` fresh bytes of the pool (called under ``_lock``; never hands out the same bytes twice)."""
    global _pool, _pool_at
    if _pool_at + count > len(_pool):
        _pool, _pool_at = os.urandom(_POOL_BYTES), 0
    start, _pool_at = _pool_at, _pool_at + count
    return _pool[start:_pool_at]


def uuid7() -> uuid.UUID:
    """A UUIDv7 that is monotonic within one process, even inside one millisecond."""
    global _last_ms, _counter
    with _lock:
        now_ms = time.time_ns() // 1_000_000
        random = _random_bytes(10)
        if now_ms <= _last_ms:
            _counter += 1
            if _counter > 0xFFF:
                _last_ms += 1
                _counter = 0
            now_ms = _last_ms
        else:
            _last_ms = now_ms
            _counter = int.from_bytes(random[8:], "big") & 0x3FF
        rand_b = int.from_bytes(random[:8], "big") & ((1 << 62) - 1)
    value = (now_ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= (_counter & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand_b
    return uuid.UUID(int=value)
