"""CPU per e-mail of notify's e-mail channel: smtplib in threads (before ADR 0034) against the asyncio channel.

    .venv/bin/python bench/notify_email_cpu.py [--emails 2000] [--batch 30] [--connections 4] [--rounds 5]

A local aiosmtpd server runs in a separate process (its CPU is not counted). Each round sends ``--emails`` e-mails
with every variant in turn, in dispatch rounds of ``--batch`` messages (``send_many``, ``--connections`` connections):

- ``threads``: the channel before ADR 0034, kept here: smtplib in ``asyncio.to_thread``, new connections every round;
- ``channel``: ``SmtpChannel`` (aiosmtplib on the event loop, connections kept across rounds);
- building the message only (``_email`` and flattening, no sending): the part both share.

Prints the process CPU time (``time.process_time``, all threads) and the wall time per e-mail, the median over the
rounds, and, from a second pass of each variant, what one small syscall on the event loop costs meanwhile (the threads
hold the GIL when the loop wants it back). Appends a dated section to ``bench/results/notify-email-cpu.md`` (not with
``--no-save``).
"""

import argparse
import asyncio
import datetime
import os
import platform
import shlex
import smtplib
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

from procs import free_port

from notify_svc.channels.base import Message, SendResult
from notify_svc.channels.email import SmtpChannel, _email

RESULTS = Path(__file__).resolve().parent / "results" / "notify-email-cpu.md"
SENDER = "noreply@xinfang.example.cn"


class ThreadedSmtpChannel:
    """The e-mail channel as it was before ADR 0034: smtplib, one thread and one new connection per group."""

    def __init__(self, *, host: str, port: int, timeout: float, connections: int) -> None:
        self._host, self._port, self._timeout, self._connections = host, port, timeout, connections

    async def send_many(self, messages: list[Message], *, concurrency: int, timeout: float) -> list[SendResult]:
        emails = [_email(message, sender=SENDER) for message in messages]
        groups = max(1, min(self._connections, concurrency, len(emails)))
        chunks = [emails[i::groups] for i in range(groups)]
        done = await asyncio.gather(*(asyncio.to_thread(self._send_over_one_connection, c) for c in chunks))
        return [result for chunk in done for result in chunk]

    def _send_over_one_connection(self, emails) -> list[SendResult]:
        client = smtplib.SMTP(self._host, self._port, timeout=self._timeout)
        try:
            for email in emails:
                client.send_message(email)
        finally:
            client.quit()
        return [SendResult.sent()] * len(emails)

    async def aclose(self) -> None:
        pass


class BuildOnly:
    """Only builds and flattens the messages: the part every variant shares."""

    def __init__(self) -> None:
        self._payload = SmtpChannel(host="127.0.0.1", port=25, sender=SENDER, timeout=10)._payload

    async def send_many(self, messages: list[Message], *, concurrency: int, timeout: float) -> list[SendResult]:
        for message in messages:
            self._payload(message)
        return [SendResult.sent()] * len(messages)

    async def aclose(self) -> None:
        pass


def messages(count: int) -> list[Message]:
    body = "您的信访事项（编号 QH-2026-000123）已受理，承办单位将在六十日内答复。请勿回复本邮件。"
    return [Message(uuid.uuid4(), "email", f"petitioner{n}@example.cn", "信访事项受理告知", body) for n in range(count)]


