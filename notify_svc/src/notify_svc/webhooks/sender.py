"""One HTTP attempt of a webhook delivery: re-vet the address (DNS rebinding), connect only to the vetted addresses,
post without following redirects, and stop at the per-request timeout. Nothing here touches the database."""

import asyncio
import functools
import ssl
import time
from dataclasses import dataclass
from uuid import UUID

import httpcore
import httpx

from notify_svc.webhooks.addresses import CheckResult, PinnedTransport, Resolver, check_url

USER_AGENT = "xinfang-notify-webhooks/1.0"
MAX_ERROR_LENGTH = 500


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
    """Posts deliveries; keeps one pinned client per endpoint, rebuilt when the vetted addresses change."""

    def __init__(
        self,
        config: SenderConfig,
        *,
        resolve: Resolver | None = None,
        network_backend: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._config, self._resolve, self._backend = config, resolve, network_backend
        self._clients: dict[UUID, tuple[CheckResult, httpx.AsyncClient]] = {}
        self._retired: list[httpx.AsyncClient] = []

    async def post(self, *, subscription_id: UUID, url: str, body: bytes, headers: dict[str, str]) -> AttemptResult:
        started = time.perf_counter()
        checked = await check_url(
            url, allowlist=self._config.allowlist, allow_http_for_allowlisted=self._config.allow_http,
            resolve=self._resolve,
        )  # fmt: skip
        if not checked.ok:
            return AttemptResult(None, f"{checked.code}: {checked.message}", None, _ms_since(started))
        client = self._client(subscription_id, checked)
        try:
            async with asyncio.timeout(self._config.timeout_seconds):
                async with client.stream("POST", url, content=body, headers=headers) as response:
                    status, retry_after = response.status_code, response.headers.get("retry-after")
        except (TimeoutError, httpx.TimeoutException):
            return AttemptResult(
                None, f"timeout: 超过 {self._config.timeout_seconds:g} 秒未响应", None, _ms_since(started)
            )
        except (httpx.HTTPError, httpcore.ConnectError, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH]
            return AttemptResult(None, error, None, _ms_since(started))
        return AttemptResult(status, describe_status(status), retry_after, _ms_since(started))

    def _client(self, subscription_id: UUID, checked: CheckResult) -> httpx.AsyncClient:
        cached = self._clients.get(subscription_id)
        if cached is not None and cached[0] == checked:
            return cached[1]
        if cached is not None:
            self._retired.append(cached[1])  # may still carry another attempt; closed with the sender
        transport = PinnedTransport(
            checked, verify=default_ssl_context(), network_backend=self._backend,
            max_connections=self._config.connections_per_endpoint,
        )  # fmt: skip
        client = httpx.AsyncClient(
            transport=transport, trust_env=False, follow_redirects=False, headers={"user-agent": USER_AGENT},
            timeout=httpx.Timeout(self._config.timeout_seconds),
        )  # fmt: skip
        self._clients[subscription_id] = (checked, client)
        return client

    async def close(self) -> None:
        clients = [client for _, client in self._clients.values()] + self._retired
        self._clients, self._retired = {}, []
        await asyncio.gather(*(client.aclose() for client in clients), return_exceptions=True)


def _ms_since(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
