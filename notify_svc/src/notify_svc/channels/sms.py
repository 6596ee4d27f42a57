"""SMS through an HTTP gateway, or (embedded mode, no gateway) a recording channel that keeps what would be sent."""

import asyncio
import ipaddress
import json
import socket
import time
from datetime import UTC, datetime

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notify_svc.channels.base import Channel, Message, SendResult
from notify_svc.channels.models import RecordedSms
from notify_svc.webhooks.addresses import CheckResult
from notify_svc.webhooks.http11 import EndpointPool, ProtocolError
from notify_svc.webhooks.sender import default_ssl_context
from services.ids import uuid7
from services.pii import mask_phone

USER_AGENT = "xinfang-notify-sms/1.0"


def sms_text(message: Message, *, sign: str) -> str:
    return f"【{sign}】{message.body}"


class HttpSmsGateway(Channel):
    """POSTs ``{"phone", "text", "reference"}`` as JSON with a bearer API key. 2xx is sent; 429 and 5xx are worth
    retrying; another 4xx (and a redirect, never followed) is refused for good (a bad number, a blocked text).

    Over keep-alive connections of the webhooks' minimal HTTP/1.1 client (``webhooks.http11``, ADR 0029) rather than
    httpx, which cost about 1 ms of CPU per text: a text per event at hundreds of events a second. The gateway's
    name is resolved when its pool is made, again after a connection failed and at least every
    ``RESOLVE_EVERY_SECONDS``."""

    name = "sms"
    RESOLVE_EVERY_SECONDS = 300.0

    def __init__(self, *, url: str, api_key: str, sign: str, timeout: float, connections: int = 20) -> None:
        self._url, self._sign, self._timeout, self._connections = url, sign, timeout, connections
        self._headers = [("content-type", "application/json"), ("user-agent", USER_AGENT)]
        if api_key:
            self._headers.append(("authorization", f"Bearer {api_key}"))
        self._pool: tuple[EndpointPool, float] | None = None

    async def send(self, message: Message) -> SendResult:
        payload = {
            "phone": message.address,
            "text": sms_text(message, sign=self._sign),
            "reference": str(message.notification_id),
        }
        body = json.dumps(payload, ensure_ascii=False).encode()
        try:
            async with asyncio.timeout(self._timeout):
                pool = await self._endpoint()
                answer = await pool.post(self._url, self._headers, body)
        except (TimeoutError, OSError, ProtocolError, asyncio.IncompleteReadError) as exc:
            if isinstance(exc, OSError):
                self._drop()  # resolve the name again before the next text
            return SendResult.failed(f"短信网关不可达：{type(exc).__name__}")
        if 200 <= answer.status <= 299:
            return SendResult.sent()
        retryable = answer.status == 429 or answer.status >= 500
        return SendResult.failed(f"短信网关返回 {answer.status}", retryable=retryable)

    async def _endpoint(self) -> EndpointPool:
        now = time.monotonic()
        if self._pool is not None and now - self._pool[1] < self.RESOLVE_EVERY_SECONDS:
            return self._pool[0]
        self._drop()
        url = httpx.URL(self._url)
        host = url.host
        port = url.port or (443 if url.scheme == "https" else 80)
        try:
            addresses: tuple = (ipaddress.ip_address(host),)
        except ValueError:
            found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
            addresses = tuple(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in found))
        checked = CheckResult(scheme=url.scheme, host=host, port=port, addresses=addresses)
        pool = EndpointPool(checked, ssl_context=default_ssl_context(), max_connections=self._connections)
        self._pool = (pool, now)
        return pool

    def _drop(self) -> None:
        if self._pool is not None:
            self._pool[0].close()
            self._pool = None

    async def aclose(self) -> None:
        self._drop()


class RecordingSmsChannel(Channel):
    """Embedded mode: records the text (the number masked) in ``sms_outbox`` instead of sending it."""

    name = "sms"

    def __init__(self, *, session_factory: async_sessionmaker[AsyncSession], sign: str) -> None:
        self._session_factory, self._sign = session_factory, sign

    async def send(self, message: Message) -> SendResult:
        (result,) = await self.send_many([message], concurrency=1, timeout=0)
        return result

    async def send_many(self, messages: list[Message], *, concurrency: int, timeout: float) -> list[SendResult]:
        """A round's texts in one transaction."""
        now = datetime.now(UTC)
        async with self._session_factory() as session, session.begin():
            session.add_all(
                RecordedSms(
                    id=uuid7(),
                    notification_id=message.notification_id,
                    phone_masked=mask_phone(message.address),
                    text=sms_text(message, sign=self._sign),
                    recorded_at=now,
                )
                for message in messages
            )
        return [SendResult.sent()] * len(messages)
