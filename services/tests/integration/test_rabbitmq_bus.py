"""RabbitMQBus against a real broker (RABBITMQ_URL, default amqp://guest:guest@127.0.0.1:5672/)."""

import asyncio
import inspect
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import aio_pika
import pytest
import pytest_asyncio

from services.contracts import CloudEvent
from services.contracts.intake import PetitionRegistered, PetitionRegisteredData
from services.messaging import OutgoingMessage, PublishError, Subscription
from services.messaging.rabbitmq import WRITE_QUEUE_FRAMES, RabbitMQBus
from services.settings import ServiceSettings

pytestmark = [pytest.mark.rabbitmq, pytest.mark.asyncio]

URL = os.environ.get("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")
REGISTERED = PetitionRegistered.event_type
DELIVERY_LIMIT = 2


def registered(subject: str = "petition-1") -> PetitionRegistered:
    data = PetitionRegisteredData(
        petition_id=uuid.uuid4(),
        tracking_no="2026-110105-000001",
        channel="online",
        category_code="A01",
        content="小区路灯不亮",
        address="朝阳路 1 号",
        petitioner_ref=uuid.uuid4(),
        phone_masked="138****5678",
        received_at=datetime.now(UTC),
    )
    return PetitionRegistered.create(subject=subject, data=data)


def outgoing(event: CloudEvent) -> OutgoingMessage:
    return OutgoingMessage(event.id, event.type, event.to_json().encode(), correlation_id="corr-1")


async def eventually(check: Callable[[], bool | Awaitable[bool]], timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not (await result if inspect.isawaitable(result := check()) else result):
            await asyncio.sleep(0.05)


RELAY_BATCH_DEFAULT = ServiceSettings.model_fields["relay_batch_size"].default


@pytest_asyncio.fixture
async def bus() -> AsyncIterator[RabbitMQBus]:
    bus = RabbitMQBus(url=URL, namespace=f"test-{uuid.uuid4().hex[:8]}", delivery_limit=DELIVERY_LIMIT)
    await bus.start()
    yield bus
    if not await bus.is_ready():
        await bus.start()
    await bus.delete_topology()
    await bus.close()


async def archived_ids(bus: RabbitMQBus, expected: int) -> list[str]:
    """Read the archive stream from its first offset until ``expected`` messages were seen."""
    seen: list[str] = []
    async with await aio_pika.connect(URL) as connection:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=100)
        queue = await channel.declare_queue(bus.archive_queue, passive=True)
        async with queue.iterator(arguments={"x-stream-offset": "first"}) as messages, asyncio.timeout(10):
            async for message in messages:
                seen.append(message.message_id or "")
                await message.ack()
                if len(seen) >= expected:
                    break
    return seen


async def test_is_ready_follows_lifecycle(bus: RabbitMQBus) -> None:
    assert await bus.is_ready()
    await bus.close()
    assert not await bus.is_ready()
    assert not await RabbitMQBus(url=URL).is_ready()


async def test_roundtrip_delivers_the_typed_event(bus: RabbitMQBus) -> None:
    received: asyncio.Queue[CloudEvent] = asyncio.Queue()

    async def handler(event: CloudEvent) -> None:
        await received.put(event)

    await bus.subscribe(Subscription("intake-test", (REGISTERED,), handler))
    event = registered()
    await bus.publish([outgoing(event)])
    async with asyncio.timeout(10):
        got = await received.get()
    assert isinstance(got, PetitionRegistered)
    assert got.id == event.id and got.data == event.data
    assert await archived_ids(bus, 1) == [event.id]


async def test_event_type_without_consumer_is_kept_by_the_archive(bus: RabbitMQBus) -> None:
    events = [registered(f"p-{i}") for i in range(20)]
    await bus.publish([outgoing(e) for e in events])  # no subscription: routable only through the archive
    assert await archived_ids(bus, 20) == [e.id for e in events]  # batch published in order


async def test_unroutable_message_raises_after_the_batch_settled(bus: RabbitMQBus) -> None:
    received: list[str] = []

    async def handler(event: CloudEvent) -> None:
        received.append(event.id)

    await bus.subscribe(Subscription("routing-test", (REGISTERED,), handler))
    async with await aio_pika.connect(URL) as connection:  # remove the archive: nothing routes "*.unknown.*"
        await (await connection.channel()).queue_delete(bus.archive_queue)
    good = registered()
    orphan = OutgoingMessage(str(uuid.uuid4()), "xinfang.unknown.happened.v1", b"{}")
    with pytest.raises(PublishError):
        await bus.publish([outgoing(good), orphan])
    await eventually(lambda: received == [good.id])
    assert await bus.is_ready()  # a basic.return does not break the channel


async def test_publish_before_start_or_after_close_raises(bus: RabbitMQBus) -> None:
    message = outgoing(registered())
    with pytest.raises(PublishError):
        await RabbitMQBus(url=URL).publish([message])
    await bus.close()
    with pytest.raises(PublishError):
        await bus.publish([message])


