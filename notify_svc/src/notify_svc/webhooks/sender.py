"""One HTTP attempt of a webhook delivery: re-vet the address (DNS rebinding), connect only to the vetted addresses,
post without following redirects (``http11``), and stop at the per-request timeout. Nothing here touches the
database."""

import asyncio
import functools
import ipaddress
import ssl
import time
from dataclasses import dataclass
from uuid import UUID

import httpx

from notify_svc.webhooks.addresses import CheckResult, Resolver, check_url
from notify_svc.webhooks.http11 import EndpointPool, ProtocolError

USER_AGENT = "xinfang-notify-webhooks/1.0"
MAX_ERROR_LENGTH = 500
MAX_KEPT_CHECKS = 1024


@dataclass(frozen=True, slots=True)
class AttemptResult:
    status_code: int | None
    error: str | None
    retry_after: str | None
    duration_ms: int


@dataclass(frozen=True, slots=True)
class SenderConfig:
    allowlist: tuple[str, ...]
    allow_http: bool
    timeout_seconds: float
    connections_per_endpoint: int


@functools.cache
def default_ssl_context() -> ssl.SSLContext:
    """Built once per process: loading the CA bundle costs about half a second, too much for every endpoint."""
    return httpx.create_ssl_context(trust_env=False)


def describe_status(status_code: int) -> str | None:
    """The error text of a non-2xx answer (``None`` for success)."""
    if 200 <= status_code <= 299:
        return None
    if 300 <= status_code <= 399:
        return f"HTTP {status_code}（重定向，不跟随）"
    return f"HTTP {status_code}"


class Sender:
    """Posts deliveries; keeps one pool of pinned keep-alive connections per endpoint (``http11``), rebuilt when the
    vetted addresses change."""

    def __init__(self, config: SenderConfig, *, resolve: Resolver | None = None) -> None:
        self._config, self._resolve = config, resolve
        self._pools: dict[UUID, tuple[CheckResult, EndpointPool]] = {}
        self._literal_checks: dict[str, CheckResult] = {}

    async def post(self, *, subscription_id: UUID, url: str, body: bytes, headers: dict[str, str]) -> AttemptResult:
        started = time.perf_counter()
        checked = self._literal_checks.get(url) or await self._check(url)
        if not checked.ok:
            return AttemptResult(None, f"{checked.code}: {checked.message}", None, _ms_since(started))
        pool = self._pool(subscription_id, checked)
        try:
            async with asyncio.timeout(self._config.timeout_seconds):
                answer = await pool.post(url, [("user-agent", USER_AGENT), *headers.items()], body)
        except TimeoutError:
            return AttemptResult(
                None, f"timeout: 超过 {self._config.timeout_seconds:g} 秒未响应", None, _ms_since(started)
            )
        except (ProtocolError, OSError, asyncio.IncompleteReadError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH]
            return AttemptResult(None, error, None, _ms_since(started))
        return AttemptResult(answer.status, describe_status(answer.status), answer.retry_after, _ms_since(started))

    async def _check(self, url: str) -> CheckResult:
        """Vet the URL again (a name may now resolve elsewhere); the verdict on a URL whose host is an IP address
        depends on nothing but the URL and this configuration, so it is kept (about 40 µs of CPU per attempt)."""
        checked = await check_url(
            url, allowlist=self._config.allowlist, allow_http_for_allowlisted=self._config.allow_http,
            resolve=self._resolve,
        )  # fmt: skip
        if checked.ok and _is_ip_literal(checked.host):
            if len(self._literal_checks) >= MAX_KEPT_CHECKS:
                self._literal_checks.clear()
            self._literal_checks[url] = checked
        return checked

    def _pool(self, subscription_id: UUID, checked: CheckResult) -> EndpointPool:
        cached = self._pools.get(subscription_id)
        if cached is not None and cached[0] == checked:
            return cached[1]
        if cached is not None:
            cached[1].close()  # an attempt still on it closes its connection when it ends
        pool = EndpointPool(
            checked, ssl_context=default_ssl_context(), max_connections=self._config.connections_per_endpoint
        )
        self._pools[subscription_id] = (checked, pool)
        return pool

    async def close(self) -> None:
        for _, pool in self._pools.values():
            pool.close()
        self._pools = {}


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _ms_since(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
