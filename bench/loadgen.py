"""Load generation for the skeleton benchmark: a closed loop of N clients and an open loop at a fixed rate."""

import asyncio
import contextlib
import ssl
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import httpx

# Called with (petition id, monotonic time the 201 arrived) for every accepted petition.
OnCreated = Callable[[str, float], None]


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of an unsorted list; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 2)


@dataclass
class LoadResult:
    seconds: float = 0.0
    ok: int = 0
    errors: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)

    def record(self, outcome: str, latency: float) -> None:
        if outcome == "201":
            self.ok += 1
            self.latencies.append(latency)
        else:
            self.errors[outcome] += 1

    def summary(self) -> dict:
        return {
            "seconds": round(self.seconds, 3),
            "accepted": self.ok,
            "rps": round(self.ok / self.seconds, 1) if self.seconds else 0.0,
            "latency_ms": {"p50": ms(percentile(self.latencies, 50)), "p99": ms(percentile(self.latencies, 99))},
            "errors": sum(self.errors.values()),
            "errors_by_kind": dict(self.errors),
        }


class ConnectionPool:
    """Keep-alive connections, one ``httpx.AsyncClient`` each, lent to one request at a time.

    Measured here: one AsyncClient sharing a pool of 32 connections costs ~9 ms of client CPU per request
    against ~3 ms with a client per connection, so the shared pool would starve the server of CPU. The clients
    share one SSL context (unused over http://): building one per client costs ~30 ms each.
    """

    def __init__(self, timeout: float = 30.0) -> None:
        self._timeout = timeout
        self._ssl = ssl.create_default_context()
        self._idle: list[httpx.AsyncClient] = []
        self._all: list[httpx.AsyncClient] = []

    @contextlib.asynccontextmanager
    async def client(self) -> AsyncIterator[httpx.AsyncClient]:
        client = self._idle.pop() if self._idle else self._new()
        try:
            yield client
        finally:
            self._idle.append(client)

    def _new(self) -> httpx.AsyncClient:
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        client = httpx.AsyncClient(limits=limits, timeout=self._timeout, verify=self._ssl)
        self._all.append(client)
        return client

    @property
    def size(self) -> int:
        return len(self._all)

    async def aclose(self) -> None:
        await asyncio.gather(*(client.aclose() for client in self._all))


@dataclass(frozen=True)
class PostTarget:
    pool: ConnectionPool
    url: str
    headers: dict[str, str]
    body: dict


async def post_once(target: PostTarget) -> tuple[str, float, str | None]:
    """One POST: (outcome, latency in seconds, created id or None). Outcome is the status or exception name."""
    async with target.pool.client() as client:
        started = time.monotonic()
        try:
            response = await client.post(target.url, json=target.body, headers=target.headers)
        except httpx.HTTPError as exc:
            return type(exc).__name__, time.monotonic() - started, None
    latency = time.monotonic() - started
    created = response.json().get("id") if response.status_code == 201 else None
    return str(response.status_code), latency, created


async def closed_loop(target: PostTarget, *, clients: int, seconds: float) -> LoadResult:
    """``clients`` tasks, each sending the next request as soon as the previous answered, for ``seconds``."""
    result = LoadResult(seconds=seconds)
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(_client_loop(target, deadline, result) for _ in range(clients)))
    return result


async def _client_loop(target: PostTarget, deadline: float, result: LoadResult) -> None:
    while time.monotonic() < deadline:
        outcome, latency, _ = await post_once(target)
        if time.monotonic() <= deadline:  # a request still running at the deadline does not count
            result.record(outcome, latency)


@dataclass
class OpenLoopResult(LoadResult):
    scheduled: int = 0
    skipped_in_flight_cap: int = 0
    send_lag: list[float] = field(default_factory=list)
    connections: int = 0

    def summary(self) -> dict:
        return {
            **super().summary(),
            "scheduled": self.scheduled,
            "connections_opened": self.connections,
            "skipped_in_flight_cap": self.skipped_in_flight_cap,
            "send_lag_ms_p99": ms(percentile(self.send_lag, 99)),
        }


async def open_loop(
    target: PostTarget, *, rate: float, seconds: float, on_created: OnCreated | None = None, max_in_flight: int = 512
) -> OpenLoopResult:
    """Send at ``rate``/s on a fixed schedule whatever the answers take; wait for the stragglers at the end."""
    result = OpenLoopResult(scheduled=int(rate * seconds))
    tasks: set[asyncio.Task] = set()
    started = time.monotonic()
    for i in range(result.scheduled):
        due = started + i / rate
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        result.send_lag.append(time.monotonic() - due)
        if len(tasks) >= max_in_flight:
            result.skipped_in_flight_cap += 1
            continue
        task = asyncio.create_task(_open_one(target, result, on_created))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.wait(tasks, timeout=60)
    # accepted/s over the time until the last answer: below ``rate`` when the server falls behind
    result.seconds, result.connections = time.monotonic() - started, target.pool.size
    return result


async def _open_one(target: PostTarget, result: OpenLoopResult, on_created: OnCreated | None) -> None:
    outcome, latency, created = await post_once(target)
    if created is not None and on_created is not None:
        on_created(created, time.monotonic())
    result.record(outcome, latency)
