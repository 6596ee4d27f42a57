"""Subprocesses, scratch PostgreSQL databases and RabbitMQ namespaces for the benchmark, all on 127.0.0.1."""

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from services.testing import create_database, delete_bus_namespace, drop_database

PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/{db}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen
    log_path: Path

    def tail(self, lines: int = 20) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""


def start_process(name: str, argv: list[str], env: dict[str, str], log_dir: Path) -> Proc:
    """Start in its own session so Ctrl-C reaches only the benchmark, which then stops it in order."""
    log_path = log_dir / f"{name}.log"
    with log_path.open("wb") as log:
        popen = subprocess.Popen(
            argv, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
    return Proc(name, popen, log_path)


def uvicorn_argv(app: str, port: int, *extra: str) -> list[str]:
    return [sys.executable, "-m", "uvicorn", app, "--factory", "--host", "127.0.0.1", "--port", str(port), *extra]


def stop_processes(procs: list[Proc], timeout: float = 15.0) -> None:
    """SIGTERM each (graceful uvicorn shutdown), then SIGKILL whatever is still running after ``timeout``."""
    for proc in procs:
        if proc.popen.poll() is None:
            proc.popen.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for proc in procs:
        try:
            proc.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.popen.kill()
            proc.popen.wait(timeout=5)


async def wait_ready(urls: list[str], procs: list[Proc], timeout: float = 90.0) -> None:
    """Until every URL answers 200; fails early (with the log tail) if a process exits."""
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=5) as client:
        for url in urls:
            while not await _is_ready(client, url):
                _check_alive(procs)
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{url} not ready after {timeout:.0f} s")
                await asyncio.sleep(0.2)


async def _is_ready(client: httpx.AsyncClient, url: str) -> bool:
    try:
        return (await client.get(url)).status_code == 200
    except httpx.HTTPError:
        return False


def _check_alive(procs: list[Proc]) -> None:
    for proc in procs:
        if proc.popen.poll() is not None:
            raise RuntimeError(f"{proc.name} exited with {proc.popen.returncode}:\n{proc.tail()}")


async def run_checked(name: str, argv: list[str], env: dict[str, str], log_dir: Path) -> None:
    """Run a short command (e.g. migrations) to completion; raise with its output if it fails."""
    log_path = log_dir / f"{name}.log"
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(*argv, env=env, stdout=log, stderr=subprocess.STDOUT)
        code = await asyncio.wait_for(process.wait(), timeout=120)
    if code != 0:
        raise RuntimeError(f"{name} failed ({code}):\n{log_path.read_text(errors='replace')[-3000:]}")


def child_env(**overrides: str) -> dict[str, str]:
    """The benchmark's environment without any service settings that could leak in, plus ``overrides``."""
    prefixes = ("INTAKE_", "ROUTING_", "SCREENING_", "NOTIFY_", "BARE_", "XINFANG_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    return {**env, **overrides}


@contextlib.asynccontextmanager
async def scratch_databases(names: list[str]) -> AsyncIterator[None]:
    try:
        for name in names:
            await create_database(name)
        yield
    finally:
        for name in names:
            await drop_database(name)


@contextlib.asynccontextmanager
async def rabbit_namespace(namespace: str) -> AsyncIterator[None]:
    try:
        yield
    finally:
        await delete_bus_namespace(namespace)
