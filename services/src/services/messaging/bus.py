"""One bus interface, two transports (RabbitMQ and in-memory) with the same delivery semantics.

Semantics both transports keep:
- ``publish`` returns only when every message is confirmed by the transport; it raises
  ``PublishError`` when any message could not be confirmed or was unroutable (mandatory publishing).
- a subscription is one durable queue per consuming service, bound to the event types it handles;
  its handler runs once per delivery and the message is acknowledged only after it returned;
- a handler that raises gets the message redelivered after a short backoff (``retry_delay``: 0.1 s, doubling,
  at most 5 s; it lets a missing earlier event arrive), until it has failed ``delivery_limit`` times;
  the next failure sends it to the dead-letter queue (``<namespace>.<consumer>.dlq``);
- a message that is not a valid event of a known type is dead-lettered at once (retrying cannot help).
"""

import abc
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from services.contracts import CloudEvent

log = logging.getLogger(__name__)

Handler = Callable[[CloudEvent], Awaitable[None]]


class RetryLater(Exception):
    """A handler's prerequisite (an earlier event) has not arrived yet: redeliver after the backoff, no alarm."""


class PublishError(Exception):
    """A message was not confirmed by the broker (nack, unroutable, or connection lost)."""


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """An event as the outbox stores it: already serialized, published unchanged."""

    message_id: str
    event_type: str
    body: bytes
    correlation_id: str | None = None


@dataclass(frozen=True, slots=True)
class Subscription:
    consumer: str
    event_types: tuple[str, ...]
    handler: Handler
    prefetch: int = 32


@dataclass(slots=True)
class DeadLetter:
    queue: str
    message_id: str
    event_type: str
    body: bytes
    reason: str
    deliveries: int = 0
    extra: dict = field(default_factory=dict)


class MessageBus(abc.ABC):
    """What services see of the broker."""

    namespace: str

    @abc.abstractmethod
    async def start(self) -> None: ...

    @abc.abstractmethod
    async def publish(self, messages: Sequence[OutgoingMessage]) -> None: ...

    @abc.abstractmethod
    async def declare(self, consumer: str, event_types: Sequence[str]) -> None:
        """Make the consumer's durable queue and bindings exist, so events wait there before it subscribes."""

    @abc.abstractmethod
    async def subscribe(self, subscription: Subscription) -> None: ...

    @abc.abstractmethod
    async def is_ready(self) -> bool: ...

    @abc.abstractmethod
    async def close(self) -> None: ...

    def queue_name(self, consumer: str) -> str:
        return f"{self.namespace}.{consumer}"

    def dead_letter_queue_name(self, consumer: str) -> str:
        return f"{self.queue_name(consumer)}.dlq"


RETRY_BASE_SECONDS = 0.1
RETRY_CAP_SECONDS = 5.0


def retry_delay(failures: int) -> float:
    """Wait before the redelivery that follows the ``failures``-th failed delivery."""
    return min(RETRY_BASE_SECONDS * 2 ** max(failures - 1, 0), RETRY_CAP_SECONDS)


def log_handler_failure(exc: Exception, fields: dict) -> None:
    if isinstance(exc, RetryLater):
        log.info("event not ready, will be redelivered: %s", exc, extra={"fields": fields})
    else:
        log.warning("handler failed, will be redelivered", exc_info=exc, extra={"fields": fields})


def topic_matches(pattern: str, routing_key: str) -> bool:
    """AMQP topic matching: ``*`` is one word, ``#`` is zero or more words."""
    return _match(pattern.split("."), routing_key.split("."))


def _match(pattern: list[str], words: list[str]) -> bool:
    if not pattern:
        return not words
    head, rest = pattern[0], pattern[1:]
    if head == "#":
        return any(_match(rest, words[i:]) for i in range(len(words) + 1))
    if not words:
        return False
    return (head == "*" or head == words[0]) and _match(rest, words[1:])
