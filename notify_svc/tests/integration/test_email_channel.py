"""The e-mail channel's connections against a local aiosmtpd server: kept across rounds, a refused recipient among
accepted ones, a server that drops the connection or does not answer in time, STARTTLS with AUTH, closing."""

import asyncio
import datetime
import ipaddress
import ssl
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from notify_svc.channels.base import Message, SendResult
from notify_svc.channels.email import SmtpChannel
from notify_svc.channels.factory import build_channels
from notify_svc.config import NotifySettings

REFUSED = SendResult.failed("邮件服务器拒收该收件地址", retryable=False)


class Recorder:
    """Accepts every recipient except ``refuse`` (for good) and ``defer`` (for now); drops the connection on the
    message to ``drop``, answers the one to ``slow`` only after ``delay`` seconds. Records who got what over which
    connection (the client's address)."""

    def __init__(
        self, *, refuse: str = "", defer: str = "", drop: str = "", slow: str = "", delay: float = 0.0
    ) -> None:
        self.refuse, self.defer, self.drop, self.slow, self.delay = refuse, defer, drop, slow, delay
        self.delivered: list[tuple[str, tuple, bool]] = []  # recipient, peer, over TLS
        self.quits: list[tuple] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:  # noqa: N802
        if address == self.refuse:
            return "550 5.1.1 no such mailbox"
        if address == self.defer:
            return "451 4.7.1 greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
        (recipient,) = envelope.rcpt_tos
        if recipient == self.drop:
            server.transport.close()
            return "451 gone"
        if recipient == self.slow:
            await asyncio.sleep(self.delay)
        self.delivered.append((recipient, session.peer, session.ssl is not None))
        return "250 OK"

    async def handle_QUIT(self, server, session, envelope) -> str:  # noqa: N802
        self.quits.append(session.peer)
        return "221 Bye"

    def connections(self) -> set[tuple]:
        return {peer for _, peer, _ in self.delivered}


@pytest.fixture
def serve(free_port: int) -> Iterator[Callable[..., Controller]]:
    started: list[Controller] = []

    def start(handler: Recorder, **smtp_kwargs) -> Controller:
        controller = Controller(handler, hostname="127.0.0.1", port=free_port, **smtp_kwargs)
        controller.start()
        started.append(controller)
        return controller

    yield start
    for controller in started:
        controller.stop()


def mails(*addresses: str) -> list[Message]:
    return [Message(uuid.uuid4(), "email", to, "信访事项受理告知", "您的信访事项已受理。") for to in addresses]


def channel(port: int, **options) -> SmtpChannel:
    settings = {"host": "127.0.0.1", "port": port, "sender": "noreply@qinghe.example.cn", "timeout": 5} | options
    return SmtpChannel(**settings)


async def test_connections_are_kept_across_rounds_and_send_calls(serve) -> None:
    recorder = Recorder()
    controller = serve(recorder)
    email = channel(controller.port, connections=1)
    first = await email.send_many(mails("a@example.cn", "b@example.cn"), concurrency=4, timeout=5)
    second = await email.send_many(mails("c@example.cn"), concurrency=4, timeout=5)
    third = await email.send(mails("d@example.cn")[0])
    await email.aclose()
    assert first + second + [third] == [SendResult.sent()] * 4
    assert [recipient for recipient, _, _ in recorder.delivered] == ["a@example.cn", "b@example.cn", "c@example.cn",
                                                                     "d@example.cn"]  # fmt: skip
    assert len(recorder.connections()) == 1


async def test_never_more_connections_than_configured(serve) -> None:
    recorder = Recorder()
    controller = serve(recorder)
    email = channel(controller.port, connections=2)
    for _ in range(3):
        results = await email.send_many(mails(*(f"p{n}@example.cn" for n in range(6))), concurrency=8, timeout=5)
        assert results == [SendResult.sent()] * 6
    await email.aclose()
    assert len(recorder.delivered) == 18
    assert len(recorder.connections()) == 2


async def test_a_refused_recipient_fails_alone_and_for_good(serve) -> None:
    recorder = Recorder(refuse="nobody@example.cn")
    controller = serve(recorder)
    email = channel(controller.port, connections=1)
    results = await email.send_many(
        mails("a@example.cn", "nobody@example.cn", "b@example.cn"), concurrency=4, timeout=5
    )
    await email.aclose()
    assert results == [SendResult.sent(), REFUSED, SendResult.sent()]
    assert [recipient for recipient, _, _ in recorder.delivered] == ["a@example.cn", "b@example.cn"]
    assert len(recorder.connections()) == 1  # reset, not dropped


async def test_a_recipient_deferred_for_now_is_retried_later(serve) -> None:
    """A 4xx answer to RCPT (greylisting, a full mailbox for now) is temporary: the notice is tried again later, not
    given up like a 5xx refusal; the connection goes on."""
    recorder = Recorder(defer="later@example.cn")
    controller = serve(recorder)
    email = channel(controller.port, connections=1)
    results = await email.send_many(mails("a@example.cn", "later@example.cn"), concurrency=4, timeout=5)
    await email.aclose()
    assert results[0] == SendResult.sent()
    assert not results[1].ok and results[1].retryable and "451" in results[1].error
    assert len(recorder.connections()) == 1


async def test_an_address_that_cannot_be_put_in_a_command_fails_for_good(serve) -> None:
    recorder = Recorder()
    controller = serve(recorder)
    email = channel(controller.port, connections=1)
    results = await email.send_many(mails('"x\nRSET"@example.cn', "a@example.cn"), concurrency=4, timeout=5)
    await email.aclose()
    assert results == [SendResult.failed("邮件发送失败：ValueError", retryable=False), SendResult.sent()]
    assert [recipient for recipient, _, _ in recorder.delivered] == ["a@example.cn"]


