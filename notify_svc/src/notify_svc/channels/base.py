"""One interface for every way a message leaves: SMS, e-mail, the staff inbox (and test doubles)."""

import asyncio
import logging
from dataclasses import dataclass
from uuid import UUID

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    notification_id: UUID
    channel: str
    address: str  # a phone number, an e-mail address or an inbox owner; never stored in plain text
    title: str
    body: str
    urgent: bool = False


@dataclass(frozen=True)
class SendResult:
    ok: bool
    error: str | None = None
    retryable: bool = True  # false: trying again cannot help (a refused address, a 4xx from the gateway)

    @classmethod
    def sent(cls) -> "SendResult":
        return cls(ok=True)

    @classmethod
    def failed(cls, error: str, *, retryable: bool = True) -> "SendResult":
        return cls(ok=False, error=error[:500], retryable=retryable)


class Channel:
    """Sends one message; reports failure as a result (never raises for a delivery problem)."""

    name: str = ""

    async def send(self, message: Message) -> SendResult:
        raise NotImplementedError

    async def send_many(self, messages: list[Message], *, concurrency: int, timeout: float) -> list[SendResult]:
        """Send a round's messages of this channel, at most ``concurrency`` at a time, each within ``timeout``;
        one result per message, in order. A channel that can share a connection between messages overrides it."""
        limit = asyncio.Semaphore(concurrency)

        async def one(message: Message) -> SendResult:
            async with limit:
                return await guarded(self.send(message), timeout=timeout)

        return list(await asyncio.gather(*(one(message) for message in messages)))

    async def aclose(self) -> None:
        """Release connections; called when the dispatcher stops."""


async def guarded(sending, *, timeout: float) -> SendResult:
    """A send that times out or raises becomes a failed result: a broken adapter must not stop the round."""
    try:
        return await asyncio.wait_for(sending, timeout=timeout)
    except TimeoutError:
        return SendResult.failed("发送超时")
    except Exception as exc:  # noqa: BLE001 - the row records why
        log.warning("channel raised", exc_info=True)
        return SendResult.failed(f"通道异常：{type(exc).__name__}")
