"""A local webhook receiver for tests, the benchmark and trying webhooks in embedded mode: a uvicorn server on
127.0.0.1 (a random port) that records every request and answers as its query asks.

``status`` (default 204), ``retry_after`` (sent as ``Retry-After``), ``sleep`` (seconds before answering); a 3xx
answer points ``Location`` at ``<path>/redirected``::

    async with serve_receiver() as receiver:
        url = receiver.url("dept-a", status=503, retry_after=120)
"""

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic() when the request arrived


@dataclass
class Receiver:
    port: int = 0
    requests: list[Received] = field(default_factory=list)

    def url(self, tag: str, **query: object) -> str:
        suffix = "&".join(f"{key}={value}" for key, value in query.items())
        return f"http://127.0.0.1:{self.port}/hook/{tag}" + (f"?{suffix}" if suffix else "")

    def to(self, tag: str) -> list[Received]:
        return [r for r in self.requests if r.path == f"/hook/{tag}"]

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        body = await _body(receive)
        headers = {key.decode().lower(): value.decode() for key, value in scope["headers"]}
        self.requests.append(Received(scope["path"], headers, body, time.monotonic()))
        query = {key: values[0] for key, values in parse_qs(scope["query_string"].decode()).items()}
        await asyncio.sleep(float(query.get("sleep", 0)))
        status = int(query.get("status", 204))
        await send({"type": "http.response.start", "status": status, "headers": _headers(scope, query, status)})
        await send({"type": "http.response.body", "body": b""})


async def _body(receive) -> bytes:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body


def _headers(scope, query: dict[str, str], status: int) -> list[tuple[bytes, bytes]]:
    headers = [(b"content-length", b"0")]
    if "retry_after" in query:
        headers.append((b"retry-after", query["retry_after"].encode()))
    if 300 <= status <= 399:
        headers.append((b"location", (scope["path"] + "/redirected").encode()))
    return headers


@contextlib.asynccontextmanager
async def serve_receiver() -> AsyncIterator[Receiver]:
    import uvicorn

    receiver = Receiver()
    config = uvicorn.Config(
        receiver, host="127.0.0.1", port=0, log_level="warning", lifespan="off", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    receiver.port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield receiver
    finally:
        server.should_exit = True
        await task
