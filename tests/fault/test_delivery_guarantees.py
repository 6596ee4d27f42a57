"""Nothing lost, nothing twice: the outbox, the relay, the inbox and the bus under faults.

Each test runs on the real PostgreSQL + RabbitMQ and, for the same semantics, on SQLite + the in-memory bus.
"""

import asyncio
import dataclasses
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from services.contracts import CloudEvent
from services.contracts.intake import PetitionRegistered
from services.db import OutboxRelay, add_event, inbox, inbox_subscription, make_engine, make_session_factory
from services.db.tables import outbox, platform_metadata
from services.messaging import InMemoryBus, MessageBus, OutgoingMessage
from services.messaging.rabbitmq import RabbitMQBus
from services.testing import (
    AMQP_URL,
    create_database,
    drop_database,
    eventually,
    petition_registered_event,
    require_real_services,
    unique,
)

pytestmark = pytest.mark.fault
DELIVERY_LIMIT = 2
CONSUMER = "routing"  # a consumer name the contracts know; the namespace keeps the test apart

effects_metadata = MetaData()
effects = Table(
    "effects",
    effects_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False),
    Column("subject", String(64), nullable=False),
)


@dataclass
class Rig:
    backend: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    namespace: str
    buses: list[MessageBus] = field(default_factory=list)

    async def new_bus(self) -> MessageBus:
        if self.backend == "memory":
            bus: MessageBus = InMemoryBus(namespace=self.namespace, delivery_limit=DELIVERY_LIMIT)
        else:
            bus = RabbitMQBus(url=AMQP_URL, namespace=self.namespace, delivery_limit=DELIVERY_LIMIT)
        await bus.start()
        self.buses.append(bus)
        return bus

    async def count(self, statement) -> int:  # noqa: ANN001
        async with self.sessions() as session:
            return await session.scalar(statement) or 0


@pytest.fixture(params=["memory", "real"])
async def rig(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Rig]:
    database = unique("xt_fault_")
    if request.param == "real":
        await require_real_services()
        url = await create_database(database)
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'fault.sqlite3'}"
    engine = make_engine(url, pool_size=10)
    async with engine.begin() as connection:
        await connection.run_sync(platform_metadata.create_all)
        await connection.run_sync(effects_metadata.create_all)
    rig = Rig(request.param, engine, make_session_factory(engine), unique("fault-"))
    try:
        yield rig
    finally:
        await _teardown(rig, database)


async def _teardown(rig: Rig, database: str) -> None:
    for bus in rig.buses:
        if isinstance(bus, RabbitMQBus):
            await bus.delete_topology()
        await bus.close()
    await rig.engine.dispose()
    if rig.backend == "real":
        await drop_database(database)


def event_for(subject: str) -> CloudEvent:
    return petition_registered_event(subject=subject)


async def stage(rig: Rig, events: list[CloudEvent]) -> None:
    async with rig.sessions() as session, session.begin():
        for event in events:
            await add_event(session, event)


def recording_subscription(rig: Rig, *, poison: str | None = None, calls: Counter | None = None):  # noqa: ANN201
    calls = calls if calls is not None else Counter()

    async def effect(session: AsyncSession, event: CloudEvent) -> None:
        calls[event.subject] += 1
        if event.subject == poison:
            raise RuntimeError("this consumer cannot handle the poison message")
        await session.execute(insert(effects).values(event_id=event.id, subject=event.subject))

    return inbox_subscription(consumer=CONSUMER, session_factory=rig.sessions, handlers={PetitionRegistered: effect})


async def dead_letter_ids(rig: Rig, bus: MessageBus) -> list[str]:
    if isinstance(bus, RabbitMQBus):
        return [d.message_id for d in await bus.dead_letters(CONSUMER)]
    return [d.message_id for d in bus.dead_letters]


async def test_failing_consumer_dead_letters_one_message_while_others_flow(rig: Rig) -> None:
    bus, calls = await rig.new_bus(), Counter()
    await bus.subscribe(recording_subscription(rig, poison="poison", calls=calls))
    poison = event_for("poison")
    await stage(rig, [event_for("a"), poison, *(event_for(f"b{i}") for i in range(5))])
    relay = OutboxRelay(session_factory=rig.sessions, bus=bus)
    assert await relay.publish_pending() == 7

    await eventually(lambda: dead_letter_ids(rig, bus))
    assert await dead_letter_ids(rig, bus) == [poison.id]
    assert calls["poison"] == DELIVERY_LIMIT + 1
    await eventually(lambda: _equals(rig.count(select(func.count()).select_from(effects)), 6))
    assert await rig.count(select(func.count()).where(inbox.c.event_id == poison.id)) == 0


