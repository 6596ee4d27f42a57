"""The RabbitMQ bus builds each message's AMQP properties itself: the same bytes aio-pika's ``Message`` would send."""

import aio_pika
import pytest

from services.messaging import OutgoingMessage
from services.messaging.rabbitmq import CONTENT_TYPE, message_properties


@pytest.mark.parametrize("correlation_id", ["corr-1", None])
def test_properties_are_those_of_an_aio_pika_message(correlation_id: str | None) -> None:
    outgoing = OutgoingMessage(
        "0192f0c4-0000-7000-8000-000000000001", "xinfang.petition.registered.v1", b"{}", correlation_id
    )
    expected = aio_pika.Message(
        outgoing.body,
        message_id=outgoing.message_id,
        correlation_id=outgoing.correlation_id,
        content_type=CONTENT_TYPE,
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        type=outgoing.event_type,
    ).properties
    built = message_properties(outgoing)
    assert built.marshal() == expected.marshal()
    assert (built.message_type, built.delivery_mode, built.message_id) == (
        outgoing.event_type,
        2,
        outgoing.message_id,
    )
