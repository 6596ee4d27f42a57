"""ASGI middleware shared by every service: correlation id, body size limit, request metrics."""

import json
import re
import time

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.ids import uuid7
from services.logging import correlation_id

_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def _header(scope: Scope, name: bytes) -> bytes | None:
    """The value of header ``name`` (lower case; the last one if repeated), without building a dict per request."""
    found = None
    for key, value in scope["headers"]:
        if key == name:
            found = value
    return found


class CorrelationIdMiddleware:
    """Takes ``X-Correlation-ID`` (or makes one), exposes it to logs and events, echoes it back."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        incoming = (_header(scope, b"x-correlation-id") or b"").decode("latin-1")
        value = incoming if _SAFE_ID.match(incoming) else str(uuid7())
        token = correlation_id.set(value)
        header = (b"x-correlation-id", value.encode())

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append(header)
            await send(message)

        try:
            await self.app(scope, receive, send_with_header)
        finally:
            correlation_id.reset(token)


class BodySizeLimitMiddleware:
    """Refuses bodies over ``max_bytes`` with 413 problem+json, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            return await self._refuse(scope, send)
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise _TooLarge(self.max_bytes)
            return message

        try:
            await self.app(scope, counting_receive, send)
        except _TooLarge:
            await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        body = json.dumps(
            {
                "type": "about:blank",
                "title": "请求体过大",
                "status": 413,
                "code": "payload_too_large",
                "detail": f"请求体不得超过 {self.max_bytes} 字节",
                "instance": scope.get("path"),
            },
            ensure_ascii=False,
        ).encode()
        headers = [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class _TooLarge(HTTPException):
    """An ``HTTPException`` so FastAPI's body parsing re-raises it (it turns any other error into a 400);
    the app's handler then answers the same 413 problem as ``_refuse``."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(status_code=413, detail=f"请求体不得超过 {max_bytes} 字节")


class MetricsMiddleware:
    """Counts requests and their latency per route template (not per raw path: ids would explode labels).

    The labelled children are kept per (method, route, status): ``labels()`` checks and joins its values and takes
    a lock on every call, the same few series every time."""

    def __init__(self, app: ASGIApp, *, registry: CollectorRegistry) -> None:
        self.app = app
        self.requests = Counter(
            "http_requests_total", "HTTP requests", ["method", "route", "status"], registry=registry
        )
        self.latency = Histogram(
            "http_request_duration_seconds", "HTTP request latency", ["method", "route"], registry=registry
        )
        self._children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started, status = time.perf_counter(), 500

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            elapsed = time.perf_counter() - started
            key = (scope["method"], getattr(scope.get("route"), "path", "unmatched"), status)
            children = self._children.get(key)
            if children is None:
                method, route, _ = key
                children = (self.requests.labels(method, route, str(status)), self.latency.labels(method, route))
                self._children[key] = children
            children[0].inc()
            children[1].observe(elapsed)
