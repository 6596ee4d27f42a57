"""From grouped rows to report sections: grassroots resolution per place, sweep compliance per place, trends."""

from datetime import date
from types import SimpleNamespace as Row

from screening_svc.reports import builders


def test_grassroots_counts_only_concluded_findings_per_place() -> None:
    rows = [
        Row(community_code="320599001001", outcome="resolved_on_spot", case_tier=None, closed_how=None, n=5),
        Row(community_code="320599001001", outcome="escalated", case_tier="street", closed_how="resolved", n=3),
        Row(community_code="320599001002", outcome="escalated", case_tier="district", closed_how="resolved", n=2),
        Row(community_code="320599001002", outcome="escalated", case_tier="community", closed_how=None, n=4),
    ]
    communities = builders.grassroots(rows, 12)
    assert communities["320599001001"] == {"findings": 8, "concluded": 8, "grassroots": 8}
    assert communities["320599001002"] == {"findings": 6, "concluded": 2, "grassroots": 0}
    assert builders.grassroots(rows, 9)["320599001"] == {"findings": 14, "concluded": 10, "grassroots": 8}


def test_compliance_counts_only_weeks_a_grid_was_active_and_sums_per_place() -> None:
    grids = [
        Row(code="g1", community_code="320599001001", sweeps_per_week=1, active_from=date(2026, 1, 1)),
        Row(code="g2", community_code="320599001002", sweeps_per_week=2, active_from=date(2026, 1, 12)),
    ]
    sweeps = [Row(grid_code="g1", week="2026-W02", n=1), Row(grid_code="g1", week="2026-W03", n=3),
              Row(grid_code="g2", week="2026-W03", n=1)]  # fmt: skip
    per_grid = builders.grid_compliance(grids, sweeps, ["2026-W02", "2026-W03"])
    assert per_grid == [("320599001001", 2, 2), ("320599001002", 1, 2)]
    assert builders.compliance_by_place(per_grid, 9) == {"320599001": (3, 4)}


def test_ranking_and_trends() -> None:
    table = builders.ranking("r", "排名", {"a": {"findings": 4, "concluded": 4, "grassroots": 2},
                                         "b": {"findings": 1, "concluded": 1, "grassroots": 1}},
                             {"a": (1, 1), "c": (0, 2)}, {"a": "甲"})  # fmt: skip
    assert [(r["code"], r["rank"], r["grassroots_share"]) for r in table.rows] == [("b", 1, 100.0), ("a", 2, 50.0),
                                                                                   ("c", 3, None)]  # fmt: skip
    counts = [("g1", 0, 1), ("g1", 1, 4), ("g2", 0, 5), ("g2", 1, 2)]
    rows = [Row(grid_code=g, community_code="c", bucket=bucket, n=n) for g, bucket, n in counts]
    grids, rising, chart = builders.grid_trends(rows, minimum=3)
    assert [r["grid_code"] for r in rising.rows] == ["g1"] and grids.rows[0]["change_percent"] == 300.0
    assert chart.labels == ["g1", "g2"] and chart.series[""] == [4, 2]
