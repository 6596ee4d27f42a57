"""A minimal HTTP/1.1 client for webhook attempts: one ``POST``, the answer's status and ``Retry-After``, keep-alive
connections per endpoint to the addresses ``check_url`` vetted (ADR 0029).

Why not httpx here: an attempt needs nothing of a general client (no redirects, cookies, proxies, auth, decoding,
or the response body), and httpx with httpcore cost about 1 ms of CPU per request against 0.05 ms for this; at a
thousand deliveries a second that is most of a core. What it keeps of ``PinnedTransport``'s guarantees:

- TCP connections go only to the vetted addresses (in order, the first that answers); the name is never resolved
  again. For https, TLS uses the URL's host name for SNI and the certificate check (``ssl_context``).
- The request carries the URL's ``Host`` and path (percent-encoded by ``httpx.URL``), and ``Content-Length``.
- Redirects are never followed: a 3xx is just a status. Informational 1xx answers are skipped.
- The body of an answer is read only when it is small and framed by ``Content-Length`` (up to 64 KiB), so that the
  connection can be kept; otherwise (chunked, unframed, large, ``Connection: close``, HTTP/1.0) the connection is
  closed instead. A head over 64 KiB or not HTTP/1.x is a ``ProtocolError``.
- A kept connection the endpoint has closed meanwhile (no byte of an answer came back) is retried once on a new
  connection, as HTTP clients do; receivers deduplicate by ``webhook-id`` anyway.

The caller bounds the whole attempt with its timeout (``asyncio.timeout``); a cancelled exchange closes its
connection.
"""

import asyncio
import functools
import ssl
from dataclasses import dataclass

import httpx

from notify_svc.webhooks.addresses import CheckResult

MAX_HEAD_BYTES = 65_536
MAX_KEPT_BODY_BYTES = 65_536


class ProtocolError(Exception):
    """The endpoint's answer is not an HTTP/1.x response this client can read."""


class _Stale(Exception):
    """A kept connection was closed by the endpoint before any answer: send again on a new one."""


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    retry_after: str | None


@dataclass(slots=True)
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter

    def close(self) -> None:
        self.writer.close()


class EndpointPool:
    """Keep-alive connections to one endpoint's vetted addresses; at most ``max_connections`` exchanges at once."""

    def __init__(self, checked: CheckResult, *, ssl_context: ssl.SSLContext, max_connections: int) -> None:
        if not checked.ok:
            raise ValueError(f"refused URL cannot be delivered to: {checked.code}")
        self._checked = checked
        self._ssl = ssl_context if checked.scheme == "https" else None
        self._idle: list[_Connection] = []
        self._slots = asyncio.Semaphore(max_connections)
        self._max_idle = max_connections
        self._closed = False

    async def post(self, url: str, headers: list[tuple[str, str]], body: bytes) -> Answer:
        request = _request(url, headers, body)
        async with self._slots:
            while self._idle:
                connection = self._idle.pop()
                if connection.reader.at_eof() or connection.writer.is_closing():
                    connection.close()
                    continue
                try:
                    return await self._exchange(connection, request, reused=True)
                except _Stale:
                    continue
            return await self._exchange(await self._connect(), request, reused=False)

    async def _connect(self) -> _Connection:
        error: OSError = ConnectionError("no vetted address")
        for address in self._checked.addresses:
            try:
                reader, writer = await asyncio.open_connection(
                    str(address), self._checked.port, ssl=self._ssl, limit=MAX_HEAD_BYTES,
                    server_hostname=self._checked.host if self._ssl is not None else None,
                )  # fmt: skip
            except OSError as exc:  # refused, unreachable, TLS failures (ssl.SSLError is an OSError)
                error = exc
                continue
            return _Connection(reader, writer)
        raise error

    async def _exchange(self, connection: _Connection, request: bytes, *, reused: bool) -> Answer:
        try:
            connection.writer.write(request)
            await connection.writer.drain()
            status, fields, keep = await _read_head(connection.reader)
            keep = keep and await _skip_body(connection.reader, status, fields)
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            connection.close()
            nothing_back = not isinstance(exc, asyncio.IncompleteReadError) or not exc.partial
            if reused and nothing_back:
                raise _Stale from exc
            raise
        except BaseException:  # a protocol error, the caller's timeout (cancellation): the connection is spoilt
            connection.close()
            raise
        if keep and not self._closed and len(self._idle) < self._max_idle:
            self._idle.append(connection)
        else:
            connection.close()
        retry_after = fields.get(b"retry-after")
        return Answer(status, None if retry_after is None else retry_after.decode("latin-1"))

    def close(self) -> None:
        """Close the kept connections; exchanges still running close theirs when they end."""
        self._closed = True
        for connection in self._idle:
            connection.close()
        self._idle.clear()


@functools.lru_cache(maxsize=1024)
def _request_head(url: str) -> tuple[str, str]:
    """The request line and ``Host`` of a URL, parsed once per URL (an endpoint's every attempt posts to it)."""
    parsed = httpx.URL(url)
    return f"POST {parsed.raw_path.decode('ascii')} HTTP/1.1", f"host: {parsed.netloc.decode('ascii')}"


def _request(url: str, headers: list[tuple[str, str]], body: bytes) -> bytes:
    lines = [
        *_request_head(url),
        *(f"{name}: {value}" for name, value in headers),
        f"content-length: {len(body)}",
    ]
    if any("\r" in line or "\n" in line for line in lines):
        raise ValueError("a header must not contain CR or LF")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def _read_head(reader: asyncio.StreamReader) -> tuple[int, dict[bytes, bytes], bool]:
    while True:
        try:
            raw = await reader.readuntil(b"\r\n\r\n")
        except asyncio.LimitOverrunError as exc:
            raise ProtocolError(f"response head over {MAX_HEAD_BYTES} bytes") from exc
        status_line, *lines = raw[:-4].split(b"\r\n")
        version, _, rest = status_line.partition(b" ")
        code = rest[:3]
        if not version.startswith(b"HTTP/1.") or len(code) != 3 or not code.isdigit():
            raise ProtocolError(f"not an HTTP/1.x response: {status_line[:80]!r}")
        status = int(code)
        if 100 <= status < 200 and status != 101:
            continue  # informational (100 Continue, 103 Early Hints): the final answer follows
        fields: dict[bytes, bytes] = {}
        for line in lines:
            name, colon, value = line.partition(b":")
            if not colon:
                raise ProtocolError("malformed header line in the response")
            key, value = name.strip().lower(), value.strip()
            fields[key] = fields[key] + b"," + value if key in fields else value
        keep = version == b"HTTP/1.1" and b"close" not in fields.get(b"connection", b"").lower()
        return status, fields, keep and status != 101


async def _skip_body(reader: asyncio.StreamReader, status: int, fields: dict[bytes, bytes]) -> bool:
    """Read a small ``Content-Length`` body so the connection can be kept; ``False`` when it must be closed."""
    if status in (204, 304):
        return True
    length = fields.get(b"content-length")
    if b"transfer-encoding" in fields or length is None or not length.isdigit():
        return False
    if int(length) > MAX_KEPT_BODY_BYTES:
        return False
    if int(length):
        await reader.readexactly(int(length))
    return True
