"""The channel adapters against local fakes: an HTTP SMS gateway (httpx MockTransport) and an SMTP server
(aiosmtpd on 127.0.0.1)."""

import json
import uuid
from email.header import decode_header, make_header

import httpx
import pytest

from notify_svc.channels.base import Message, SendResult
from notify_svc.channels.email import SmtpChannel
from notify_svc.channels.sms import HttpSmsGateway

MESSAGE = Message(uuid.uuid4(), "sms", "13812345678", "信访事项登记回执", "您的信访事项已登记。")


def gateway(handler) -> HttpSmsGateway:
    return HttpSmsGateway(
        url="http://sms.test/send",
        api_key="k-123",
        sign="清河区信访局",
        timeout=2,
        transport=httpx.MockTransport(handler),
    )


async def test_the_gateway_receives_number_text_and_key() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ok": True})

    channel = gateway(handler)
    assert await channel.send(MESSAGE) == SendResult.sent()
    await channel.aclose()
    (request,) = seen
    assert request.headers["authorization"] == "Bearer k-123"
    assert json.loads(request.content) == {
        "phone": "13812345678",
        "text": "【清河区信访局】您的信访事项已登记。",
        "reference": str(MESSAGE.notification_id),
    }


@pytest.mark.parametrize(
    ("status", "retryable"),
    [(500, True), (503, True), (429, True), (400, False), (401, False), (422, False), (302, False)],
)
async def test_gateway_errors(status: int, retryable: bool) -> None:
    channel = gateway(lambda request: httpx.Response(status, headers={"location": "http://elsewhere.test/"}))
    result = await channel.send(MESSAGE)
    await channel.aclose()
    assert result == SendResult.failed(f"短信网关返回 {status}", retryable=retryable)


async def test_an_unreachable_gateway_is_retried() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    channel = gateway(handler)
    result = await channel.send(MESSAGE)
    await channel.aclose()
    assert (result.ok, result.retryable, result.error) == (False, True, "短信网关不可达：ConnectError")


async def test_an_email_reaches_the_smtp_server(smtp_server) -> None:
    controller, mailbox = smtp_server
    channel = SmtpChannel(host="127.0.0.1", port=controller.port, sender="noreply@qinghe.example.cn", timeout=5)
    message = Message(uuid.uuid4(), "email", "zhang.san@example.cn", "信访事项受理告知", "您的信访事项已受理。")
    assert await channel.send(message) == SendResult.sent()
    (received,) = mailbox.messages
    assert (received["To"], received["From"]) == ("zhang.san@example.cn", "noreply@qinghe.example.cn")
    assert str(make_header(decode_header(received["Subject"]))) == "信访事项受理告知"
    assert received.get_payload(decode=True).decode().strip() == "您的信访事项已受理。"


async def test_an_unreachable_smtp_server_is_retried(free_port: int) -> None:
    channel = SmtpChannel(host="127.0.0.1", port=free_port, sender="noreply@qinghe.example.cn", timeout=2)
    result = await channel.send(Message(uuid.uuid4(), "email", "a@b.cn", "t", "b"))
    assert (result.ok, result.retryable) == (False, True)
    assert result.error.startswith("邮件发送失败")
