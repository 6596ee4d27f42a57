"""The routing benchmark's summary over rounds and its markdown (newest run first, earlier runs kept below)."""

import statistics

from routing_common import DISTRICT, TARGETS_MS


def _median(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 2) if values else None


def summarize(rounds: list[dict]) -> dict:
    """Medians over the rounds of each round's p50 and p99, and the ratio of the p99 to its target."""
    queue = []
    for i, first in enumerate(rounds[0].get("queue", [])):  # none with --sweep-only
        runs = [r["queue"][i] for r in rounds]
        p99 = _median([q["http"]["p99"] for q in runs])
        queue.append({
            **{k: first[k] for k in ("scope", "filter", "page", "matching")},
            "http_p50": _median([q["http"]["p50"] for q in runs]), "http_p99": p99,
            "db_p50": _median([q["in_db"]["p50"] for q in runs]), "db_p99": _median([q["in_db"]["p99"] for q in runs]),
            "ratio_to_target": round(p99 / TARGETS_MS["queue_p99"], 2) if p99 is not None else None,
            "errors": sum(q["http"]["errors"] for q in runs),
        })  # fmt: skip
    sweeps = [r["sweep"] for r in rounds]
    batch = _median([max((b["seconds"] for b in s["batches"]), default=0) * 1000 for s in sweeps])
    return {
        "queue": queue,
        "queue_worst_p99": max((q["http_p99"] or 0) for q in queue) if queue else None,
        "sweep": {
            "idle_p50": _median([s["idle"]["p50"] for s in sweeps]),
            "idle_p99": _median([s["idle"]["p99"] for s in sweeps]),
            "due": sweeps[0]["due"],
            "slowest_batch_ms": batch,
            "total_ms": _median([s["total_seconds"] * 1000 for s in sweeps]),
            "ms_per_clock": _median([s["ms_per_clock"] for s in sweeps]),
            "ratio_to_target": round(batch / TARGETS_MS["sweep"], 2) if batch is not None else None,
            "one_by_one": _late_summary([s["one_by_one"] for s in sweeps if "one_by_one" in s]),
            "late": _late_summary([s["late"] for s in sweeps if "late" in s]),
            "late_one_by_one": _late_summary([s["late_one_by_one"] for s in sweeps if "late_one_by_one" in s]),
        },
        "kpi": _kpi_summary(rounds) if "kpi" in rounds[0] else None,
    }


def _kpi_summary(rounds: list[dict]) -> dict:
    kpi_p99 = _median([r["kpi"]["http"]["p99"] for r in rounds])
    return {
        "http_p50": _median([r["kpi"]["http"]["p50"] for r in rounds]),
        "http_p99": kpi_p99,
        "service_p50": _median([r["kpi"]["service_function"]["p50"] for r in rounds]),
        "service_p99": _median([r["kpi"]["service_function"]["p99"] for r in rounds]),
        "service_rpc_1_1_p50": _median([r["kpi"]["service_function_random_page_cost_1_1"]["p50"] for r in rounds]),
        "service_rpc_1_1_p99": _median([r["kpi"]["service_function_random_page_cost_1_1"]["p99"] for r in rounds]),
        "ratio_to_target": round(kpi_p99 / TARGETS_MS["kpi"], 2) if kpi_p99 is not None else None,
        "join_p50": _median([r["kpi"].get("clocks_by_join", {}).get("p50") for r in rounds]),
        "join_p99": _median([r["kpi"].get("clocks_by_join", {}).get("p99") for r in rounds]),
        "join_matches": all(r["kpi"].get("clocks_by_join", {}).get("matches") for r in rounds),
    }


def _late_summary(lates: list[dict]) -> dict | None:
    """A sweep of everything due at one moment, over the rounds (counts from the first round)."""
    if not lates:
        return None
    totals = {k: sum(b[k] for b in lates[0]["batches"]) for k in ("reminded", "overdue", "escalated", "supervised")}
    return {
        "due_at": lates[0]["due_at"],
        "due": lates[0]["due"],
        **totals,
        "batches": len(lates[0]["batches"]),
        "slowest_batch_ms": _median([max((b["seconds"] for b in x["batches"]), default=0) * 1000 for x in lates]),
        "total_ms": _median([x["total_seconds"] * 1000 for x in lates]),
        "ms_per_clock": _median([x["ms_per_clock"] for x in lates]),
    }


