"""Watches notify_svc's notification list and records when each petition's receipt first appears.

Pages forward through ``GET /notify/v1/notifications`` every ``interval`` seconds. Notification ids are
UUIDv7 made when the consumer handles the event, but a row becomes visible when its transaction commits, which
under load is not in id order. So each scan starts from a synthetic id ``lag_ms`` before the newest id seen,
or earlier: down to the id of the oldest petition still awaited (its receipt is made after it), but at most
``max_lag_ms`` back. That is cheap when the system keeps up and wide enough when it does not. A sweep every
``sweep_every`` seconds over the last ``sweep_window_ms`` catches receipts whose ids lie below where the fast
scans start (counted as found_by_sweep: their times are only that coarse).
"""

import asyncio
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import httpx
from loadgen import ms, percentile

from services.http.pagination import MAX_LIMIT, encode_cursor

MAX_PAGES_PER_SCAN = 50


def uuid7_floor(unix_ms: int) -> uuid.UUID:
    """The smallest UUIDv7 of a millisecond: every id made in or after it sorts above."""
    return uuid.UUID(int=(unix_ms << 80) | (0x7 << 76) | (0b10 << 62))


def uuid7_ms(value: str) -> int:
    return uuid.UUID(value).int >> 80


@dataclass
class WatchStats:
    scans: int = 0
    sweeps: int = 0
    requests: int = 0
    request_seconds: list[float] = field(default_factory=list)
    found_by_sweep: int = 0
    errors: Counter = field(default_factory=Counter)

    def summary(self, interval: float, lag_ms: tuple[int, int], sweep_every: float, elapsed: float) -> dict:
        return {
            "interval_ms": round(interval * 1000),
            "lag_ms": {"min": lag_ms[0], "max": lag_ms[1]},
            "sweep_every_s": sweep_every,
            "scans": self.scans,
            "mean_scan_period_ms": round(elapsed / self.scans * 1000, 1) if self.scans else None,
            "requests": self.requests,
            "request_ms": {
                "p50": ms(percentile(self.request_seconds, 50)),
                "p99": ms(percentile(self.request_seconds, 99)),
            },
            "found_by_sweep": self.found_by_sweep,
            "errors": dict(self.errors),
        }


class NotificationWatcher:
    def __init__(
        self,
        client: httpx.AsyncClient,
        url: str,
        headers: dict[str, str],
        *,
        interval: float = 0.02,
        lag_ms: int = 100,
        max_lag_ms: int = 500,
        sweep_every: float = 1.0,
        sweep_window_ms: int = 3000,
        template: str = "petition.receipt",
    ) -> None:
        self.client, self.url, self.headers = client, url, headers
        self.interval, self.lag_ms, self.max_lag_ms = interval, lag_ms, max_lag_ms
        self.sweep_every, self.sweep_window_ms = sweep_every, sweep_window_ms
        self.template = template
        self.first_seen: dict[str, float] = {}  # petition id -> monotonic time its receipt was first listed
        self.stats = WatchStats()
        self._seen_ids: set[str] = set()
        self._awaited: dict[str, int] = {}  # petition id -> unix ms in its UUIDv7
        self._newest_ms = time.time_ns() // 1_000_000 - 1000
        self._fast_floor_ms = self._newest_ms
        self._started = time.monotonic()

    def expect(self, petition_id: str) -> None:
        """A petition was accepted: keep scanning back to its creation until its receipt is seen."""
        if petition_id not in self.first_seen:
            self._awaited[petition_id] = uuid7_ms(petition_id)

    def _floor_ms(self) -> int:
        floor = self._newest_ms - self.lag_ms
        if self._awaited:
            floor = min(floor, max(min(self._awaited.values()), self._newest_ms - self.max_lag_ms))
        return floor

    async def run(self) -> None:
        """Poll until cancelled."""
        self._started = time.monotonic()
        next_sweep = self._started + self.sweep_every
        while True:
            began = time.monotonic()
            self._fast_floor_ms = self._floor_ms()
            await self._scan(self._fast_floor_ms, sweep=False)
            if time.monotonic() >= next_sweep:
                await self._scan(self._newest_ms - self.sweep_window_ms, sweep=True)
                next_sweep = time.monotonic() + self.sweep_every
            await asyncio.sleep(max(0.0, self.interval - (time.monotonic() - began)))

    def summary(self) -> dict:
        elapsed = time.monotonic() - self._started
        return self.stats.summary(self.interval, (self.lag_ms, self.max_lag_ms), self.sweep_every, elapsed)

    async def _scan(self, floor_ms: int, *, sweep: bool) -> None:
        self.stats.sweeps += sweep
        self.stats.scans += not sweep
        cursor: str | None = encode_cursor({"id": str(uuid7_floor(floor_ms))})
        for _ in range(MAX_PAGES_PER_SCAN):
            page = await self._get(cursor)
            if page is None:
                return
            self._absorb(page["items"], sweep=sweep)
            cursor = page.get("next")
            if not cursor:
                return

    async def _get(self, cursor: str | None) -> dict | None:
        began = time.monotonic()
        self.stats.requests += 1
        try:
            response = await self.client.get(
                self.url, params={"limit": MAX_LIMIT, "cursor": cursor}, headers=self.headers
            )
        except httpx.HTTPError as exc:
            self.stats.errors[type(exc).__name__] += 1
            return None
        self.stats.request_seconds.append(time.monotonic() - began)
        if response.status_code != 200:
            self.stats.errors[str(response.status_code)] += 1
            return None
        return response.json()

    def _absorb(self, items: list[dict], *, sweep: bool) -> None:
        now = time.monotonic()
        for item in items:
            if item["id"] in self._seen_ids:
                continue
            self._seen_ids.add(item["id"])
            self._newest_ms = max(self._newest_ms, uuid7_ms(item["id"]))
            petition_id = item["petition_id"]
            if item["template_key"] == self.template and petition_id:
                self.first_seen.setdefault(petition_id, now)
                was_awaited = self._awaited.pop(petition_id, None) is not None
                below_fast_scans = uuid7_ms(item["id"]) < self._fast_floor_ms
                self.stats.found_by_sweep += sweep and was_awaited and below_fast_scans
