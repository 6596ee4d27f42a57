"""Fault tests run on the real PostgreSQL and RabbitMQ only (mandatory in CI); the broker is cut through a
proxy inside the test, never by stopping the machine's RabbitMQ."""

from collections.abc import AsyncIterator

import pytest

from services.testing import AMQP_URL, TcpProxy, require_real_services

pytestmark = pytest.mark.fault


@pytest.fixture
async def broker_proxy() -> AsyncIterator[TcpProxy]:
    await require_real_services()
    host, port = AMQP_URL.rsplit("@", 1)[1].rstrip("/").split(":")
    proxy = await TcpProxy(target_host=host, target_port=int(port)).start()
    yield proxy
    await proxy.stop()