async def _equals(awaitable, expected: int) -> bool:  # noqa: ANN001
    return await awaitable == expected


async def test_the_same_event_delivered_twice_has_one_effect(rig: Rig) -> None:
    bus, deliveries = await rig.new_bus(), Counter()
    subscription = recording_subscription(rig)

    async def counting(event: CloudEvent) -> None:
        await subscription.handler(event)
        deliveries[event.subject] += 1

    await bus.subscribe(dataclasses.replace(subscription, handler=counting))
    event = event_for("twice")
    message = OutgoingMessage(message_id=event.id, event_type=event.type, body=event.to_json().encode())
    await bus.publish([message])
    await bus.publish([message])
    await eventually(lambda: deliveries["twice"] == 2)
    assert await rig.count(select(func.count()).select_from(effects)) == 1
    assert await rig.count(select(func.count()).select_from(inbox)) == 1


async def test_a_rolled_back_transaction_publishes_no_event(rig: Rig) -> None:
    bus = await rig.new_bus()
    with pytest.raises(RuntimeError):
        async with rig.sessions() as session, session.begin():
            await add_event(session, event_for("rolled-back"))
            await session.execute(insert(effects).values(event_id="x", subject="rolled-back"))
            raise RuntimeError("the use case failed after staging its event")
    relay = OutboxRelay(session_factory=rig.sessions, bus=bus)
    assert await relay.publish_pending() == 0
    assert await rig.count(select(func.count()).select_from(outbox)) == 0
    assert await rig.count(select(func.count()).select_from(effects)) == 0


class RecordingBus(MessageBus):
    """Wraps a real bus: records what each relay published, and lingers so relays overlap."""

    def __init__(self, inner: MessageBus, log: list[tuple[str, str]], name: str) -> None:
        self.inner, self.log, self.name, self.namespace = inner, log, name, inner.namespace

    async def publish(self, messages):  # noqa: ANN001, ANN201
        await self.inner.publish(messages)
        self.log.extend((self.name, m.message_id) for m in messages)
        await asyncio.sleep(0.01)

    async def start(self) -> None: ...
    async def declare(self, consumer, event_types) -> None: ...  # noqa: ANN001
    async def subscribe(self, subscription) -> None: ...  # noqa: ANN001
    async def is_ready(self) -> bool:
        return await self.inner.is_ready()

    async def close(self) -> None: ...


@pytest.mark.parametrize("rig", ["real"], indirect=True)  # SQLite runs exactly one relay per database
async def test_two_relays_on_one_postgres_database_publish_each_event_once_in_order(rig: Rig) -> None:
    consumer_bus, delivered = await rig.new_bus(), Counter()

    async def count_delivery(event: CloudEvent) -> None:
        delivered[event.id] += 1

    from services.messaging import Subscription

    await consumer_bus.subscribe(Subscription(CONSUMER, (PetitionRegistered.event_type,), count_delivery))
    events = [event_for(f"aggregate-{i % 60}") for i in range(600)]
    await stage(rig, events)
    published: list[tuple[str, str]] = []
    relays = [
        OutboxRelay(session_factory=rig.sessions, bus=RecordingBus(await rig.new_bus(), published, name), batch_size=25)
        for name in ("relay-a", "relay-b")
    ]
    while await relays[0].pending_count():
        await asyncio.gather(*(relay.publish_pending() for relay in relays))

    ids = [message_id for _, message_id in published]
    assert sorted(ids) == sorted(e.id for e in events) and len(ids) == len(set(ids))
    assert {name for name, _ in published} == {"relay-a", "relay-b"}
    position = {message_id: i for i, message_id in enumerate(ids)}
    by_aggregate: dict[str, list[int]] = defaultdict(list)
    for event in events:
        by_aggregate[event.subject].append(position[event.id])
    assert all(order == sorted(order) for order in by_aggregate.values())
    await eventually(lambda: len(delivered) == 600, timeout=30)
    assert set(delivered.values()) == {1}
