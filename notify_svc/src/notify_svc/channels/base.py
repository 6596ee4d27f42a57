"""One interface for every way a message leaves: SMS, e-mail, the staff inbox (and test doubles)."""

from dataclasses import dataclass
from uuid import UUID


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

    async def aclose(self) -> None:
        """Release connections; called when the dispatcher stops."""
