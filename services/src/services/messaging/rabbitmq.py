"""RabbitMQ transport: one topic exchange, a quorum queue (+ dead-letter queue) per consumer, a stream archive.

Topology of a namespace ``ns``:
- ``ns`` (durable topic exchange): every event is published here with its type as routing key;
- ``ns.archive`` (stream, bound with ``#``): keeps every type routable, so mandatory publishing never drops;
- ``ns.<consumer>`` (quorum queue) bound with the subscription's event types; redeliveries are counted by
  the broker (``x-delivery-limit``) and exhausted or invalid messages go through ``ns.dlx`` (direct) to
- ``ns.<consumer>.dlq`` (quorum queue), read with :meth:`RabbitMQBus.dead_letters`.
"""

import asyncio
import functools
import logging
from collections.abc import Sequence
from typing import Any

import aio_pika
import aiormq.abc
import aiormq.connection
from aio_pika.abc import AbstractChannel, AbstractExchange, AbstractIncomingMessage, AbstractRobustConnection
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
)

log = logging.getLogger(__name__)

CONTENT_TYPE = "application/cloudevents+json"
PERSISTENT = aio_pika.DeliveryMode.PERSISTENT.value
# aiormq hands every frame of a connection to its writer task through a queue of ``FRAME_BUFFER_SIZE`` (10) entries,
# and a publisher waits for room there while holding its channel's lock. A relay's batch of 200 messages then needed
# some 20 turns of the writer and as many of the waiting publishers: 2 s on a loop busy at 200 events/s, while
# another process's batches were confirmed within 0.1–0.25 s (ADR 0033). With room for a few batches the whole batch
# is queued at once; a frame here is one message (a few kB), so the bound stays small.
WRITE_QUEUE_FRAMES = 1024
aiormq.connection.Connection.FRAME_BUFFER_SIZE = WRITE_QUEUE_FRAMES
COALESCE_BYTES = 256 * 1024  # at most this much goes to the socket in one write


class CoalescingFrames(aiormq.connection.FrameGenerator):
    """What aiormq's writer iterates: the next frame, joined with every frame already queued behind it (in order, up
    to ``COALESCE_BYTES``), so a batch of publishes or acks is one write to the socket instead of one per message.
    A write is a system call that also carries the segment through the kernel's TCP stack; one per message cost
    notify some 7% of its CPU at 200 events/s (ADR 0036). A frame the writer must drain after (or close on) ends the
    joined frame and hands its drain or close on, so the writer behaves as with single frames."""

    async def __anext__(self) -> aiormq.abc.ChannelFrame:
        frame = await super().__anext__()
        parts, size = [frame.payload], len(frame.payload)
        while frame.drain_future is None and not frame.should_close and size < COALESCE_BYTES and self.queue.qsize():
            frame = self.queue.get_nowait()
            self.queue.task_done()
            parts.append(frame.payload)
            size += len(frame.payload)
        if len(parts) == 1:
            return frame
        return aiormq.abc.ChannelFrame(b"".join(parts), frame.should_close, frame.drain_future)


aiormq.connection.FrameGenerator = CoalescingFrames  # looked up by each connection's writer when it starts

# RabbitMQ 3.10 accepts stream declaration over AMQP 0-9-1 (verified against 3.10.8), so no quorum fallback.
ARCHIVE_ARGUMENTS: dict[str, Any] = {"x-queue-type": "stream", "x-max-age": "7D", "x-max-length-bytes": 1 << 30}


def message_properties(m: OutgoingMessage) -> aiormq.spec.Basic.Properties:
    """The properties ``aio_pika.Message`` builds for an event (the same bytes on the wire), without building the
    message object per publish."""
    return aiormq.spec.Basic.Properties(
        content_type=CONTENT_TYPE,
        delivery_mode=PERSISTENT,
        message_id=m.message_id,
        correlation_id=m.correlation_id,
        message_type=m.event_type,
        headers={},
        priority=0,
    )