def _sweep_line(found: dict) -> str:
    return (
        f"{found['batches']} batches, slowest {found['slowest_batch_ms']} ms, all of them {found['total_ms']} ms, "
        f"{found['ms_per_clock']} ms per clock"
    )


def markdown(result: dict) -> str:
    s, load = result["summary"], result["load"]
    lines = [
        f"# Routing benchmark ({result['timestamp']})",
        "",
        f"{load['cases']:,} cases over {load['days']} days (anchor {load['anchor']}), rows: "
        + ", ".join(f"{k} {v:,}" for k, v in load["counts"].items() if k != "total_mb")
        + f"; {load['counts']['total_mb']:,} MB. Machine: {result['machine']['nproc']} cores, "
        f"CPU used by others before the start: {result['other_cpu_before'].get('other')} cores. "
        f"{len(result['rounds'])} rounds; figures are medians over the rounds of each round's p50/p99."
        + (" Deadline sweeps only (`--sweep-only`)." if not s["queue"] else ""),
    ]
    if s["queue"]:
        lines += _queue_lines(s["queue"])
    sw, kpi = s["sweep"], s["kpi"]
    lines += _sweep_lines(sw)
    if kpi is not None:
        lines += _kpi_lines(kpi, result["kpi_period"])
    return "\n".join(lines) + "\n"


def _queue_lines(queue: list[dict]) -> list[str]:
    lines = [
        "",
        f"## Work queue `GET /routing/v1/queue` (target p99 < {TARGETS_MS['queue_p99']:.0f} ms), limit 20",
        "",
        "| scope | filter | page | matching | HTTP p50 ms | HTTP p99 ms | p99 / target | in DB p50 ms | in DB p99 ms |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for q in queue:
        lines.append(
            f"| {q['scope']} | {q['filter']} | {q['page']} | {q['matching']:,} | {q['http_p50']} | {q['http_p99']} | "
            f"{q['ratio_to_target']} | {q['db_p50']} | {q['db_p99']} |"
        )
    return lines


def _sweep_lines(sw: dict) -> list[str]:
    lines = [
        "",
        f"## Deadline sweep `sweep_due` (target < {TARGETS_MS['sweep']:.0f} ms)",
        "",
        f"- nothing due: p50 {sw['idle_p50']} ms, p99 {sw['idle_p99']} ms",
        f"- at the next local midnight: {sw['due']:,} clocks due; "
        f"slowest batch (up to 500 clocks) {sw['slowest_batch_ms']} ms "
        f"(ratio {sw['ratio_to_target']}), all of them {sw['total_ms']} ms, {sw['ms_per_clock']} ms per clock",
    ]
    if base := sw.get("one_by_one"):
        lines.append(f"- same run, one transaction per clock (the sweep before batching): {_sweep_line(base)}")
    if late := sw.get("late"):
        lines.append(
            f"- scheduler stopped until {late['due_at']}: {late['due']:,} clocks due ({late['reminded']:,} reminders, "
            f"{late['overdue']:,} lapses → {late['supervised']:,} supervision orders, {late['escalated']:,} "
            f"escalations): {_sweep_line(late)}"
        )
    if base := sw.get("late_one_by_one"):
        lines.append(f"- same moment, one transaction per clock: {_sweep_line(base)}")
    return lines


def _kpi_lines(kpi: dict, period: str) -> list[str]:
    return [
        "",
        f"## KPI `GET /routing/v1/figures/kpi?period={period}&unit={DISTRICT}` (target < {TARGETS_MS['kpi']:.0f} ms)",
        "",
        f"- HTTP p50 {kpi['http_p50']} ms, p99 {kpi['http_p99']} ms (ratio {kpi['ratio_to_target']}); "
        f"service function p50 {kpi['service_p50']} ms, p99 {kpi['service_p99']} ms; "
        f"with random_page_cost = 1.1: p50 {kpi['service_rpc_1_1_p50']} ms, p99 {kpi['service_rpc_1_1_p99']} ms",
        f"- same run, the clock outcomes counted by joining the cohort's clocks (the query before the counts on the "
        f"case): p50 {kpi['join_p50']} ms, p99 {kpi['join_p99']} ms; same numbers as the KPI: {kpi['join_matches']}",
    ]


def with_history(newest: str, path) -> str:
    """The newest run's markdown above the earlier runs' (kept as they were)."""
    earlier = path.read_text() if path.exists() else ""
    return newest + ("\n" + earlier if earlier else "")
