"""Use cases of the cadence: generate the weekly, monthly and quarterly reports of a jurisdiction, publish one."""

from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from screening_svc.grids.rules import Scope, local_date
from screening_svc.reports import builders as b
from screening_svc.reports import repository, rules
from screening_svc.reports.exceptions import ReportNotFound
from screening_svc.reports.models import PublishedReport
from screening_svc.reports.schemas import ReportRead
from screening_svc.sweeps import service as sweeps
from services.contracts.screening import BriefingPublished, BriefingPublishedData
from services.db import add_event
from services.ids import uuid7

CADENCE_NAMES = {"weekly": "周排查报告", "monthly": "矛盾纠纷月研判报告", "quarterly": "季度通报"}
SEVERITY_NAMES = {"minor": "轻微", "general": "一般", "complex": "复杂", "difficult": "疑难"}
SERVICE_NAMES = {"policy_talk": "政策宣讲", "legal_consultation": "法律咨询", "counselling": "心理疏导"}


async def generate(
    *, session: AsyncSession, cadence: str, period: str, jurisdiction: str, now: datetime, grace_days: int,
    rising_minimum: int,
) -> ReportRead:  # fmt: skip
    first, last = rules.period_days(cadence, period)
    places = await repository.place_names(session, jurisdiction)
    context = {"session": session, "jurisdiction": jurisdiction, "first": first, "last": last, "places": places}
    if cadence == "weekly":
        sections = await _weekly(**context, period=period, now=now, grace_days=grace_days)
    elif cadence == "monthly":
        sections = await _monthly(**context, rising_minimum=rising_minimum)
    else:
        sections = await _quarterly(**context, today=local_date(now))
    name = places.get(jurisdiction, jurisdiction)
    return ReportRead(
        cadence=cadence, period=period, jurisdiction_code=jurisdiction, jurisdiction_name=name,
        title=f"{name} {period} {CADENCE_NAMES[cadence]}", first_day=first, last_day=last, generated_at=now,
        **sections,
    )  # fmt: skip


async def _weekly(*, session, jurisdiction, first, last, places, period, now, grace_days) -> dict:
    scope = Scope(everything=False, jurisdiction=jurisdiction, member_id=None)
    report = await sweeps.compliance(
        session=session, scope=scope, jurisdiction=jurisdiction, week=period, now=now, grace_days=grace_days
    )
    outcomes = await repository.finding_outcomes(session, jurisdiction=jurisdiction, start=_at(first),
                                                 end=_at(last + timedelta(days=1)),
                                                 by=("category_code", "severity", "outcome"))  # fmt: skip
    categories = await repository.category_names(session)
    by_category, by_severity, on_spot = Counter(), Counter(), 0
    for row in outcomes:
        by_category[row.category_code] += row.n
        by_severity[SEVERITY_NAMES.get(row.severity, row.severity)] += row.n
        on_spot += row.n if row.outcome == "resolved_on_spot" else 0
    total = sum(by_category.values())
    gaps = Counter((g.grid_code, g.category) for g in report.residents_not_visited)
    return {
        "metrics": [
            b.metric("findings", "发现问题", total, "件"),
            b.metric("resolved_on_spot", "当场化解", on_spot, "件"),
            b.metric("escalated", "分级上交", total - on_spot, "件"),
            b.metric("grids_due", "应排查网格", report.grids_due, "个"),
            b.metric("grids_compliant", "按要求完成排查的网格", report.grids_compliant, "个"),
            b.metric("sweep_compliance", "排查合规率", rules.share(report.grids_compliant, report.grids_due), "%"),
            b.metric("residents_due", "应走访重点人员", report.residents_due, "人"),
            b.metric("residents_visited", "已走访重点人员", report.residents_visited, "人"),
        ],
        "tables": [
            b.table(
                "grids_not_swept",
                "未完成排查的网格",
                [("grid_code", "网格"), ("name", "名称"), ("sweeps_required", "应排查"), ("sweeps_done", "已排查")],
                [
                    g.model_dump(include={"grid_code", "name", "sweeps_required", "sweeps_done"})
                    for g in report.grids_not_swept
                ],
            ),
            b.table(
                "residents_not_visited",
                "未按期走访（按网格、类别计数，不列人员）",
                [("grid_code", "网格"), ("category", "类别"), ("count", "人数")],
                [{"grid_code": g, "category": c, "count": n} for (g, c), n in sorted(gaps.items())],
            ),
            b.table(
                "findings_by_category",
                "分类别发现",
                [("category", "类别"), ("count", "件数")],
                [{"category": categories.get(c, c), "count": n} for c, n in by_category.most_common()],
            ),
        ],  # fmt: skip
        "charts": [
            b.bar(
                "findings_by_category",
                "分类别发现",
                [(categories.get(c, c), n) for c, n in by_category.most_common(b.TOP)],
            ),
            b.bar("findings_by_severity", "分级别发现", [(s, by_severity[s]) for s in SEVERITY_NAMES.values()]),
        ],  # fmt: skip
    }


def _at(day: date) -> datetime:
    return rules.moments(day, day)[0]


