"""The deliverer's HTTP/1.1 client against scripted servers: keep-alive reuse, when a connection is closed instead,
a kept connection the server dropped, informational answers, and answers that are not HTTP."""

import asyncio
import datetime
import ssl
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from ipaddress import ip_address

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from notify_svc.webhooks.addresses import CheckResult
from notify_svc.webhooks.http11 import MAX_HEAD_BYTES, EndpointPool, ProtocolError
from notify_svc.webhooks.sender import default_ssl_context

Answerer = Callable[[int], bytes]  # the answer to the n-th request on a connection (0-based); b"" closes it


@asynccontextmanager
async def server(
    answer: Answerer, tls: ssl.SSLContext | None = None
) -> AsyncIterator[tuple[int, list[bytes], list[int]]]:
    """A loopback server: records each request head, counts connections, answers as ``answer`` says."""
    heads: list[bytes] = []
    connections: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(len(connections))
        n = 0
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(
                    next(
                        v
                        for k, _, v in (line.partition(b": ") for line in head.split(b"\r\n"))
                        if k == b"content-length"
                    )
                )
                await reader.readexactly(length)
                heads.append(head)
                reply = answer(n)
                if not reply:
                    break
                writer.write(reply)
                await writer.drain()
                n += 1
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    listening = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=tls)
    try:
        yield listening.sockets[0].getsockname()[1], heads, connections
    finally:
        listening.close()


def pool_for(port: int) -> EndpointPool:
    checked = CheckResult(scheme="http", host="127.0.0.1", port=port, addresses=(ip_address("127.0.0.1"),))
    return EndpointPool(checked, ssl_context=default_ssl_context(), max_connections=2)


NO_CONTENT = b"HTTP/1.1 204 No Content\r\n\r\n"


