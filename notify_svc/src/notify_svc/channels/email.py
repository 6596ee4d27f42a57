"""E-mail through SMTP (the standard library's client, in a thread so the event loop never blocks)."""

import asyncio
import smtplib
from email.message import EmailMessage

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
    ) -> None:
        self._host, self._port, self._sender, self._timeout = host, port, sender, timeout
        self._username, self._password, self._starttls = username, password, starttls

    async def send(self, message: Message) -> SendResult:
        try:
            await asyncio.to_thread(self._send, _email(message, sender=self._sender))
        except smtplib.SMTPRecipientsRefused:
            return SendResult.failed("邮件服务器拒收该收件地址", retryable=False)
        except (smtplib.SMTPException, OSError) as exc:
            return SendResult.failed(f"邮件发送失败：{type(exc).__name__}")
        return SendResult.sent()

    def _send(self, email: EmailMessage) -> None:
        with smtplib.SMTP(self._host, self._port, timeout=self._timeout) as client:
            if self._starttls:
                client.starttls()
            if self._username:
                client.login(self._username, self._password or "")
            client.send_message(email)


def _email(message: Message, *, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = sender, message.address, message.title
    email["Message-ID"] = f"<{message.notification_id}@xinfang.notify>"
    email.set_content(message.body)
    return email
