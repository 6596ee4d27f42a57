"""services.messaging.InMemoryBus: the broker's delivery semantics without a broker."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest

from services.contracts import CloudEvent
from services.contracts.intake import PetitionRegistered
from services.messaging import InMemoryBus, OutgoingMessage, PublishError, Subscription
from services.testing import petition_registered_event

REGISTERED = PetitionRegistered.event_type
NAMESPACE = "unit-bus"


def registered() -> PetitionRegistered:
    return petition_registered_event(channel="online")


def outgoing(event: CloudEvent) -> OutgoingMessage:
    return OutgoingMessage(event.id, event.type, event.to_json().encode(), correlation_id="corr-1")


class Recorder:
    def __init__(self, *, fail_times: int = 0) -> None:
        self.fail_times = fail_times
        self.calls: list[CloudEvent] = []

    async def __call__(self, event: CloudEvent) -> None:
        self.calls.append(event)
        if len(self.calls) <= self.fail_times:
            raise RuntimeError(f"failure {len(self.calls)}")


@pytest.fixture
async def bus() -> AsyncIterator[InMemoryBus]:
    bus = InMemoryBus(namespace=NAMESPACE, delivery_limit=2)
    await bus.start()
    yield bus
    await bus.close()


async def test_publish_before_start_raises() -> None:
    bus = InMemoryBus(namespace=NAMESPACE)
    assert await bus.is_ready() is False
    with pytest.raises(PublishError, match="bus is not started"):
        await bus.publish([outgoing(registered())])
    assert bus.archive == []
    await bus.start()
    assert await bus.is_ready() is True


async def test_publish_after_close_raises(bus: InMemoryBus) -> None:
    await bus.close()
    assert await bus.is_ready() is False
    with pytest.raises(PublishError):
        await bus.publish([outgoing(registered())])


async def test_subscriber_receives_the_parsed_event(bus: InMemoryBus) -> None:
    recorder = Recorder()
    await bus.subscribe(Subscription("routing", (REGISTERED,), recorder))
    event = registered()
    await bus.publish([outgoing(event)])
    await bus.drain()
    assert recorder.calls == [event]
    assert isinstance(recorder.calls[0], PetitionRegistered)
    assert bus.dead_letters == []


async def test_declared_queue_keeps_messages_until_a_consumer_subscribes(bus: InMemoryBus) -> None:
    await bus.declare("routing", [REGISTERED])
    first, second = registered(), registered()
    await bus.publish([outgoing(first), outgoing(second)])
    await asyncio.sleep(0)
    recorder = Recorder()
    await bus.subscribe(Subscription("routing", (REGISTERED,), recorder, prefetch=1))
    await bus.drain()
    assert recorder.calls == [first, second]


async def test_undeclared_consumer_misses_earlier_messages(bus: InMemoryBus) -> None:
    early = registered()
    await bus.publish([outgoing(early)])
    recorder = Recorder()
    await bus.subscribe(Subscription("routing", (REGISTERED,), recorder))
    late = registered()
    await bus.publish([outgoing(late)])
    await bus.drain()
    assert recorder.calls == [late]
    assert [m.message_id for m in bus.archive] == [early.id, late.id]


async def test_unroutable_types_are_still_archived(bus: InMemoryBus) -> None:
    recorder = Recorder()
    await bus.subscribe(Subscription("routing", (REGISTERED,), recorder))
    message = OutgoingMessage(str(uuid.uuid4()), "xinfang.nobody.listens.v1", b"{}")
    await bus.publish([message])
    await bus.drain()
    assert bus.archive == [message]
    assert recorder.calls == []
    assert bus.dead_letters == []


async def test_every_matching_queue_gets_a_copy_and_wildcards_bind(bus: InMemoryBus) -> None:
    routing, notify, other = Recorder(), Recorder(), Recorder()
    await bus.subscribe(Subscription("routing", (REGISTERED,), routing))
    await bus.subscribe(Subscription("notify", ("xinfang.petition.#",), notify))
    await bus.subscribe(Subscription("other", ("xinfang.case.*.v1",), other))
    event = registered()
    await bus.publish([outgoing(event)])
    await bus.drain()
    assert (routing.calls, notify.calls, other.calls) == ([event], [event], [])


async def test_failing_handler_is_redelivered_then_dead_lettered(bus: InMemoryBus) -> None:
    recorder = Recorder(fail_times=100)
    await bus.subscribe(Subscription("routing", (REGISTERED,), recorder))
    event = registered()
    await bus.publish([outgoing(event)])
    await bus.drain()
    assert len(recorder.calls) == bus.delivery_limit + 1 == 3
    [dead] = bus.dead_letters
    assert (dead.queue, dead.message_id, dead.event_type, dead.deliveries) == (
        f"{NAMESPACE}.routing.dlq",
        event.id,
        REGISTERED,
        3,
    )
    assert dead.reason == "delivery limit exceeded: RuntimeError('failure 3')"
    assert dead.body == event.to_json().encode()


async def test_handler_that_recovers_within_the_limit_is_not_dead_lettered(bus: InMemoryBus) -> None:
    recorder = Recorder(fail_times=2)
    await bus.subscribe(Subscription("routing", (REGISTERED,), recorder))
    await bus.publish([outgoing(registered())])
    await bus.drain()
    assert len(recorder.calls) == 3
    assert bus.dead_letters == []


async def test_invalid_body_is_dead_lettered_at_once(bus: InMemoryBus) -> None:
    recorder = Recorder()
    await bus.subscribe(Subscription("routing", (REGISTERED,), recorder))
    await bus.publish([OutgoingMessage("m-1", REGISTERED, b'{"type": "xinfang.petition.registered.v1"}')])
    await bus.drain()
    assert recorder.calls == []
    [dead] = bus.dead_letters
    assert (dead.queue, dead.message_id, dead.deliveries) == (f"{NAMESPACE}.routing.dlq", "m-1", 0)
    assert dead.reason == "invalid event: 5 errors"  # id, source, subject, time and data are missing


async def test_a_queue_takes_one_consumer(bus: InMemoryBus) -> None:
    await bus.subscribe(Subscription("routing", (REGISTERED,), Recorder()))
    with pytest.raises(ValueError, match=f"queue {NAMESPACE}.routing already has a consumer"):
        await bus.subscribe(Subscription("routing", (REGISTERED,), Recorder()))


async def test_queue_names(bus: InMemoryBus) -> None:
    assert bus.queue_name("notify") == f"{NAMESPACE}.notify"
    assert bus.dead_letter_queue_name("notify") == f"{NAMESPACE}.notify.dlq"