async def run_variant(channel, args: argparse.Namespace) -> tuple[float, float]:
    batches = [messages(args.batch) for _ in range(args.emails // args.batch)]
    sent = args.batch * len(batches)
    cpu, wall = time.process_time(), time.perf_counter()
    await send_all(channel, batches, args.connections)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return 1e6 * cpu / sent, 1e6 * wall / sent


async def send_all(channel, batches: list[list[Message]], concurrency: int) -> None:
    for batch in batches:
        results = await channel.send_many(batch, concurrency=concurrency, timeout=10)
        if not all(result.ok for result in results):
            raise RuntimeError(f"not sent: {[r for r in results if not r.ok][:3]}")


async def probe_variant(channel, args: argparse.Namespace) -> tuple[float, float]:
    """A second pass, not timed for CPU: every millisecond the event loop makes one small syscall
    (``os.urandom(32)``, as ``uuid4`` does); the wall time of that call, median and p99 in µs. With threads holding
    the GIL it is mostly the wait to get the GIL back after the syscall."""
    batches = [messages(args.batch) for _ in range(args.emails // args.batch)]
    calls: list[float] = []
    sending = asyncio.ensure_future(send_all(channel, batches, args.connections))
    while not sending.done():
        start = time.perf_counter()
        os.urandom(32)
        calls.append(1e6 * (time.perf_counter() - start))
        await asyncio.sleep(0.001)
    await sending
    calls.sort()
    return statistics.median(calls), calls[int(0.99 * (len(calls) - 1))]


async def measure(args: argparse.Namespace, port: int) -> dict[str, list[tuple]]:
    def variants():
        common = {"host": "127.0.0.1", "port": port, "timeout": 10, "connections": args.connections}
        yield "threads (smtplib, before)", ThreadedSmtpChannel(**common)
        yield "channel (aiosmtplib, kept connections)", SmtpChannel(sender=SENDER, **common)
        yield "building the message only (in both)", BuildOnly()

    samples: dict[str, list[tuple]] = {}
    for n in range(args.rounds + 1):
        for name, channel in variants():
            cpu, wall = await run_variant(channel, args)
            syscall, syscall_p99 = await probe_variant(channel, args)
            await channel.aclose()
            if n:  # the first round warms up
                samples.setdefault(name, []).append((cpu, wall, syscall, syscall_p99))
                print(
                    f"round {n} {name}: {cpu:.0f} µs CPU, {wall:.0f} µs wall per e-mail; "
                    f"os.urandom on the loop {syscall:.1f} µs (p99 {syscall_p99:.0f})",
                    flush=True,
                )
    return samples


def serve(port: int) -> None:
    """The SMTP server process: aiosmtpd, every message accepted and dropped."""
    from aiosmtpd.smtp import SMTP

    class Sink:
        async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook
            return "250 OK"

    async def main() -> None:
        await asyncio.get_running_loop().create_server(lambda: SMTP(Sink(), hostname="bench.local"), "127.0.0.1", port)
        await asyncio.Event().wait()

    asyncio.run(main())


def save(args: argparse.Namespace, samples: dict[str, list[tuple]]) -> None:
    baseline = statistics.median(row[0] for row in samples["threads (smtplib, before)"])
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"\n## {stamp}{' — ' + args.label if args.label else ''}\n",
        f"`.venv/bin/python bench/notify_email_cpu.py {shlex.join(sys.argv[1:])}`".rstrip() + " — "
        f"{args.rounds} rounds of {args.emails} e-mails in batches of {args.batch}, {args.connections} connections, "
        f"Python {platform.python_version()}, {os.cpu_count()} cores (shared).\n",
        "| variant | CPU µs per e-mail (median) | vs threads | wall µs per e-mail | CPU per round "
        "| `os.urandom(32)` on the loop meanwhile, µs: median / p99 |",
        "|---|---|---|---|---|---|",
    ]
    for name, rows in samples.items():
        cpu, wall, syscall, p99 = (statistics.median(row[i] for row in rows) for i in range(4))
        every = " / ".join(f"{row[0]:.0f}" for row in rows)
        lines.append(
            f"| {name} | **{cpu:.0f}** | {cpu / baseline:.2f}× | {wall:.0f} | {every} | {syscall:.1f} / {p99:.0f} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if not RESULTS.exists():
        RESULTS.write_text("# notify e-mail channel: CPU per e-mail (`bench/notify_email_cpu.py`)\n")
    with RESULTS.open("a") as out:
        out.write(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=30, help="messages per send_many call (one dispatch round)")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--label", default="", help="recorded with the result")
    parser.add_argument("--no-save", action="store_true")
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    port = free_port()
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(port)])
    try:
        for _ in range(200):
            try:
                smtplib.SMTP("127.0.0.1", port, timeout=5).quit()
                break
            except OSError:
                time.sleep(0.05)
        samples = asyncio.run(measure(args, port))
    finally:
        server.terminate()
        server.wait(timeout=10)
    if not args.no_save:
        save(args, samples)


if __name__ == "__main__":
    main()
