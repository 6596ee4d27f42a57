"""Reports and warnings on both backends: weekly, monthly and quarterly reports from the grid data (JSON and HTML
with charts), scoped by jurisdiction; publishing stores a snapshot and stages ``briefing.published``; warnings name
places and categories. Tests work in 科技园社区 (320599003003) and compare before/after, since the system is shared."""

from datetime import UTC, datetime

from screening_svc.grids.rules import local_date
from screening_svc.reports import rules
from services.testing import RunningSystem

REPORTS = "/screening/v1/reports"
PLACE = "320599003003"
STREET = "320599003"
FINDING = {"kind": "micro_demand", "summary": "小区路灯损坏", "description": "3 号楼前路灯损坏一周", "people_count": 3}


def current(cadence: str) -> str:
    return rules.period_of(cadence, local_date(datetime.now(UTC)))


async def report_finding(system: RunningSystem, grid: dict, category: str, severity: str = "minor") -> None:
    body = FINDING | {"grid_code": grid["code"], "category_code": category, "severity": severity}
    if severity == "minor":
        body["measure"] = "网格员联系物业当场修复"
    response = await system.clients["screening"].post(
        "/screening/v1/findings", json=body, headers=system.token("informant", jurisdiction=PLACE)
    )
    assert response.status_code == 201, response.text


async def get_report(system: RunningSystem, cadence: str, **params):
    params = {"period": current(cadence), "jurisdiction": PLACE} | params
    return await system.clients["screening"].get(
        f"{REPORTS}/{cadence}", params=params, headers=system.token("leader", jurisdiction=STREET)
    )


def metrics(report: dict) -> dict:
    return {m["key"]: m["value"] for m in report["metrics"]}


def table(report: dict, key: str) -> list[dict]:
    return next(t["rows"] for t in report["tables"] if t["key"] == key)


async def test_the_weekly_report_counts_this_weeks_findings_and_sweep_gaps(system: RunningSystem, new_grid) -> None:
    before = (await get_report(system, "weekly")).json()
    grid = await new_grid(PLACE)
    await report_finding(system, grid, "1301")
    await report_finding(system, grid, "1301", severity="general")
    after = (await get_report(system, "weekly")).json()
    assert metrics(after)["findings"] - metrics(before)["findings"] == 2
    assert metrics(after)["resolved_on_spot"] - metrics(before)["resolved_on_spot"] == 1
    assert after["jurisdiction_name"] == "科技园社区" and after["title"].startswith("科技园社区")
    by_category = {row["category"]: row["count"] for row in table(after, "findings_by_category")}
    assert by_category["消费维权"] >= 2


async def test_the_monthly_report_shows_trends_hot_spots_and_coverage(system: RunningSystem, new_grid) -> None:
    grid = await new_grid(PLACE)
    before = (await get_report(system, "monthly")).json()
    for _ in range(3):
        await report_finding(system, grid, "1302")
    after = (await get_report(system, "monthly")).json()
    assert metrics(after)["findings"] - metrics(before)["findings"] == 3
    assert {row["grid_code"] for row in table(after, "rising_grids")} >= {grid["code"]}
    assert any(row["category"] == "食品安全" for row in table(after, "hot_spots"))
    assert {"resident_coverage", "volunteer_services", "legal_publicity"} <= set(metrics(after))


async def test_the_quarterly_report_ranks_places_and_measures_grassroots_resolution(
    system: RunningSystem, new_grid
) -> None:
    grid = await new_grid(PLACE)
    await report_finding(system, grid, "1201")
    response = await get_report(system, "quarterly", jurisdiction=STREET)
    assert response.status_code == 200, response.text
    report = response.json()
    ranked = table(report, "community_ranking")
    assert [row["rank"] for row in ranked] == list(range(1, len(ranked) + 1))
    row = next(row for row in ranked if row["code"] == PLACE)
    assert row["concluded"] >= 1 and row["grassroots_share"] is not None
    share = next(m for m in report["metrics"] if m["key"] == "grassroots_share")
    assert share["target"] == 90.0 and share["met"] == (share["value"] >= 90.0)


async def test_reports_render_as_html_with_inline_svg_charts(system: RunningSystem) -> None:
    by_param = await get_report(system, "monthly", format="html")
    by_accept = await system.clients["screening"].get(
        f"{REPORTS}/weekly", params={"jurisdiction": PLACE},
        headers=system.token("leader", jurisdiction=STREET) | {"Accept": "text/html"},
    )  # fmt: skip
    for response in (by_param, by_accept):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert "<svg" in response.text and "<script" not in response.text and "科技园社区" in response.text


async def test_reports_are_scoped_and_bad_periods_are_rejected(system: RunningSystem) -> None:
    screening = system.clients["screening"]
    elsewhere = await screening.get(
        f"{REPORTS}/weekly", params={"jurisdiction": "320599001"}, headers=system.token("leader", jurisdiction=STREET)
    )
    assert (elsewhere.status_code, elsewhere.json()["code"]) == (404, "jurisdiction_not_found")
    wrong = await get_report(system, "monthly", period="2026-W10")
    assert (wrong.status_code, wrong.json()["errors"][0]["parameter"]) == (422, "period")
    no_place = await screening.get(f"{REPORTS}/weekly", headers=system.token("admin", jurisdiction=None))
    assert (no_place.status_code, no_place.json()["code"]) == (422, "jurisdiction_required")
    forbidden = await screening.get(f"{REPORTS}/weekly", headers=system.token("petitioner", jurisdiction=STREET))
    assert forbidden.status_code == 403


async def test_publishing_stores_a_snapshot_and_stages_the_briefing(system: RunningSystem, rows, outbox_events) -> None:
    screening, headers = system.clients["screening"], system.token("supervisor", jurisdiction=STREET)
    count = await rows("published_reports")
    failed = await screening.post(f"{REPORTS}/monthly/publish", json={"period": "2026-13"}, headers=headers)
    assert (failed.status_code, failed.json()["errors"][0]["pointer"]) == (422, "/period")
    assert await rows("published_reports") == count
    body = {"period": current("monthly"), "jurisdiction": PLACE}
    published = await screening.post(f"{REPORTS}/monthly/publish", json=body, headers=headers)
    assert published.status_code == 201, published.text
    snapshot = published.json()
    assert await rows("published_reports") == count + 1
    events = await outbox_events("xinfang.briefing.published.v1", snapshot["published_id"])
    assert [(e["data"]["cadence"], e["data"]["period"], e["data"]["jurisdiction_code"]) for e in events] == [
        ("monthly", body["period"], PLACE)
    ]
    stored = await screening.get(events[0]["data"]["href"], headers=headers)
    assert stored.json() == snapshot
    outsider = await screening.get(events[0]["data"]["href"], headers=system.token("leader", jurisdiction="320599001"))
    assert outsider.status_code == 404


async def test_warnings_flag_a_category_clustering_in_a_community(system: RunningSystem, new_grid) -> None:
    grid = await new_grid(PLACE)
    for _ in range(3):
        await report_finding(system, grid, "0402")
    response = await system.clients["screening"].get(
        "/screening/v1/warnings", params={"jurisdiction": STREET}, headers=system.token("leader", jurisdiction=STREET)
    )
    assert response.status_code == 200, response.text
    clusters = [w for w in response.json()["items"] if w["kind"] == "category_cluster"]
    hit = next(w for w in clusters if (w["place_code"], w["category_code"]) == (PLACE, "0402"))
    assert hit["count"] >= 3 and hit["category_name"] == "噪声污染" and "科技园社区" in hit["message"]
