"""A broker that stops answering: a batch's publish gives up after ``publish_timeout`` with ``PublishError`` (so the
relay keeps the rows and tries again), and publishing works again once the broker answers."""

import time

from services.messaging import OutgoingMessage, PublishError
from services.messaging.rabbitmq import RabbitMQBus
from services.testing import TcpProxy, amqp_url_via, petition_registered_event, unique


async def test_a_batch_not_confirmed_in_time_fails_whole_and_the_next_one_goes_through(broker_proxy: TcpProxy) -> None:
    bus = RabbitMQBus(url=amqp_url_via(broker_proxy), namespace=unique("test-timeout-"), publish_timeout=0.5)
    await bus.start()
    try:
        events = [petition_registered_event() for _ in range(50)]
        batch = [OutgoingMessage(e.id, e.type, e.to_json().encode()) for e in events]
        broker_proxy.hold()
        started = time.monotonic()
        try:
            await bus.publish(batch)
        except PublishError as exc:
            assert "within 0.5 s" in str(exc)
        else:
            raise AssertionError("a publish nobody confirmed returned")
        assert 0.4 < time.monotonic() - started < 3.0
        broker_proxy.release()
        await bus.publish(batch[:5])  # the connection is intact: later batches are confirmed
    finally:
        broker_proxy.release()
        await bus.delete_topology()
        await bus.close()
