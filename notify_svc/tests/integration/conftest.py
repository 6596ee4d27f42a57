"""A notify-only database (migrated, default rules and templates, demo staff) on each backend, for tests that drive
the consumer and the dispatcher directly with their own clock and channels; a local SMTP server (aiosmtpd)."""

import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler

from notify_svc.demo import demo_staff
from notify_svc.notification_rules.service import seed_defaults
from services.db import make_engine, make_session_factory
from services.testing import Databases, require_real_services


@pytest.fixture(params=["memory", "real"])
async def notify_db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator:
    if request.param == "real":
        await require_real_services()
    databases = await Databases.create(request.param, tmp_path, names=("notify",))
    try:
        await databases.migrate()
        engine = make_engine(databases.urls["notify"], pool_size=5)
        factory = make_session_factory(engine)
        async with factory() as session, session.begin():
            await seed_defaults(session=session)
            session.add_all(demo_staff())
        yield factory
        await engine.dispose()
    finally:
        await databases.drop()


@pytest.fixture
def free_port() -> int:
    """A loopback port nothing listens on (a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox(MessageHandler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list = []

    def handle_message(self, message) -> None:
        self.messages.append(message)


@pytest.fixture
def smtp_server(free_port: int) -> Iterator[tuple[Controller, Mailbox]]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port)
    controller.start()
    try:
        yield controller, mailbox
    finally:
        controller.stop()
