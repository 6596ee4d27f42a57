"""The notify fan-out benchmark's summaries (``notify_fanout.py``): delays per channel and subscriber, the table on
stdout, and the cProfile summary of ``--profile``."""

from collections import Counter, defaultdict
from pathlib import Path

from loadgen import ms, percentile

SUBSCRIBERS = 5
TARGET_P99_S = 2.0


def profile_summary(paths: list[Path], top: int = 25) -> dict:
    """Own CPU time (tottime) by package, and the functions with the most own time, over notify's processes."""
    import pstats

    if not paths:
        return {}
    stats_ = pstats.Stats(*map(str, paths))
    by_package: Counter = Counter()
    rows = []
    for (filename, line, name), (_, calls, tottime, cumtime, _) in stats_.stats.items():
        by_package[package_of(filename)] += tottime
        rows.append((tottime, calls, cumtime, f"{package_of(filename)}:{Path(filename).name}:{line}:{name}"))
    total = sum(by_package.values()) or 1.0
    rows.sort(reverse=True)
    return {
        "total_s": round(total, 1),
        "by_package_pct": {k: round(100 * v / total, 1) for k, v in by_package.most_common(15)},
        "top_tottime": [
            {"function": f, "tottime_s": round(t, 2), "calls": c, "cumtime_s": round(cu, 2)}
            for t, c, cu, f in rows[:top]
        ],
    }


def package_of(filename: str) -> str:
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0]
    for marker in ("notify_svc/", "services/"):
        if f"/src/{marker}" in filename:
            rest = filename.split(f"/src/{marker}", 1)[1]
            return marker.rstrip("/") + "." + rest.split("/", 1)[0].removesuffix(".py")
    return "python" if filename.startswith(("<", "~")) or "/lib/python3" in filename else filename


def stats(delays: list[float]) -> dict:
    return {
        "count": len(delays),
        "p50_ms": ms(percentile(delays, 50)),
        "p90_ms": ms(percentile(delays, 90)),
        "p99_ms": ms(percentile(delays, 99)),
        "max_ms": ms(max(delays) if delays else None),
    }


def summarise(variant, args, publishing, notifications, deliveries, receipts, subscriptions, wall_start, **extra):
    published: dict[str, float] = publishing.pop("published")
    first: dict[str, float] = {}
    for _receiver, key, at in receipts:  # the first receipt of each message counts
        if key and key not in first:
            first[key] = at
    per_channel: dict[str, list[float]] = defaultdict(list)
    expected_channel: Counter = Counter()
    last_receipt = wall_start
    for row in notifications:
        expected_channel[row["channel"]] += 1
        sent = row["sent_at"].timestamp() if row["channel"] == "inbox" and row["sent_at"] else first.get(row["id"])
        if sent is not None and row["source_event_id"] in published:
            per_channel[row["channel"]].append(sent - published[row["source_event_id"]])
            last_receipt = max(last_receipt, sent)
    per_sub: dict[int, list[float]] = defaultdict(list)
    statuses: dict[int, Counter] = defaultdict(Counter)
    for row in deliveries:
        number = subscriptions.get(row["sub"])
        statuses[number][row["status"]] += 1
        at = first.get(row["id"])
        if at is not None and row["source_event_id"] in published:
            per_sub[number].append(at - published[row["source_event_id"]])
            if number < SUBSCRIBERS or variant == "healthy":
                last_receipt = max(last_receipt, at)
    channels = {
        channel: stats(per_channel[channel]) | {"rows": expected_channel[channel]}
        for channel in ("sms", "email", "inbox")
    }
    webhooks = {
        f"subscriber_{n}": stats(per_sub[n]) | {"statuses": dict(statuses[n])} for n in range(1, SUBSCRIBERS + 1)
    }
    healthy_delays = [d for n in range(1, SUBSCRIBERS) for d in per_sub[n]]
    notification_delays = [d for c in per_channel.values() for d in c]
    everything = notification_delays + healthy_delays + (per_sub[SUBSCRIBERS] if variant == "healthy" else [])
    expected_total = 6 * (args.events // 2) + (SUBSCRIBERS if variant == "healthy" else SUBSCRIBERS - 1) * len(
        published
    )
    span = max(last_receipt - wall_start, 1e-9)
    all_p99 = percentile(everything, 99)
    return {
        "variant": variant,
        "events_published": len(published),
        "publish": publishing,
        "deliveries_measured": len(everything),
        "deliveries_expected": expected_total,
        "deliveries_per_second": round(len(everything) / span, 1),
        "first_publish_to_last_delivery_s": round(span, 1),
        "all_healthy": stats(everything),
        "notifications_all_channels": stats(notification_delays),
        "webhooks_subscribers_1_4": stats(healthy_delays),
        "channels": channels,
        "webhooks": webhooks,
        "notification_statuses": dict(Counter(row["status"] for row in notifications)),
        "p99_under_2s_and_complete": bool(
            all_p99 is not None and all_p99 < TARGET_P99_S and len(everything) == expected_total
        ),
        **extra,
    }


def table(results: list[dict]) -> str:
    lines = [
        "| variant | deliveries/s | measured / expected | all p50 / p99 ms | sms | email | inbox | hooks 1–4"
        " | hook 5 | own events p50 / p99 ms (unpublished when done) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:

        def cell(s: dict) -> str:
            return f"{s['p50_ms']} / {s['p99_ms']} ({s['count']})"

        c, own = r["channels"], r["outcome_events"]
        lines.append(
            f"| {r['variant']} | {r['deliveries_per_second']} | {r['deliveries_measured']} / {r['deliveries_expected']}"
            f" | {r['all_healthy']['p50_ms']} / {r['all_healthy']['p99_ms']} | {cell(c['sms'])} | {cell(c['email'])}"
            f" | {cell(c['inbox'])} | {cell(r['webhooks_subscribers_1_4'])} | {cell(r['webhooks']['subscriber_5'])}"
            f" | {own['p50_ms']} / {own['p99_ms']} ({own['unpublished_when_deliveries_done']}) |"
        )
    return "\n".join(lines)
