"""E-mail through SMTP (the standard library's client, in threads so the event loop never blocks); a dispatch round's
e-mails share a few connections."""

import asyncio
import smtplib
from email.charset import BASE64, Charset
from email.header import Header
from email.mime.text import MIMEText

from notify_svc.channels.base import Channel, Message, SendResult


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
    ) -> None:
        self._host, self._port, self._sender, self._timeout = host, port, sender, timeout
        self._connections = connections
        self._username, self._password, self._starttls = username, password, starttls

    async def send(self, message: Message) -> SendResult:
        (result,) = await asyncio.to_thread(self._send_over_one_connection, [_email(message, sender=self._sender)])
        return result

    async def send_many(self, messages: list[Message], *, concurrency: int, timeout: float) -> list[SendResult]:
        """A round's e-mails over at most ``connections`` SMTP connections (each in a thread), not one per message;
        the client's socket timeout bounds every step."""
        emails = [_email(message, sender=self._sender) for message in messages]
        groups = max(1, min(self._connections, concurrency, len(emails)))
        chunks = [emails[i::groups] for i in range(groups)]
        done = await asyncio.gather(*(asyncio.to_thread(self._send_over_one_connection, c) for c in chunks))
        results: list[SendResult] = [SendResult.sent()] * len(emails)
        for i, chunk_results in enumerate(done):
            results[i::groups] = chunk_results
        return results

    def _send_over_one_connection(self, emails: list[MIMEText]) -> list[SendResult]:
        results: list[SendResult] = []
        client: smtplib.SMTP | None = None
        try:
            for email in emails:
                try:
                    client = client or self._connect()
                except (smtplib.SMTPException, OSError) as exc:  # unreachable: the rest fail alike, retried later
                    failed = SendResult.failed(f"邮件发送失败：{type(exc).__name__}")
                    return results + [failed] * (len(emails) - len(results))
                results.append(_sent_on(client, email))
                if not results[-1].ok and results[-1].retryable:  # the connection may be broken: open a new one
                    client = _quit(client)
        finally:
            _quit(client)
        return results

    def _connect(self) -> smtplib.SMTP:
        client = smtplib.SMTP(self._host, self._port, timeout=self._timeout)
        try:
            if self._starttls:
                client.starttls()
            if self._username:
                client.login(self._username, self._password or "")
        except BaseException:
            _quit(client)
            raise
        return client


def _sent_on(client: smtplib.SMTP, email: MIMEText) -> SendResult:
    try:
        client.send_message(email)
    except smtplib.SMTPRecipientsRefused:
        return SendResult.failed("邮件服务器拒收该收件地址", retryable=False)
    except (smtplib.SMTPException, OSError) as exc:
        return SendResult.failed(f"邮件发送失败：{type(exc).__name__}")
    return SendResult.sent()


def _quit(client: smtplib.SMTP | None) -> None:
    if client is None:
        return None
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()
    return None


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
