"""Early warning (ADR 0022): categories clustering in a community within days, and grids whose findings keep
rising week after week. It reads counts per place and category only; no person is ever listed."""

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from screening_svc.grids.rules import local_date
from screening_svc.reports import repository, rules
from screening_svc.reports.schemas import WarningList, WarningRead


async def warnings(
    *, session: AsyncSession, jurisdiction: str, now: datetime, thresholds: rules.WarningThresholds
) -> WarningList:
    places = await repository.place_names(session, jurisdiction)
    categories = await repository.category_names(session)
    items = await _clusters(session, jurisdiction, now, thresholds, places, categories)
    items += await _rising(session, jurisdiction, now, thresholds)
    return WarningList(jurisdiction_code=jurisdiction, generated_at=now, items=items)


async def _clusters(session, jurisdiction, now, thresholds, places, categories) -> list[WarningRead]:
    start = now - timedelta(days=thresholds.cluster_days)
    rows = await repository.finding_counts(session, jurisdiction=jurisdiction, start=start, end=now, bounds=[],
                                           by=("community_code", "category_code"))  # fmt: skip
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        counts[(row.community_code, row.category_code)] += row.n
    return [
        WarningRead(
            kind="category_cluster", place_code=place, place_name=places.get(place, place), category_code=category,
            category_name=categories.get(category, category), count=n, window_from=local_date(start),
            window_to=local_date(now),
            message=f"{places.get(place, place)}{thresholds.cluster_days} 天内发现"
                    f"{categories.get(category, category)}类问题 {n} 件，请关注",
        )
        for place, category, n in rules.category_clusters(counts, thresholds)
    ]  # fmt: skip


async def _rising(session, jurisdiction, now, thresholds) -> list[WarningRead]:
    weeks = thresholds.rising_weeks
    start = now - timedelta(days=7 * weeks)
    bounds = [start + timedelta(days=7 * i) for i in range(1, weeks)]
    rows = await repository.finding_counts(session, jurisdiction=jurisdiction, start=start, end=now, bounds=bounds,
                                           by=("grid_code",))  # fmt: skip
    weekly: dict[str, list[int]] = defaultdict(lambda: [0] * weeks)
    for row in rows:
        weekly[row.grid_code][row.bucket] += row.n
    return [
        WarningRead(
            kind="grid_rising", place_code=grid, place_name=grid, category_code=None, category_name=None,
            count=counts[-1], window_from=local_date(start), window_to=local_date(now), weekly_counts=counts,
            message=f"网格 {grid} 连续 {weeks} 周发现数上升（{' → '.join(map(str, counts))}），请研判",
        )
        for grid, counts in sorted(weekly.items())
        if rules.rising_trend(counts, thresholds)
    ]  # fmt: skip
