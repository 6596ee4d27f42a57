"""The one place that picks concrete channels from settings."""

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
        )
    return channels
