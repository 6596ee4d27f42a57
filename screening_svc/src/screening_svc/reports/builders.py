"""From grouped rows to report sections (metrics, tables, charts): pure, so the arithmetic is unit-tested."""

from collections import Counter, defaultdict
from collections.abc import Iterable

from screening_svc.reports import rules
from screening_svc.reports.schemas import Chart, Column, Metric, Table

TOP = 10


def metric(key: str, label: str, value, unit: str | None = None, target: float | None = None) -> Metric:
    met = None if target is None or value is None else value >= target
    return Metric(key=key, label=label, value=value, unit=unit, target=target, met=met)


def table(key: str, title: str, columns: list[tuple[str, str]], rows: list[dict]) -> Table:
    return Table(key=key, title=title, columns=[Column(key=k, label=label) for k, label in columns], rows=rows)


def bar(key: str, title: str, bars: Iterable[tuple[str, float]]) -> Chart:
    bars = list(bars)
    return Chart(key=key, kind="bar", title=title, labels=[b[0] for b in bars], series={"": [b[1] for b in bars]})


def category_trends(rows, names: dict[str, str], slices: list[str]) -> tuple[Table, Chart]:
    """Per category: this period, the previous one, change; a line per top category over the period's slices."""
    current, previous = Counter(), Counter()
    by_slice: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(slices))
    for row in rows:
        if row.bucket == 0:
            previous[row.category_code] += row.n
        else:
            current[row.category_code] += row.n
            by_slice[row.category_code][row.bucket - 1] += row.n
    codes = sorted(set(current) | set(previous), key=lambda c: (-current[c], c))
    trend_rows = [
        {"category_code": c, "category": names.get(c, c), "count": current[c], "previous": previous[c],
         "change_percent": rules.change_percent(current[c], previous[c])}
        for c in codes
    ]  # fmt: skip
    columns = [("category", "类别"), ("count", "本期"), ("previous", "上期"), ("change_percent", "环比%")]
    chart = Chart(key="category_trend", kind="line", title="主要类别逐周走势", labels=slices,
                  series={names.get(c, c): by_slice[c] for c in codes[:5]})  # fmt: skip
    return table("category_trends", "分类别走势", columns, trend_rows), chart


def grid_trends(rows, minimum: int) -> tuple[Table, Table, Chart]:
    """Per grid: this period and the previous one; grids with rising findings; the top grids as bars."""
    current, previous, community = Counter(), Counter(), {}
    for row in rows:
        (previous if row.bucket == 0 else current)[row.grid_code] += row.n
        community[row.grid_code] = row.community_code
    codes = sorted(set(current) | set(previous), key=lambda g: (-current[g], g))
    grid_rows = [
        {"grid_code": g, "community_code": community[g], "count": current[g], "previous": previous[g],
         "change_percent": rules.change_percent(current[g], previous[g]),
         "rising": rules.rising(current[g], previous[g], minimum=minimum)}
        for g in codes
    ]  # fmt: skip
    columns = [("grid_code", "网格"), ("count", "本期"), ("previous", "上期"), ("change_percent", "环比%")]
    rising = [row for row in grid_rows if row["rising"]]
    chart = bar("top_grids", "发现最多的网格", [(row["grid_code"], row["count"]) for row in grid_rows[:TOP]])
    return (
        table("grid_trends", "分网格走势", columns, grid_rows[: TOP * 5]),
        table("rising_grids", "发现数上升的网格", columns, rising),
        chart,
    )


def hot_spots(rows, places: dict[str, str], categories: dict[str, str]) -> Table:
    """The community × category pairs with the most findings (the rows hold this period only)."""
    counts = Counter()
    for row in rows:
        counts[(row.community_code, row.category_code)] += row.n
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOP]
    hot = [
        {"community_code": p, "community": places.get(p, p), "category": categories.get(c, c), "count": n}
        for (p, c), n in top
    ]
    columns = [("community", "社区"), ("category", "类别"), ("count", "件数")]
    return table("hot_spots", "热点（社区 × 类别）", columns, hot)


def coverage(rows, names: dict[str, str]) -> tuple[Metric, Table]:
    """Special residents registered by the period's start and visited in it, per category."""
    cov = [
        {"category": names.get(c, c), "registered": due, "visited": seen, "share": rules.share(seen, due)}
        for c, due, seen in sorted(rows)
    ]
    total = rules.share(sum(r["visited"] for r in cov), sum(r["registered"] for r in cov))
    columns = [("category", "类别"), ("registered", "在册"), ("visited", "已走访"), ("share", "覆盖率%")]
    return metric("resident_coverage", "重点人员走访覆盖率", total, "%"), table(
        "resident_coverage", "重点人员走访覆盖", columns, cov
    )


def counted(key: str, title: str, rows, names: dict[str, str], people: str) -> Table:
    body = [{"kind": names.get(kind, kind), "count": n, "people": total} for kind, n, total in sorted(rows)]
    return table(key, title, [("kind", "类型"), ("count", "场次"), ("people", people)], body)


def grassroots(rows, level: int) -> dict[str, dict]:
    """Per place (the code cut to ``level`` digits): findings, concluded, resolved at the grassroots."""
    places: dict[str, dict] = defaultdict(lambda: {"findings": 0, "concluded": 0, "grassroots": 0})
    for row in rows:
        place = places[row.community_code[:level]]
        place["findings"] += row.n
        verdict = rules.resolved_at_grassroots(row.outcome, row.case_tier, row.closed_how)
        if verdict is not None:
            place["concluded"] += row.n
            place["grassroots"] += row.n if verdict else 0
    return places


def grid_compliance(grids, sweeps, weeks: list[str]) -> list[tuple[str, int, int]]:
    """Per grid: (community, sweeps counted, sweeps required) over the weeks the grid was active for."""
    done: dict[str, dict[str, int]] = defaultdict(dict)
    for row in sweeps:
        done[row.grid_code][row.week] = row.n
    mondays = {week: rules.period_days("weekly", week)[0] for week in weeks}
    result = []
    for grid in grids:
        due = [w for w in weeks if grid.active_from <= mondays[w]]
        result.append((grid.community_code, *rules.sweep_compliance(done[grid.code], due, grid.sweeps_per_week)))
    return result


def compliance_by_place(per_grid: list[tuple[str, int, int]], level: int) -> dict[str, tuple[int, int]]:
    """Per place (the community code cut to ``level`` digits): (sweeps counted, sweeps required)."""
    totals: dict[str, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for community, counted_, required in per_grid:
        place = community[:level]
        totals[place] = (totals[place][0] + counted_, totals[place][1] + required)
    return totals


def ranking(key: str, title: str, outcomes: dict[str, dict], sweeps: dict[str, tuple[int, int]], names) -> Table:
    rows = [
        {"code": code, "name": names.get(code, code), "findings": o["findings"], "concluded": o["concluded"],
         "grassroots_share": rules.share(o["grassroots"], o["concluded"]),
         "sweep_compliance": rules.share(*sweeps.get(code, (0, 0)))}
        for code in sorted(set(outcomes) | set(sweeps))
        for o in [outcomes.get(code, {"findings": 0, "concluded": 0, "grassroots": 0})]
    ]  # fmt: skip
    columns = [("rank", "名次"), ("name", "名称"), ("grassroots_share", "基层化解率%"),
               ("sweep_compliance", "排查合规率%"), ("findings", "发现"), ("concluded", "已办结")]  # fmt: skip
    return table(key, title, columns, rules.ranked(rows, "grassroots_share", "sweep_compliance"))
