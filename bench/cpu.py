"""Who used the CPU during a phase: the load generator, the measured services, PostgreSQL, RabbitMQ, and the rest.

The machine is shared, so "other" (whatever else ran: builds, others' tests) is reported beside the
numbers; a phase where it is high is not comparable with a quiet one. Linux /proc only.
"""

import asyncio
import os
import time
from collections import Counter
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
BROKER_COMMANDS = {"beam.smp", "erl_child_setup", "epmd", "inet_gethost"}


def _busy_seconds() -> float:
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / TICKS


def _process_ticks(pid: str) -> tuple[str, int] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    comm = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    return comm, int(fields[11]) + int(fields[12])  # utime + stime


def _group(pid: int, comm: str, service_pids: set[int]) -> str | None:
    if pid == os.getpid():
        return "load_generator"
    if pid in service_pids:
        return "services"
    if comm == "postgres":
        return "postgres"
    if comm in BROKER_COMMANDS:
        return "rabbitmq"
    return None


def snapshot(service_pids: set[int]) -> Counter:
    seconds: Counter = Counter({"total_busy": _busy_seconds()})
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or (found := _process_ticks(entry)) is None:
            continue
        group = _group(int(entry), found[0], service_pids)
        if group is not None:
            seconds[group] += found[1] / TICKS
    return seconds


class CpuMeter:
    """``with CpuMeter(pids) as meter: ...`` then ``meter.cores``: average cores used by each group."""

    def __init__(self, service_pids: list[int]) -> None:
        self.service_pids = set(service_pids)
        self.cores: dict[str, float] = {}

    def __enter__(self) -> "CpuMeter":
        self._before, self._started = snapshot(self.service_pids), time.monotonic()
        return self

    def __exit__(self, *_exc) -> None:
        after, wall = snapshot(self.service_pids), time.monotonic() - self._started
        used = {group: max(0.0, after[group] - self._before[group]) for group in after}
        known = sum(v for k, v in used.items() if k != "total_busy")
        used["other"] = max(0.0, used["total_busy"] - known)
        self.cores = {group: round(value / wall, 2) for group, value in sorted(used.items())}


async def wait_quiet(service_pids: list[int], *, below: float = 0.15, timeout: float = 60.0) -> float:
    """Wait until the services (and PostgreSQL) have worked off their backlog; returns the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        with CpuMeter(service_pids) as meter:
            await asyncio.sleep(0.5)
        if meter.cores.get("services", 0.0) + meter.cores.get("postgres", 0.0) < below:
            break
    return round(time.monotonic() - started, 1)


async def background_load(seconds: float = 2.0) -> dict[str, float]:
    """What the machine is busy with before the benchmark starts anything (others' tests, builds)."""
    with CpuMeter([]) as meter:
        await asyncio.sleep(seconds)
    return meter.cores