async def _monthly(*, session, jurisdiction, first, last, places, rising_minimum) -> dict:
    previous_first, _ = rules.period_days("monthly", rules.previous_period("monthly", f"{first:%Y-%m}"))
    bounds = [_at(first + timedelta(days=7 * i)) for i in range(5)]
    span = {"session": session, "jurisdiction": jurisdiction, "end": _at(last + timedelta(days=1))}
    rows = await repository.finding_counts(**span, start=_at(previous_first), bounds=bounds, by=("category_code",))
    grid_rows = await repository.finding_counts(**span, start=_at(previous_first), bounds=bounds[:1],
                                                by=("grid_code", "community_code"))  # fmt: skip
    spots = await repository.finding_counts(**span, start=bounds[0], bounds=[], by=("community_code", "category_code"))
    categories = await repository.category_names(session)
    slices = [f"{(first + timedelta(days=7 * i)).day}日起" for i in range(5) if first + timedelta(days=7 * i) <= last]
    category_table, category_chart = b.category_trends(rows, categories, slices)
    grid_table, rising_table, grid_chart = b.grid_trends(grid_rows, rising_minimum)
    window = {"jurisdiction": jurisdiction, "first": first, "last": last}
    coverage_metric, coverage_table = b.coverage(await repository.resident_coverage(session, **window), {})
    services_ = await repository.volunteer_services(session, **window)
    publicity = await repository.publicity(session, **window)
    current = sum(row.n for row in rows if row.bucket > 0)
    previous = sum(row.n for row in rows if row.bucket == 0)
    return {
        "metrics": [
            b.metric("findings", "本月发现", current, "件"),
            b.metric("findings_previous", "上月发现", previous, "件"),
            b.metric("change_percent", "环比", rules.change_percent(current, previous), "%"),
            b.metric("rising_grids", "发现数上升的网格", len(rising_table.rows), "个"),
            coverage_metric,
            b.metric("volunteer_services", "志愿服务", sum(r[1] for r in services_), "场"),
            b.metric("legal_publicity", "法治宣传活动", sum(r[1] for r in publicity), "场"),
        ],
        "tables": [
            category_table,
            grid_table,
            rising_table,
            b.hot_spots(spots, places, categories),
            coverage_table,
            b.counted("volunteer_services", "志愿服务", services_, SERVICE_NAMES, "参加人数"),
            b.counted("legal_publicity", "法治宣传", publicity, {}, "受众人数"),
        ],  # fmt: skip
        "charts": [category_chart, grid_chart],
    }


async def _quarterly(*, session, jurisdiction, first, last, places, today) -> dict:
    by = ("community_code", "outcome", "case_tier", "closed_how")
    outcomes = await repository.finding_outcomes(session, jurisdiction=jurisdiction, start=_at(first),
                                                 end=_at(last + timedelta(days=1)), by=by)  # fmt: skip
    weeks = rules.weeks_between(first, min(last, today - timedelta(days=6)))
    grids = await repository.grids(session, jurisdiction=jurisdiction, active_by=last)
    sweep_rows = await repository.sweep_counts(session, jurisdiction=jurisdiction, weeks=weeks)
    per_grid = b.grid_compliance(grids, sweep_rows, weeks)
    communities = b.ranking("community_ranking", "社区排名", b.grassroots(outcomes, 12),
                            b.compliance_by_place(per_grid, 12), places)  # fmt: skip
    streets = b.ranking("street_ranking", "街道排名", b.grassroots(outcomes, 9),
                        b.compliance_by_place(per_grid, 9), places)  # fmt: skip
    whole = b.grassroots(outcomes, 0).get("", {"findings": 0, "concluded": 0, "grassroots": 0})
    counted, required = b.compliance_by_place(per_grid, 0).get("", (0, 0))
    return {
        "metrics": [
            b.metric("findings", "本季发现", whole["findings"], "件"),
            b.metric("concluded", "已办结", whole["concluded"], "件"),
            b.metric(
                "grassroots_share",
                "基层化解率",
                rules.share(whole["grassroots"], whole["concluded"]),
                "%",
                target=rules.GRASSROOTS_GOAL,
            ),
            b.metric("sweep_compliance", "排查合规率", rules.share(counted, required), "%"),
        ],  # fmt: skip
        "tables": [streets, communities],
        "charts": [
            b.bar(
                "community_grassroots",
                "各社区基层化解率（%）",
                [(r["name"], r["grassroots_share"] or 0) for r in communities.rows[: b.TOP]],
            ),
            b.bar(
                "street_compliance",
                "各街道排查合规率（%）",
                [(r["name"], r["sweep_compliance"] or 0) for r in streets.rows],
            ),
        ],  # fmt: skip
    }


async def publish(*, session: AsyncSession, report: ReportRead, published_by: str, now: datetime) -> ReportRead:
    snapshot = PublishedReport(
        id=uuid7(), cadence=report.cadence, period=report.period, jurisdiction_code=report.jurisdiction_code,
        title=report.title, content=report.model_dump(mode="json"), published_by=published_by, published_at=now,
    )  # fmt: skip
    repository.add_published(session, snapshot)
    await session.flush()
    href = f"/screening/v1/reports/published/{snapshot.id}"
    data = BriefingPublishedData(
        briefing_id=snapshot.id, cadence=report.cadence, period=report.period, title=report.title, href=href,
        jurisdiction_code=report.jurisdiction_code, occurred_at=now,
    )  # fmt: skip
    await add_event(session, BriefingPublished.create(subject=str(snapshot.id), data=data))
    return _published(snapshot)


def _published(snapshot: PublishedReport) -> ReportRead:
    fields = {"published_id": snapshot.id, "published_at": snapshot.published_at}
    return ReportRead.model_validate(snapshot.content | fields)


async def get_published(*, session: AsyncSession, report_id, scope: Scope) -> ReportRead:
    snapshot = await repository.get_published(session, report_id)
    if snapshot is None or not _covers(scope, snapshot.jurisdiction_code):
        raise ReportNotFound()
    return _published(snapshot)


def _covers(scope: Scope, code: str) -> bool:
    return scope.everything or bool(scope.jurisdiction) and code.startswith(scope.jurisdiction or "")
