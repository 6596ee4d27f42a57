"""SMS through an HTTP gateway, or (embedded mode, no gateway) a recording channel that keeps what would be sent."""

from datetime import UTC, datetime

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notify_svc.channels.base import Channel, Message, SendResult
from notify_svc.channels.models import RecordedSms
from services.ids import uuid7
from services.pii import mask_phone


def sms_text(message: Message, *, sign: str) -> str:
    return f"【{sign}】{message.body}"


class HttpSmsGateway(Channel):
    """POSTs ``{"phone", "text", "reference"}`` as JSON with a bearer API key. 2xx is sent; 429 and 5xx are worth
    retrying; another 4xx is refused for good (a bad number, a blocked text)."""

    name = "sms"

    def __init__(self, *, url: str, api_key: str, sign: str, timeout: float, transport=None) -> None:
        self._url, self._sign = url, sign
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.AsyncClient(timeout=timeout, headers=headers, transport=transport, follow_redirects=False)

    async def send(self, message: Message) -> SendResult:
        payload = {
            "phone": message.address,
            "text": sms_text(message, sign=self._sign),
            "reference": str(message.notification_id),
        }
        try:
            response = await self._client.post(self._url, json=payload)
        except httpx.HTTPError as exc:
            return SendResult.failed(f"短信网关不可达：{type(exc).__name__}")
        if response.is_success:
            return SendResult.sent()
        retryable = response.status_code == 429 or response.status_code >= 500
        return SendResult.failed(f"短信网关返回 {response.status_code}", retryable=retryable)

    async def aclose(self) -> None:
        await self._client.aclose()


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
