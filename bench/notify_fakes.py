"""The outside world of notify_svc for the fan-out benchmark, in one process: an SMS gateway, an SMTP server and the
webhook receivers, each timestamping (wall clock) the receipt of every message.

    python bench/notify_fakes.py --out receipts.json --sms-port P --smtp-port P --hook-ports P1,P2,... \
        [--slow-port P --slow-seconds 10]

- SMS gateway: any ``POST``; the key is the ``reference`` of the JSON body (the notification id); answers 200.
- SMTP (``SmtpReceiver``): the key is the ``Message-ID`` (``<notification id@xinfang.notify>``); answers 250.
- Webhook receivers: one listening port each; the key is the ``webhook-id`` header (the delivery id); answers 204,
  the ``--slow-port`` one only after ``--slow-seconds``. A "dead" subscriber is a port nobody listens on (the
  benchmark simply does not pass it).

The HTTP servers are a minimal keep-alive HTTP/1.1 reader on ``asyncio.Protocol`` (Content-Length bodies only, what
the clients send), the SMTP server a minimal command reader, all on uvloop, so that the fakes cost little CPU beside
what they measure. On SIGTERM every receipt is written to ``--out`` as ``{"receipts": [[receiver, key, unix time],
...]}`` and the process exits.
"""

import argparse
import asyncio
import json
import re
import signal
import time
from pathlib import Path

import uvloop

Receipts = list[tuple[str, str, float]]
_LENGTH = re.compile(r"\r\ncontent-length:\s*(\d+)")
_WEBHOOK_ID = re.compile(r"\r\nwebhook-id:\s*(\S+)")
_REFERENCE = re.compile(rb'"reference"\s*:\s*"([^"]+)"')
_MESSAGE_ID = re.compile(rb"(?im)^message-id:\s*<([^@>]+)@")


class HttpReceiver(asyncio.Protocol):
    def __init__(self, name: str, receipts: Receipts, *, delay: float = 0.0, status: int = 200) -> None:
        self.name, self.receipts, self.delay = name, receipts, delay
        self.response = f"HTTP/1.1 {status} OK\r\ncontent-length: 0\r\n\r\n".encode()
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head = self.buffer[:end].decode("latin-1").lower()
            found = _LENGTH.search(head)
            length = int(found.group(1)) if found else 0
            if len(self.buffer) < end + 4 + length:
                return
            body, self.buffer = self.buffer[end + 4 : end + 4 + length], self.buffer[end + 4 + length :]
            self.receipts.append((self.name, self._key(head, body), time.time()))
            if self.delay:
                asyncio.get_running_loop().call_later(self.delay, self._respond)
            else:
                self._respond()

    def _key(self, head: str, body: bytes) -> str:
        if found := _WEBHOOK_ID.search(head):
            return found.group(1)
        found_ref = _REFERENCE.search(body)
        return found_ref.group(1).decode() if found_ref else ""

    def _respond(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(self.response)


class SmtpReceiver(asyncio.Protocol):
    """The commands an SMTP client sends for plain mail (no STARTTLS or AUTH, which the benchmark does not
    configure), each answered 250 (``DATA`` 354, then 250 after the ending dot; ``QUIT`` 221). Commands are read
    line by line, so pipelined ones are answered in order. aiosmtpd, which this replaced, spent about 0.1 core at
    300 mails per second parsing addresses with the standard library's header parser."""

    GREETING = b"220 fakes.local ESMTP\r\n"
    EHLO = b"250-fakes.local\r\n250-SIZE 33554432\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 HELP\r\n"

    def __init__(self, receipts: Receipts) -> None:
        self.receipts = receipts
        self.buffer = b""
        self.in_data = False
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.transport.write(self.GREETING)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        answers = []
        while True:
            if self.in_data:
                end = self.buffer.find(b"\r\n.\r\n")
                if end < 0:
                    break
                found = _MESSAGE_ID.search(self.buffer[:end])
                self.receipts.append(("email", found.group(1).decode() if found else "", time.time()))
                self.buffer, self.in_data = self.buffer[end + 5 :], False
                answers.append(b"250 OK\r\n")
                continue
            end = self.buffer.find(b"\r\n")
            if end < 0:
                break
            verb, self.buffer = self.buffer[:4].upper(), self.buffer[end + 2 :]
            if verb in (b"EHLO", b"HELO"):
                answers.append(self.EHLO if verb == b"EHLO" else b"250 fakes.local\r\n")
            elif verb == b"DATA":
                self.in_data = True
                answers.append(b"354 End data with <CR><LF>.<CR><LF>\r\n")
            elif verb == b"QUIT":
                answers.append(b"221 Bye\r\n")
                break
            else:  # MAIL, RCPT, RSET, NOOP
                answers.append(b"250 OK\r\n")
        if self.transport is not None and answers:
            self.transport.write(b"".join(answers))
            if answers[-1].startswith(b"221"):
                self.transport.close()


async def serve(args: argparse.Namespace) -> Receipts:
    loop, receipts = asyncio.get_running_loop(), []
    servers = [
        await loop.create_server(lambda: HttpReceiver("sms", receipts), "127.0.0.1", args.sms_port),
        await loop.create_server(lambda: SmtpReceiver(receipts), "127.0.0.1", args.smtp_port),
    ]
    for port in [int(p) for p in args.hook_ports.split(",") if p]:
        delay = args.slow_seconds if port == args.slow_port else 0.0
        factory = lambda port=port, delay=delay: HttpReceiver(f"hook:{port}", receipts, delay=delay, status=204)  # noqa: E731
        servers.append(await loop.create_server(factory, "127.0.0.1", port))
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    for server in servers:
        server.close()
    return receipts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--sms-port", type=int, required=True)
    parser.add_argument("--smtp-port", type=int, required=True)
    parser.add_argument("--hook-ports", default="")
    parser.add_argument("--slow-port", type=int, default=0)
    parser.add_argument("--slow-seconds", type=float, default=10.0)
    args = parser.parse_args()
    receipts = uvloop.run(serve(args))
    args.out.write_text(json.dumps({"receipts": receipts}))


if __name__ == "__main__":
    main()
