"""The channel adapters against local fakes: an HTTP SMS gateway (the local webhook receiver, a uvicorn server on
127.0.0.1) and an SMTP server (aiosmtpd on 127.0.0.1)."""

import json
import uuid
from email.header import decode_header, make_header

import pytest

from notify_svc.channels.base import Message, SendResult
from notify_svc.channels.email import SmtpChannel
from notify_svc.channels.sms import HttpSmsGateway
from notify_svc.webhooks.testing import serve_receiver

MESSAGE = Message(uuid.uuid4(), "sms", "13812345678", "信访事项登记回执", "您的信访事项已登记。")


def gateway(url: str) -> HttpSmsGateway:
    return HttpSmsGateway(url=url, api_key="k-123", sign="清河区信访局", timeout=2)


async def test_the_gateway_receives_number_text_and_key() -> None:
    async with serve_receiver() as receiver:
        channel = gateway(receiver.url("sms", status=200))
        assert await channel.send(MESSAGE) == SendResult.sent()
        assert await channel.send(MESSAGE) == SendResult.sent()  # on the kept connection
        await channel.aclose()
    first, second = receiver.to("sms")
    assert first.headers["authorization"] == "Bearer k-123"
    assert first.headers["content-type"] == "application/json"
    assert json.loads(first.body) == {
        "phone": "13812345678",
        "text": "【清河区信访局】您的信访事项已登记。",
        "reference": str(MESSAGE.notification_id),
    }
    assert second.body == first.body


@pytest.mark.parametrize(
    ("status", "retryable"),
    [(500, True), (503, True), (429, True), (400, False), (401, False), (422, False), (302, False)],
)
async def test_gateway_errors(status: int, retryable: bool) -> None:
    async with serve_receiver() as receiver:
        channel = gateway(receiver.url("sms", status=status))
        result = await channel.send(MESSAGE)
        await channel.aclose()
    assert result == SendResult.failed(f"短信网关返回 {status}", retryable=retryable)
    assert len(receiver.to("sms")) == 1  # a redirect is not followed


async def test_an_unreachable_gateway_is_retried(free_port: int) -> None:
    channel = gateway(f"http://127.0.0.1:{free_port}/send")
    result = await channel.send(MESSAGE)
    await channel.aclose()
    assert (result.ok, result.retryable, result.error) == (False, True, "短信网关不可达：ConnectionRefusedError")


async def test_a_gateway_that_does_not_answer_in_time_is_retried() -> None:
    async with serve_receiver() as receiver:
        channel = HttpSmsGateway(url=receiver.url("sms", sleep=2), api_key="", sign="清河区信访局", timeout=0.2)
        result = await channel.send(MESSAGE)
        await channel.aclose()
    assert (result.ok, result.retryable, result.error) == (False, True, "短信网关不可达：TimeoutError")
    assert "authorization" not in receiver.to("sms")[0].headers


async def test_an_email_reaches_the_smtp_server(smtp_server) -> None:
    controller, mailbox = smtp_server
    channel = SmtpChannel(host="127.0.0.1", port=controller.port, sender="noreply@qinghe.example.cn", timeout=5)
    message = Message(uuid.uuid4(), "email", "zhang.san@example.cn", "信访事项受理告知", "您的信访事项已受理。")
    assert await channel.send(message) == SendResult.sent()
    await channel.aclose()
    (received,) = mailbox.messages
    assert (received["To"], received["From"]) == ("zhang.san@example.cn", "noreply@qinghe.example.cn")
    assert str(make_header(decode_header(received["Subject"]))) == "信访事项受理告知"
    assert received.get_payload(decode=True).decode().strip() == "您的信访事项已受理。"


async def test_an_unreachable_smtp_server_is_retried(free_port: int) -> None:
    channel = SmtpChannel(host="127.0.0.1", port=free_port, sender="noreply@qinghe.example.cn", timeout=2)
    result = await channel.send(Message(uuid.uuid4(), "email", "a@b.cn", "t", "b"))
    assert (result.ok, result.retryable) == (False, True)
    assert result.error.startswith("邮件发送失败")
