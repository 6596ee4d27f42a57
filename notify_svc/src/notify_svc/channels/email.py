"""E-mail through SMTP on the event loop (aiosmtplib, no threads): a dispatch round's e-mails share at most
``connections`` connections, which are kept for the next rounds and for ``send`` until idle for ``idle_seconds``
(ADR 0034)."""

import asyncio
import socket
import ssl
from email.charset import BASE64, Charset
from email.header import Header
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import parseaddr

import aiosmtplib

from notify_svc.channels.base import Channel, Message, SendResult

REFUSED = "邮件服务器拒收该收件地址"


class SmtpChannel(Channel):
    name = "email"

    def __init__(
        self,
        *,
        host: str,
        port: int,
        sender: str,
        timeout: float,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        connections: int = 4,
        idle_seconds: float = 30.0,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        self._host, self._port, self._sender, self._timeout = host, port, sender, timeout
        self._envelope_sender = parseaddr(sender)[1] or sender
        self._connections, self._idle_seconds = connections, idle_seconds
        self._username, self._password = username, password
        self._tls = (tls_context or _unverified_context()) if starttls else None
        # aiosmtplib would look up the FQDN (DNS) in a thread on every connect
        self._local_hostname = socket.gethostname() or "localhost"
        self._slots = asyncio.Semaphore(connections)
        self._idle: list[tuple[aiosmtplib.SMTP, float]] = []  # with the loop time it was last used, newest last
        self._reaper: asyncio.TimerHandle | None = None
        self._quitting: set[asyncio.Task] = set()
        self._closed = False

    async def send(self, message: Message) -> SendResult:
        (result,) = await self._send_over_one_connection([self._payload(message)])
        return result

    async def send_many(self, messages: list[Message], *, concurrency: int, timeout: float) -> list[SendResult]:
        """A round's e-mails over at most ``connections`` kept connections, not one per message; the client's
        ``timeout`` bounds every command (the dispatcher bounds the whole round)."""
        payloads = [self._payload(message) for message in messages]
        groups = max(1, min(self._connections, concurrency, len(payloads)))
        chunks = [payloads[i::groups] for i in range(groups)]
        done = await asyncio.gather(*(self._send_over_one_connection(chunk) for chunk in chunks))
        results: list[SendResult] = [SendResult.sent()] * len(payloads)
        for i, chunk_results in enumerate(done):
            results[i::groups] = chunk_results
        return results

    async def aclose(self) -> None:
        """QUIT the kept connections; exchanges still running QUIT theirs when they end. Sending after this still
        works, but no connection is kept."""
        self._closed = True
        if self._reaper is not None:
            self._reaper.cancel()
            self._reaper = None
        idle, self._idle = self._idle, []
        await asyncio.gather(*(_quit(client) for client, _ in idle), *self._quitting)

    async def _send_over_one_connection(self, payloads: list[tuple[str, bytes]]) -> list[SendResult]:
        results: list[SendResult] = []
        async with self._slots:
            client: aiosmtplib.SMTP | None = None
            try:
                for recipient, data in payloads:
                    try:
                        client = client or self._take_idle() or await self._connect()
                    except (aiosmtplib.SMTPException, OSError) as exc:  # unreachable: the rest fail alike
                        failed = SendResult.failed(f"邮件发送失败：{type(exc).__name__}")
                        return results + [failed] * (len(payloads) - len(results))
                    results.append(await self._sent_on(client, recipient, data))
                    if not results[-1].ok and results[-1].retryable:  # the connection may be broken: open a new one
                        client = _close(client)
            except BaseException:  # cancelled by the dispatcher's deadline: the connection is mid-exchange
                _close(client)
                raise
            if client is not None and self._closed:
                await _quit(client)
            elif client is not None:
                self._keep(client)
        return results

    async def _sent_on(self, client: aiosmtplib.SMTP, recipient: str, data: bytes) -> SendResult:
        """One transaction; aiosmtplib sends RSET itself after a refusal, so the connection stays clean. A 5xx answer
        to RCPT refuses the address for good; a 4xx one only for now, so the notice is retried."""
        try:
            await client.sendmail(self._envelope_sender, [recipient], data)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [refusal.code for refusal in exc.recipients]
            if codes and all(400 <= code < 500 for code in codes):  # for now (greylisting, mailbox full): later
                return SendResult.failed(f"邮件服务器暂时拒收（{codes[0]}），稍后重试")
            return SendResult.failed(REFUSED, retryable=False)
        except (aiosmtplib.SMTPException, OSError) as exc:
            return SendResult.failed(f"邮件发送失败：{type(exc).__name__}")
        except ValueError as exc:  # an address that cannot be put in a command (a line break): trying again won't help
            return SendResult.failed(f"邮件发送失败：{type(exc).__name__}", retryable=False)
        return SendResult.sent()

    async def _connect(self) -> aiosmtplib.SMTP:
        """Connect, EHLO, STARTTLS and EHLO again when configured (never opportunistically), AUTH when a user name is
        set; each step within ``timeout``."""
        client = aiosmtplib.SMTP(
            hostname=self._host, port=self._port, timeout=self._timeout, local_hostname=self._local_hostname,
            start_tls=self._tls is not None, tls_context=self._tls,
            username=self._username or None, password=self._password if self._username else None,
        )  # fmt: skip
        await client.connect()
        return client

    def _take_idle(self) -> aiosmtplib.SMTP | None:
        """The most recently used kept connection the server has not closed meanwhile."""
        while self._idle:
            client, _ = self._idle.pop()
            if client.is_connected:
                return client
            _close(client)
        return None

    def _keep(self, client: aiosmtplib.SMTP) -> None:
        if not client.is_connected:
            return
        loop = asyncio.get_running_loop()
        self._idle.append((client, loop.time()))
        if self._reaper is None:
            self._reaper = loop.call_later(self._idle_seconds, self._reap)

    def _reap(self) -> None:
        """QUIT the connections idle for ``idle_seconds``; look again when the next one will be."""
        loop = asyncio.get_running_loop()
        self._reaper = None
        cutoff = loop.time() - self._idle_seconds
        expired = [client for client, used in self._idle if used <= cutoff]
        self._idle = [(client, used) for client, used in self._idle if used > cutoff]
        for client in expired:
            task = loop.create_task(_quit(client))
            self._quitting.add(task)
            task.add_done_callback(self._quitting.discard)
        if self._idle:
            self._reaper = loop.call_at(self._idle[0][1] + self._idle_seconds, self._reap)

    def _payload(self, message: Message) -> tuple[str, bytes]:
        email = _email(message, sender=self._sender)
        return message.address, email.as_bytes(policy=_SMTP_POLICY)


async def _quit(client: aiosmtplib.SMTP) -> None:
    try:
        await client.quit()
    except (aiosmtplib.SMTPException, OSError):
        client.close()


def _close(client: aiosmtplib.SMTP | None) -> None:
    if client is not None:
        client.close()


def _unverified_context() -> ssl.SSLContext:
    """Encryption without checking the certificate, what smtplib's ``starttls()`` did without a context: only when
    ``smtp_tls_verify`` is off (the factory passes a checking ``tls_context`` otherwise)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


_SMTP_POLICY = compat32.clone(linesep="\r\n")


_UTF8 = Charset("utf-8")
_UTF8.body_encoding = BASE64


def _email(message: Message, *, sender: str) -> MIMEText:
    """A plain-text UTF-8 message (base64 body, RFC 2047 subject). The legacy ``compat32`` classes, not
    ``EmailMessage``: its header registry parsed every header again, about half of the e-mail channel's CPU."""
    email = MIMEText(message.body, "plain", _UTF8)
    email["From"], email["To"] = sender, message.address
    email["Subject"] = Header(message.title, "utf-8")
    email["Message-ID"] = f"<{message.notification_id}@xinfang.notify>"
    return email