async def test_a_dropped_connection_is_retried_and_the_next_round_opens_a_new_one(serve) -> None:
    recorder = Recorder(drop="drop@example.cn")
    controller = serve(recorder)
    email = channel(controller.port, connections=1)
    first = await email.send_many(mails("a@example.cn", "drop@example.cn"), concurrency=4, timeout=5)
    second = await email.send_many(mails("b@example.cn"), concurrency=4, timeout=5)
    await email.aclose()
    assert first[0] == SendResult.sent()
    assert (first[1].ok, first[1].retryable) == (False, True)
    assert first[1].error == "邮件发送失败：SMTPServerDisconnected"
    assert second == [SendResult.sent()]
    (_, before, _), (_, after, _) = recorder.delivered
    assert before != after


async def test_a_server_that_does_not_answer_in_time_is_retried_on_a_new_connection(serve) -> None:
    recorder = Recorder(slow="slow@example.cn", delay=1.0)
    controller = serve(recorder)
    email = channel(controller.port, connections=1, timeout=0.3)
    results = await email.send_many(mails("slow@example.cn", "a@example.cn"), concurrency=4, timeout=5)
    await email.aclose()
    assert (results[0].ok, results[0].retryable) == (False, True)
    assert results[0].error.startswith("邮件发送失败：SMTP") and "Timeout" in results[0].error
    assert results[1] == SendResult.sent()  # the next message, on a fresh connection


async def test_aclose_quits_the_kept_connections(serve) -> None:
    recorder = Recorder()
    controller = serve(recorder)
    email = channel(controller.port, connections=2)
    await email.send_many(mails("a@example.cn", "b@example.cn"), concurrency=4, timeout=5)
    assert recorder.quits == []
    await email.aclose()
    assert sorted(recorder.quits) == sorted(recorder.connections())
    assert len(recorder.quits) == 2


async def test_idle_connections_are_quit_after_a_while(serve) -> None:
    recorder = Recorder()
    controller = serve(recorder)
    email = channel(controller.port, idle_seconds=0.2)
    assert await email.send(mails("a@example.cn")[0]) == SendResult.sent()
    await asyncio.sleep(0.1)
    assert recorder.quits == []
    await asyncio.sleep(0.5)
    assert recorder.quits == list(recorder.connections())
    assert await email.send(mails("b@example.cn")[0]) == SendResult.sent()  # a new connection
    await email.aclose()
    assert len(recorder.connections()) == 2


def self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@pytest.fixture
def tls_server(serve, tmp_path: Path) -> tuple[Controller, Recorder, Path]:
    cert, key = self_signed(tmp_path)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)

    def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and auth_data == (b"notify", b"s3cret")
        return AuthResult(success=ok)

    recorder = Recorder()
    controller = serve(
        recorder, tls_context=server_context, require_starttls=True, authenticator=authenticator, auth_required=True
    )
    return controller, recorder, cert


async def test_starttls_and_auth(tls_server) -> None:
    controller, recorder, cert = tls_server
    verified = ssl.create_default_context(cafile=str(cert))
    for options in ({}, {"tls_context": verified}):  # without a context the certificate is not checked, as before
        email = channel(controller.port, starttls=True, username="notify", password="s3cret", **options)
        assert (
            await email.send_many(mails("a@example.cn", "b@example.cn"), concurrency=1, timeout=5)
            == [SendResult.sent()] * 2
        )
        await email.aclose()
    assert [tls for _, _, tls in recorder.delivered] == [True] * 4


@pytest.mark.parametrize(
    "options",
    [
        {"starttls": False, "username": "notify", "password": "s3cret"},  # the server requires STARTTLS
        {"starttls": True, "username": "notify", "password": "wrong"},
        {"starttls": True, "username": "notify", "password": "s3cret", "tls_context": ssl.create_default_context()},
    ],
    ids=["no-starttls", "wrong-password", "untrusted-certificate"],
)
async def test_tls_and_auth_failures_are_retried(tls_server, options: dict) -> None:
    controller, recorder, _ = tls_server
    email = channel(controller.port, **options)
    results = await email.send_many(mails("a@example.cn", "b@example.cn"), concurrency=1, timeout=5)
    await email.aclose()
    assert [(r.ok, r.retryable) for r in results] == [(False, True)] * 2
    assert all(r.error.startswith("邮件发送失败：") for r in results)
    assert recorder.delivered == []


@pytest.mark.parametrize(
    ("settings", "delivered"),
    [
        ({}, False),  # checked against the system's CAs: the test's own certificate is not trusted
        ({"smtp_tls_ca_file": "CERT"}, True),  # a CA of its own, as a government network may have
        ({"smtp_tls_verify": False}, True),  # not checked: only where it is switched off
    ],
    ids=["system-cas", "own-ca", "verify-off"],
)
async def test_the_settings_check_the_certificate_unless_told_not_to(
    tls_server, settings: dict, delivered: bool
) -> None:
    controller, _, cert = tls_server
    values = {
        "smtp_host": "127.0.0.1", "smtp_port": controller.port, "smtp_starttls": True,
        "smtp_username": "notify", "smtp_password": "s3cret",
    } | {key: str(cert) if value == "CERT" else value for key, value in settings.items()}  # fmt: skip
    email = build_channels(NotifySettings(**values), session_factory=None)["email"]
    results = await email.send_many(mails("a@example.cn"), concurrency=1, timeout=5)
    await email.aclose()
    assert [r.ok for r in results] == [delivered]
    assert delivered or results[0].retryable
