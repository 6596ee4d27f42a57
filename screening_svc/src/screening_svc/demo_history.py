"""Past weeks of demo sweeps and findings (rows only). A few sweeps and visits are left out on purpose, so the
weekly compliance report of embedded mode has gaps to show."""

from datetime import datetime, time, timedelta

from screening_svc.findings import rules
from screening_svc.findings.models import Finding
from screening_svc.grids.models import Grid
from screening_svc.grids.rules import CHINA, local_date
from screening_svc.residents.models import SpecialResident
from screening_svc.sweeps.models import ResidentVisit, Sweep
from screening_svc.sweeps.rules import iso_week
from services.ids import uuid7

_FINDINGS = [
    ("0301", "micro_conflict", "minor", "楼上空调滴水影响楼下晾晒", "网格员上门协调，加装接水管，双方满意"),
    ("0402", "micro_demand", "minor", "广场舞音响音量过大", "与舞队约定音量与时段，已张贴公约"),
    ("0301", "micro_conflict", "general", "3 号楼 6 户居民与物业就电梯维修费用分摊产生纠纷", None),
    ("0502", "micro_demand", "complex", "某装修公司拖欠 9 名工人工资", None),
    ("0306", "micro_conflict", "minor", "邻里因楼道堆物发生口角", "网格员与信息员共同调解，杂物已清理"),
    ("0305", "micro_demand", "difficult", "老旧小区改造加装电梯意见分歧较大", None),
]


def _week_day(now: datetime, weeks_back: int, weekday: int) -> datetime:
    today = local_date(now)
    monday = today - timedelta(days=today.weekday(), weeks=weeks_back)
    return datetime.combine(monday + timedelta(days=weekday), time(10), CHINA)


def demo_sweeps(
    grid_list: list[Grid], residents: list[SpecialResident], *, now: datetime, weeks: int
) -> tuple[list[Sweep], list[ResidentVisit]]:
    sweeps, visits = [], []
    for back in range(1, weeks + 1):
        for i, grid in enumerate(grid_list):
            if (i + back) % 5 == 0:
                continue  # this grid skipped this week
            swept_at = _week_day(now, back, 3)
            sweep = Sweep(
                id=uuid7(), grid_code=grid.code, week=iso_week(local_date(swept_at)), swept_by="demo-grid-worker",
                swept_at=swept_at, households_visited=grid.households - 10 * (back % 3), findings=back % 2,
                notes="拉网式排查，走访住户并了解重点人员近况", created_at=swept_at,
            )  # fmt: skip
            sweeps.append(sweep)
            visits += [
                ResidentVisit(sweep_id=sweep.id, resident_id=r.id, visited_on=local_date(swept_at))
                for j, r in enumerate(r for r in residents if r.grid_code == grid.code)
                if (r.visit_interval == "weekly" and (i + j + back) % 4 != 0) or back == 3
            ]
    return sweeps, visits


def demo_findings(grid_list: list[Grid], *, now: datetime) -> list[Finding]:
    findings = []
    for n, (category, kind, severity, summary, measure) in enumerate(_FINDINGS):
        grid = grid_list[(n * 5) % len(grid_list)]
        occurred_at = _week_day(now, 1 + n % 3, n % 5)
        findings.append(
            Finding(
                id=uuid7(), grid_code=grid.code, community_code=grid.community_code, category_code=category,
                kind=kind, severity=severity, summary=summary, description=summary + "，网格员排查时发现。",
                people_count=2 + n, occurred_at=occurred_at, reported_by="demo-grid-worker", reported_at=occurred_at,
                outcome=rules.outcome_for(severity), measure=measure, tier=rules.tier_for(severity),
            )
        )  # fmt: skip
    return findings