async def test_connections_are_kept_and_the_request_is_complete() -> None:
    async with server(lambda n: b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok") as (port, heads, connections):
        pool = pool_for(port)
        answers = [
            await pool.post(f"http://127.0.0.1:{port}/hooks/a?x=1", [("webhook-id", "m1")], b"{}") for _ in range(3)
        ]
        pool.close()
    assert [a.status for a in answers] == [200, 200, 200] and len(connections) == 1
    assert heads[0].startswith(b"POST /hooks/a?x=1 HTTP/1.1\r\nhost: 127.0.0.1:")
    assert b"webhook-id: m1\r\n" in heads[0] and b"content-length: 2\r\n" in heads[0]


@pytest.mark.parametrize(
    "reply",
    [
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 0\r\n\r\n",
        b"HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\ncontent-length: 70000\r\n\r\n" + b"x" * 70000,
    ],
    ids=["chunked", "connection-close", "http-1.0", "large-body"],
)
async def test_a_connection_that_cannot_be_reused_is_closed(reply: bytes) -> None:
    async with server(lambda n: reply) as (port, _, connections):
        pool = pool_for(port)
        for _ in range(2):
            assert (await pool.post(f"http://127.0.0.1:{port}/", [], b"{}")).status == 200
        pool.close()
    assert len(connections) == 2


async def test_a_kept_connection_the_endpoint_dropped_is_replaced() -> None:
    async with server(lambda n: NO_CONTENT if n == 0 else b"") as (port, heads, connections):
        pool = pool_for(port)
        first = await pool.post(f"http://127.0.0.1:{port}/", [], b"{}")
        second = await pool.post(f"http://127.0.0.1:{port}/", [], b"{}")
        pool.close()
    assert (first.status, second.status, len(connections)) == (204, 204, 2)


async def test_informational_answers_are_skipped_and_redirects_not_followed() -> None:
    reply = (
        b"HTTP/1.1 100 Continue\r\n\r\n"
        b"HTTP/1.1 302 Found\r\nlocation: /elsewhere\r\nretry-after: 7\r\ncontent-length: 0\r\n\r\n"
    )
    async with server(lambda n: reply) as (port, heads, _):
        pool = pool_for(port)
        answer = await pool.post(f"http://127.0.0.1:{port}/", [], b"{}")
        pool.close()
    assert (answer.status, answer.retry_after, len(heads)) == (302, "7", 1)


@pytest.mark.parametrize(
    "reply", [b"SSH-2.0-OpenSSH_9.2\r\n\r\n", b"HTTP/1.1 2x0 OK\r\n\r\n", b"HTTP/1.1 200 OK\r\nbroken\r\n\r\n"]
)
async def test_an_answer_that_is_not_http_is_a_protocol_error(reply: bytes) -> None:
    async with server(lambda n: reply) as (port, _, _):
        pool = pool_for(port)
        with pytest.raises(ProtocolError):
            await pool.post(f"http://127.0.0.1:{port}/", [], b"{}")
        pool.close()


async def test_an_oversized_head_is_refused() -> None:
    reply = b"HTTP/1.1 200 OK\r\nx: " + b"a" * MAX_HEAD_BYTES + b"\r\n\r\n"
    async with server(lambda n: reply) as (port, _, _):
        pool = pool_for(port)
        with pytest.raises(ProtocolError):
            await pool.post(f"http://127.0.0.1:{port}/", [], b"{}")
        pool.close()


async def test_a_header_with_a_line_break_is_refused_before_sending() -> None:
    pool = pool_for(9)
    with pytest.raises(ValueError):
        await pool.post("http://127.0.0.1:9/", [("webhook-id", "a\r\nx: y")], b"{}")


async def test_the_next_vetted_address_is_tried_and_nothing_else() -> None:
    async with server(lambda n: NO_CONTENT) as (port, heads, _):
        vetted = (ip_address("127.0.0.2"), ip_address("127.0.0.1"))  # nobody listens on the first one
        checked = CheckResult(scheme="http", host="hooks.partner.test", port=port, addresses=vetted)
        pool = EndpointPool(checked, ssl_context=default_ssl_context(), max_connections=2)
        answer = await pool.post(f"http://hooks.partner.test:{port}/in", [], b"{}")
        pool.close()
    assert answer.status == 204
    assert (
        heads[0].startswith(b"POST /in HTTP/1.1\r\n")
        and f"host: hooks.partner.test:{port}".encode() in heads[0].lower()
    )


async def test_a_refused_connection_raises_an_os_error() -> None:
    async with server(lambda n: NO_CONTENT) as (port, _, _):
        pass  # closed again: nobody listens on the port now
    with pytest.raises(OSError):
        await pool_for(port).post(f"http://127.0.0.1:{port}/", [], b"{}")


def certificate(tmp_path, name: str) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A self-signed certificate for ``name``: the server's context and a client context that trusts only it."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    server_side = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_side.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    return server_side, ssl.create_default_context(cafile=tmp_path / "cert.pem")


async def test_https_checks_the_certificate_against_the_url_host_while_connecting_to_the_vetted_address(
    tmp_path,
) -> None:
    server_side, trusting = certificate(tmp_path, "hooks.partner.example.cn")
    async with server(lambda n: NO_CONTENT, tls=server_side) as (port, heads, _):
        loopback = (ip_address("127.0.0.1"),)
        right = CheckResult(scheme="https", host="hooks.partner.example.cn", port=port, addresses=loopback)
        pool = EndpointPool(right, ssl_context=trusting, max_connections=2)
        answer = await pool.post(f"https://hooks.partner.example.cn:{port}/in", [], b"{}")
        pool.close()
        assert answer.status == 204 and heads[0].startswith(b"POST /in HTTP/1.1\r\nhost: hooks.partner.example.cn:")
        wrong = CheckResult(scheme="https", host="other.example.cn", port=port, addresses=loopback)
        with pytest.raises(ssl.SSLCertVerificationError):
            await EndpointPool(wrong, ssl_context=trusting, max_connections=2).post(
                f"https://other.example.cn:{port}/in", [], b"{}"
            )
        with pytest.raises(ssl.SSLCertVerificationError):  # the system's CAs do not know this certificate
            await EndpointPool(right, ssl_context=default_ssl_context(), max_connections=2).post(
                f"https://hooks.partner.example.cn:{port}/in", [], b"{}"
            )
