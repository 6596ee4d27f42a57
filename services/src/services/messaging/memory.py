"""In-memory transport for embedded mode and fast tests, with the broker's delivery semantics."""

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from services.contracts import parse_event
from services.messaging.bus import (
    DeadLetter,
    MessageBus,
    OutgoingMessage,
    PublishError,
    Subscription,
    log_handler_failure,
    retry_delay,
    topic_matches,
)

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Delivery:
    message: OutgoingMessage
    failures: int = 0


class _Queue:
    def __init__(self, name: str, consumer: str) -> None:
        self.name = name
        self.consumer = consumer
        self.bindings: set[str] = set()
        self.subscription: Subscription | None = None
        self.pending: asyncio.Queue[_Delivery] = asyncio.Queue()
        self.workers: list[asyncio.Task] = []


class InMemoryBus(MessageBus):
    """Routes by topic to per-consumer queues; an archive binding keeps every type routable."""

    def __init__(self, *, namespace: str = "xinfang", delivery_limit: int = 5) -> None:
        self.namespace = namespace
        self.delivery_limit = delivery_limit
        self.dead_letters: list[DeadLetter] = []
        self.archive: list[OutgoingMessage] = []
        self._queues: dict[str, _Queue] = {}
        self._retrying: set[asyncio.Task] = set()
        self._started = False

    async def start(self) -> None:
        self._started = True

    async def is_ready(self) -> bool:
        return self._started

    async def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        if not self._started:
            raise PublishError("bus is not started")
        for message in messages:
            self.archive.append(message)
            for queue in self._queues.values():
                if any(topic_matches(t, message.event_type) for t in queue.bindings):
                    queue.pending.put_nowait(_Delivery(message))

    async def declare(self, consumer: str, event_types: Sequence[str]) -> None:
        name = self.queue_name(consumer)
        queue = self._queues.setdefault(name, _Queue(name, consumer))
        queue.bindings.update(event_types)

    async def subscribe(self, subscription: Subscription) -> None:
        await self.declare(subscription.consumer, subscription.event_types)
        queue = self._queues[self.queue_name(subscription.consumer)]
        if queue.subscription is not None:
            raise ValueError(f"queue {queue.name} already has a consumer")
        queue.subscription = subscription
        for _ in range(max(1, min(subscription.prefetch, 8))):
            queue.workers.append(asyncio.create_task(self._work(queue), name=f"consume:{queue.name}"))

    async def _work(self, queue: _Queue) -> None:
        while True:
            delivery = await queue.pending.get()
            try:
                await self._deliver(queue, delivery)
            finally:
                queue.pending.task_done()

    async def _deliver(self, queue: _Queue, delivery: _Delivery) -> None:
        message = delivery.message
        try:
            event = parse_event(message.body)
        except ValidationError as exc:
            self._dead_letter(queue, delivery, f"invalid event: {exc.error_count()} errors")
            return
        try:
            assert queue.subscription is not None  # workers start only once subscribed
            await queue.subscription.handler(event)
        except Exception as exc:
            delivery.failures += 1
            log_handler_failure(exc, {"consumer": queue.consumer, "event_id": message.message_id})
            if delivery.failures > self.delivery_limit:
                self._dead_letter(queue, delivery, f"delivery limit exceeded: {exc!r}")
            else:
                retry = asyncio.create_task(self._redeliver_later(queue, delivery))
                self._retrying.add(retry)
                retry.add_done_callback(self._retrying.discard)

    @staticmethod
    async def _redeliver_later(queue: _Queue, delivery: _Delivery) -> None:
        await asyncio.sleep(retry_delay(delivery.failures))
        queue.pending.put_nowait(delivery)

    def _dead_letter(self, queue: _Queue, delivery: _Delivery, reason: str) -> None:
        m = delivery.message
        self.dead_letters.append(
            DeadLetter(
                queue=self.dead_letter_queue_name(queue.consumer),
                message_id=m.message_id,
                event_type=m.event_type,
                body=m.body,
                reason=reason,
                deliveries=delivery.failures,
            )
        )

    async def drain(self) -> None:
        """Wait until every queue is empty and idle and no redelivery is waiting (tests, shutdown)."""
        while True:
            for queue in list(self._queues.values()):
                await queue.pending.join()
            if not self._retrying:
                return
            await asyncio.gather(*self._retrying)

    async def close(self) -> None:
        for retry in list(self._retrying):
            retry.cancel()
        for queue in self._queues.values():
            for task in queue.workers:
                task.cancel()
            await asyncio.gather(*queue.workers, return_exceptions=True)
        self._queues.clear()
        self._started = False