async def test_failing_handler_is_retried_then_dead_lettered(bus: RabbitMQBus) -> None:
    poison, good = registered("poison"), registered("good")
    calls: dict[str, int] = {}

    async def handler(event: CloudEvent) -> None:
        calls[event.subject] = calls.get(event.subject, 0) + 1
        if event.subject == "poison":
            raise RuntimeError("cannot handle")

    await bus.subscribe(Subscription("case-test", (REGISTERED,), handler))
    await bus.publish([outgoing(poison), outgoing(good)])
    await eventually(lambda: _has_dead_letters(bus, "case-test", 1))
    await asyncio.sleep(0.5)  # nothing more may arrive
    assert calls == {"poison": DELIVERY_LIMIT + 1, "good": 1}
    [dead] = await bus.dead_letters("case-test")
    assert (dead.message_id, dead.event_type, dead.reason) == (poison.id, REGISTERED, "delivery_limit")
    assert dead.deliveries == DELIVERY_LIMIT + 1 and dead.queue == bus.dead_letter_queue_name("case-test")
    assert await _queue_depth(bus.queue_name("case-test")) == 0


async def test_invalid_event_is_dead_lettered_at_once(bus: RabbitMQBus) -> None:
    calls: list[str] = []

    async def handler(event: CloudEvent) -> None:
        calls.append(event.id)

    await bus.subscribe(Subscription("notify-test", (REGISTERED,), handler))
    not_json = OutgoingMessage("bad-1", REGISTERED, b"not json")
    wrong_schema = OutgoingMessage("bad-2", REGISTERED, b'{"type": "xinfang.petition.registered.v1"}')
    await bus.publish([not_json, wrong_schema])
    await eventually(lambda: _has_dead_letters(bus, "notify-test", 2))
    dead = await bus.dead_letters("notify-test")
    assert sorted(d.message_id for d in dead) == ["bad-1", "bad-2"]
    assert {(d.reason, d.deliveries) for d in dead} == {("rejected", 0)}
    assert calls == []
    assert len(await bus.dead_letters("notify-test")) == 2  # inspection is non-destructive


async def test_slow_handler_does_not_block_other_messages(bus: RabbitMQBus) -> None:
    release, done = asyncio.Event(), asyncio.Queue[str]()

    async def handler(event: CloudEvent) -> None:
        if event.subject == "slow":
            await release.wait()
        await done.put(event.subject)

    await bus.subscribe(Subscription("slow-test", (REGISTERED,), handler, prefetch=4))
    await bus.publish([outgoing(registered("slow")), outgoing(registered("fast"))])
    async with asyncio.timeout(10):
        assert await done.get() == "fast"
        release.set()
        assert await done.get() == "slow"


async def test_a_relay_batch_is_handed_to_the_writer_without_waiting_and_consumers_have_their_own_connection(
    bus: RabbitMQBus,
) -> None:
    """aiormq's default room for 10 frames made each publisher of a batch wait its turn through the event loop
    (seconds for a batch of 200 on a busy loop); consumers on a connection of their own keep acking while flow
    control holds the publishing one."""
    await bus.subscribe(Subscription("connections-test", (REGISTERED,), _ignore))
    publishing = (await bus._channel.get_underlay_channel()).connection
    consuming = (await bus._consumer_channels[bus.queue_name("connections-test")].get_underlay_channel()).connection
    assert publishing.write_queue.maxsize == WRITE_QUEUE_FRAMES >= RELAY_BATCH_DEFAULT * 2
    assert consuming is not publishing
    await bus.publish([outgoing(registered(f"batch-{n}")) for n in range(RELAY_BATCH_DEFAULT)])


async def test_a_batch_goes_to_the_socket_in_few_writes_and_arrives_whole_and_in_order(
    bus: RabbitMQBus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer joins the frames already queued: a relay batch of 200 messages is a handful of writes to the socket
    (it was one per message), and the broker still gets every message, in order."""
    writes: list[int] = []
    write = asyncio.StreamWriter.write

    def counted(self: asyncio.StreamWriter, data: bytes) -> None:
        writes.append(len(data))
        write(self, data)

    received: asyncio.Queue[str] = asyncio.Queue()

    async def remember(event: CloudEvent) -> None:
        await received.put(event.subject)

    await bus.declare("coalescing-test", (REGISTERED,))  # the messages wait in the queue: no acks while counting
    monkeypatch.setattr(asyncio.StreamWriter, "write", counted)
    subjects = [f"batch-{n}" for n in range(RELAY_BATCH_DEFAULT)]
    await bus.publish([outgoing(registered(subject)) for subject in subjects])
    assert 1 <= len(writes) <= 5, writes
    monkeypatch.undo()
    await bus.subscribe(Subscription("coalescing-test", (REGISTERED,), remember, prefetch=1))
    assert [await asyncio.wait_for(received.get(), 10) for _ in subjects] == subjects


async def _ignore(event: CloudEvent) -> None:
    return None


async def test_consumer_resumes_after_reconnection(bus: RabbitMQBus) -> None:
    received: asyncio.Queue[str] = asyncio.Queue()

    async def handler(event: CloudEvent) -> None:
        await received.put(event.id)

    await bus.subscribe(Subscription("reconnect-test", (REGISTERED,), handler))
    connection = bus._connection  # private on purpose: force a reconnection of the robust connection
    assert connection is not None
    await connection.reconnect()
    await eventually(bus.is_ready)
    event = registered()
    await bus.publish([outgoing(event)])
    async with asyncio.timeout(10):
        assert await received.get() == event.id


async def _has_dead_letters(bus: RabbitMQBus, consumer: str, count: int) -> bool:
    return len(await bus.dead_letters(consumer)) >= count


async def _queue_depth(name: str) -> int:
    async with await aio_pika.connect(URL) as connection:
        queue = await (await connection.channel()).declare_queue(name, passive=True)
        return queue.declaration_result.message_count
