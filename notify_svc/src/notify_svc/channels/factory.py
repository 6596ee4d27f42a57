"""The one place that picks concrete channels from settings."""

import ssl

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notify_svc.channels.base import Channel
from notify_svc.channels.email import SmtpChannel
from notify_svc.channels.inbox import InboxChannel
from notify_svc.channels.sms import HttpSmsGateway, RecordingSmsChannel
from notify_svc.config import NotifySettings


def build_channels(settings: NotifySettings, session_factory: async_sessionmaker[AsyncSession]) -> dict[str, Channel]:
    channels: dict[str, Channel] = {"inbox": InboxChannel()}
    if settings.sms_gateway_url:
        channels["sms"] = HttpSmsGateway(
            url=settings.sms_gateway_url,
            api_key=settings.sms_api_key,
            sign=settings.sms_sign,
            timeout=settings.send_timeout_seconds,
            connections=settings.dispatch_concurrency,
        )
    else:
        channels["sms"] = RecordingSmsChannel(session_factory=session_factory, sign=settings.sms_sign)
    if settings.smtp_host:
        channels["email"] = SmtpChannel(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.mail_from,
            timeout=settings.send_timeout_seconds,
            username=settings.smtp_username,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls,
            connections=settings.smtp_connections,
            tls_context=smtp_tls_context(settings),
        )
    return channels


def smtp_tls_context(settings: NotifySettings) -> ssl.SSLContext | None:
    """The context STARTTLS checks the mail server's certificate with (system CAs, or ``smtp_tls_ca_file``, e.g. a
    government network's own CA); ``None`` when STARTTLS is off, or checking is switched off (ADR 0034)."""
    if not settings.smtp_starttls or not settings.smtp_tls_verify:
        return None
    return ssl.create_default_context(cafile=settings.smtp_tls_ca_file)
