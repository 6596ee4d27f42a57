"""Results of the skeleton benchmark: machine info, the stdout table, the JSON file and results/LATEST.md."""

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"
MODES = ("embedded", "distributed")


def machine_info() -> dict:
    return {
        "nproc": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "mem_total_gb": _mem_total_gb(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "git_commit": _git_commit(),
    }


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def _mem_total_gb() -> float | None:
    try:
        kib = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
    except (OSError, IndexError, ValueError):
        return None
    return round(kib / 1024 / 1024, 1)


def _git_commit() -> str | None:
    root = Path(__file__).resolve().parent.parent
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    except OSError:
        return None
    return out.stdout.strip() or None


def write_json(result: dict) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"skeleton-{result['mode']}-{result['timestamp']}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return path


def _fmt(value, suffix: str = "") -> str:
    return "-" if value is None else f"{value}{suffix}"


def _met(flag: bool) -> str:
    return "MET" if flag else "NOT MET"


def table(result: dict) -> str:
    skeleton, bare, targets = result["skeleton"], result["bare"], result["targets"]
    rows = [("skeleton POST /intake/v1/petitions", skeleton["throughput"])]
    rows.append((f"bare FastAPI + {bare['database']}", bare["throughput"]))
    lines = [_title(result), f"{'':38} {'rps':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}"]
    for name, r in rows:
        lat = r["latency_ms"]
        lines.append(f"{name:38} {r['rps']:>8} {_fmt(lat['p50']):>8} {_fmt(lat['p99']):>8} {r['errors']:>7}")
    ratio_target = f"target >= {targets['ratio_min']}: {_met(targets['ratio_met'])}"
    lines.append(f"ratio skeleton/bare: {_fmt(result['ratio'])}  ({ratio_target})")
    lines += _delay_lines(result["parameters"], skeleton["delay"], targets)
    lines.append(f"CPU used during each phase, in cores (machine has {result['machine']['nproc']}):")
    for name, cores in (
        ("skeleton throughput", skeleton["throughput"].get("cpu_cores")),
        ("bare throughput", bare["throughput"].get("cpu_cores")),
        ("delay phase", skeleton["delay"].get("cpu_cores")),
    ):
        lines.append(f"  {name:20} {_cpu(cores)}")
    lines.append(f"  {'idle, before start':20} {_cpu(result['machine'].get('background_cpu_cores_before'))}")
    return "\n".join(lines)


def _cpu(cores: dict | None) -> str:
    if not cores:
        return "-"
    order = ("total_busy", "load_generator", "services", "postgres", "rabbitmq", "other")
    return ", ".join(f"{key} {cores.get(key, 0.0)}" for key in order)


def _title(result: dict) -> str:
    p, machine = result["parameters"], result["machine"]
    return (
        f"== {result['mode']} ({result['timestamp']}; nproc {machine['nproc']}, python {machine['python']}; "
        f"{p['clients']} clients, {p['duration_s']} s after {p['warmup_s']} s warm-up)"
    )


def _delay_lines(p: dict, delay: dict, targets: dict) -> list[str]:
    d, post, poll = delay["delay_ms"], delay["post"], delay["polling"]
    period = poll["mean_scan_period_ms"]
    return [
        f"delay 201 -> 'petition.receipt' listed, open loop {p['rate']}/s for {p['duration_s']} s: "
        f"p50 {_fmt(d['p50'], ' ms')}, p99 {_fmt(d['p99'], ' ms')}, max {_fmt(d['max'], ' ms')}; "
        f"{delay['arrived']}/{delay['petitions']} arrived, {delay['missing_after_timeout']} missing after "
        f"{delay['timeout_s']} s",
        f"  POSTs at that rate: {post['accepted']} accepted ({post['rps']}/s), "
        f"p50 {_fmt(post['latency_ms']['p50'], ' ms')}, p99 {_fmt(post['latency_ms']['p99'], ' ms')}, "
        f"{post['errors']} errors, {post['skipped_in_flight_cap']} skipped (in-flight cap); "
        f"sends behind schedule p99 {_fmt(post['send_lag_ms_p99'], ' ms')}, {post['connections_opened']} connections",
        f"  polling: every {poll['interval_ms']} ms (actual mean period {_fmt(period, ' ms')}, "
        f"request p50 {_fmt(poll['request_ms']['p50'], ' ms')}): each delay is late by up to ~{_fmt(period, ' ms')}; "
        f"{poll['found_by_sweep']} found only by the {poll['sweep_every_s']} s sweep",
        f"  target p99 < {targets['delay_p99_max_ms']} ms with none missing: {_met(targets['delay_met'])}",
    ]


def update_latest() -> Path:
    """Rewrite LATEST.md from the newest JSON result of each mode."""
    sections = ["# Latest skeleton benchmark results", "", "Written by `bench/skeleton.py`; one section per mode.", ""]
    for mode in MODES:
        files = sorted(RESULTS_DIR.glob(f"skeleton-{mode}-*.json"))
        if files:
            result = json.loads(files[-1].read_text())
            sections += [f"## {mode}", "", f"`{files[-1].name}`", "", "```", table(result), "```", ""]
    path = RESULTS_DIR / "LATEST.md"
    path.write_text("\n".join(sections))
    return path