class RabbitMQBus(MessageBus):
    """The broker transport; same semantics as :class:`services.messaging.InMemoryBus` (see ``bus.py``)."""

    def __init__(
        self,
        *,
        url: str,
        namespace: str = "xinfang",
        delivery_limit: int = 5,
        prefetch: int = 32,
        publish_timeout: float = 10.0,
    ) -> None:
        self.url = url
        self.namespace = namespace
        self.delivery_limit = delivery_limit
        self.prefetch = prefetch  # default only: each Subscription carries its own prefetch
        self.publish_timeout = publish_timeout
        self._connection: AbstractRobustConnection | None = None  # publishing, topology, inspection
        # consumers have a connection of their own, as RabbitMQ advises: flow control and resource alarms block a
        # publishing connection as a whole, and acks on it would wait too (the acks that free the broker's memory)
        self._consumer_connection: AbstractRobustConnection | None = None
        self._channel: AbstractChannel | None = None
        self._exchange: AbstractExchange | None = None
        self._consumer_channels: dict[str, AbstractChannel] = {}
        self._declared_queues: set[str] = set()  # survives close(), for delete_topology()

    @property
    def dead_letter_exchange(self) -> str:
        return f"{self.namespace}.dlx"

    @property
    def archive_queue(self) -> str:
        return f"{self.namespace}.archive"

    # -- lifecycle ---------------------------------------------------------------------------------------------

    async def start(self) -> None:
        self._connection = await aio_pika.connect_robust(self.url)
        self._channel = await self._connection.channel(publisher_confirms=True, on_return_raises=True)
        await self._declare_topology(self._channel)
        log.info("rabbitmq bus started", extra={"fields": {"namespace": self.namespace}})

    async def _declare_topology(self, channel: AbstractChannel) -> None:
        self._exchange = await channel.declare_exchange(self.namespace, aio_pika.ExchangeType.TOPIC, durable=True)
        await channel.declare_exchange(self.dead_letter_exchange, aio_pika.ExchangeType.DIRECT, durable=True)
        archive = await channel.declare_queue(self.archive_queue, durable=True, arguments=ARCHIVE_ARGUMENTS)
        await archive.bind(self._exchange, "#")

    async def is_ready(self) -> bool:
        connection, channel = self._connection, self._channel
        if connection is None or channel is None:
            return False
        connections = [connection] + ([self._consumer_connection] if self._consumer_connection is not None else [])
        return all(c.connected.is_set() and not c.is_closed for c in connections) and not channel.is_closed

    async def close(self) -> None:
        for channel in [*self._consumer_channels.values(), self._channel]:
            if channel is not None and not channel.is_closed:
                await channel.close()
        self._consumer_channels.clear()
        for connection in (self._consumer_connection, self._connection):
            if connection is not None:
                await connection.close()
        self._connection = self._consumer_connection = self._channel = self._exchange = None

    # -- publishing --------------------------------------------------------------------------------------------

    async def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        exchange, channel = self._exchange, self._channel
        if exchange is None or channel is None:
            raise PublishError("bus is not started (or closed)")
        if channel.is_closed:
            raise PublishError("publishing channel is closed (connection lost, reconnecting)")
        underlay = await channel.get_underlay_channel()
        try:  # one deadline for the batch (its messages go out together), not a timer per message
            async with asyncio.timeout(self.publish_timeout):
                results = await asyncio.gather(
                    *(self._publish_one(underlay, m) for m in messages), return_exceptions=True
                )
        except TimeoutError as exc:
            log.warning("publish timed out", extra={"fields": {"batch": len(messages)}})
            raise PublishError(f"{len(messages)} not all confirmed within {self.publish_timeout:g} s") from exc
        failures = [(m.message_id, r) for m, r in zip(messages, results, strict=True) if isinstance(r, BaseException)]
        if failures:
            log.warning("publish failed", extra={"fields": {"failed": len(failures), "batch": len(messages)}})
            raise PublishError(f"{len(failures)} of {len(messages)} not confirmed: {failures[0]!r}") from failures[0][1]

    async def _publish_one(self, channel: aiormq.abc.AbstractChannel, m: OutgoingMessage) -> None:
        """What ``Exchange.publish`` does, without waiting for the frame to reach the socket (``wait=False``): that
        wait holds the channel's lock, so a batch's publishes took turns through the event loop, several loop
        iterations each. On a busy loop a batch of 200 took 3–6 s while the broker confirmed another process's
        batches within 0.1–0.25 s (ADR 0033). The broker's confirm is still awaited, one per message."""
        properties = message_properties(m)
        # nack -> DeliveryError, return -> aiormq PublishError, timeout/connection loss -> their own errors
        await channel.basic_publish(
            m.body,
            exchange=self.namespace,
            routing_key=m.event_type,
            properties=properties,
            mandatory=True,
            wait=False,
        )

    # -- consuming ---------------------------------------------------------------------------------------------

    async def subscribe(self, subscription: Subscription) -> None:
        name = self.queue_name(subscription.consumer)
        if self._connection is None or self._exchange is None:
            raise RuntimeError("bus is not started")
        if name in self._consumer_channels:
            raise ValueError(f"queue {name} already has a consumer")
        if self._consumer_connection is None:
            self._consumer_connection = await aio_pika.connect_robust(self.url)
        channel = await self._consumer_connection.channel()
        self._consumer_channels[name] = channel
        await channel.set_qos(prefetch_count=subscription.prefetch)
        queue = await self._declare_consumer_queues(channel, subscription.consumer, subscription.event_types)
        await queue.consume(functools.partial(self._on_message, subscription), no_ack=False)
        log.info("subscribed", extra={"fields": {"queue": name, "event_types": subscription.event_types}})

    async def declare(self, consumer: str, event_types: Sequence[str]) -> None:
        if self._channel is None:
            raise RuntimeError("bus is not started")
        await self._declare_consumer_queues(self._channel, consumer, event_types)

    async def _declare_consumer_queues(
        self, channel: AbstractChannel, consumer: str, event_types: Sequence[str]
    ) -> Any:
        name = self.queue_name(consumer)
        self._declared_queues.add(name)
        queue = await channel.declare_queue(name, durable=True, arguments=self._queue_arguments(name))
        for event_type in event_types:
            await queue.bind(self.namespace, event_type)
        dlq_name = self.dead_letter_queue_name(consumer)
        dlq = await channel.declare_queue(dlq_name, durable=True, arguments={"x-queue-type": "quorum"})
        await dlq.bind(self.dead_letter_exchange, name)
        return queue

    def _queue_arguments(self, name: str) -> dict[str, Any]:
        return {
            "x-queue-type": "quorum",
            "x-delivery-limit": self.delivery_limit,
            "x-dead-letter-exchange": self.dead_letter_exchange,
            "x-dead-letter-routing-key": name,
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
        }

    async def _on_message(self, subscription: Subscription, message: AbstractIncomingMessage) -> None:
        """Runs as its own task per delivery (aio-pika), at most ``prefetch`` at a time per subscription."""
        fields = {"consumer": subscription.consumer, "event_id": message.message_id, "type": message.type}
        try:
            event = parse_event(message.body)
        except ValidationError as exc:
            log.warning("invalid event dead-lettered", extra={"fields": {**fields, "errors": exc.error_count()}})
            await message.reject(requeue=False)
            return
        try:
            await subscription.handler(event)
        except Exception as exc:  # any handler failure means redelivery (the broker counts them)
            log_handler_failure(exc, fields)
            await self._backoff(message)
            await message.reject(requeue=True)
            return
        await message.ack()

    async def _backoff(self, message: AbstractIncomingMessage) -> None:
        """Quorum queues count earlier failed deliveries in ``x-delivery-count``; the last one needs no wait."""
        failures = int((message.headers or {}).get("x-delivery-count", 0) or 0) + 1
        if failures <= self.delivery_limit:
            await asyncio.sleep(retry_delay(failures))

    # -- inspection and test helpers ---------------------------------------------------------------------------

    async def dead_letters(self, consumer: str, limit: int = 100) -> list[DeadLetter]:
        """Non-destructive: the fetched messages are never acked; closing the channel puts them back."""
        if self._connection is None:
            raise RuntimeError("bus is not started")
        name = self.dead_letter_queue_name(consumer)
        channel = await self._connection.channel(publisher_confirms=False)
        try:
            queue = await channel.declare_queue(name, passive=True)
            messages = [m for _ in range(limit) if (m := await queue.get(no_ack=False, fail=False)) is not None]
            return [self._dead_letter(name, m) for m in messages]
        finally:
            await channel.close()

    async def delete_topology(self) -> None:
        """Delete every queue and exchange of the namespace declared by this bus (tests)."""
        if self._channel is None:
            raise RuntimeError("bus is not started")
        for channel in self._consumer_channels.values():
            await channel.close()
        self._consumer_channels.clear()
        names = sorted(self._declared_queues)
        for queue in [*names, *(f"{n}.dlq" for n in names), self.archive_queue]:
            await self._channel.queue_delete(queue)
        for exchange in (self.namespace, self.dead_letter_exchange):
            await self._channel.exchange_delete(exchange)

    def _dead_letter(self, queue: str, message: AbstractIncomingMessage) -> DeadLetter:
        headers = message.headers or {}
        deaths = headers.get("x-death")
        death = deaths[0] if isinstance(deaths, list) and deaths and isinstance(deaths[0], dict) else {}
        reason = str(death.get("reason") or headers.get("x-first-death-reason") or "unknown")
        return DeadLetter(
            queue=queue,
            message_id=message.message_id or "",
            event_type=message.type or "",
            body=message.body,
            reason=reason,
            # the broker drops x-delivery-count when dead-lettering (on the DLQ it counts *its* redeliveries,
            # e.g. inspections); a delivery-limit death means exactly delivery_limit + 1 failed deliveries
            deliveries=self.delivery_limit + 1 if reason == "delivery_limit" else 0,
            extra={"x-death": deaths, "routing_key": message.routing_key},
        )
