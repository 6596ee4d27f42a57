"""The routing benchmark's KPI: the district and one quarter over HTTP and in-process, and the same-run baseline of
the clock outcomes counted by a join (which must give the same numbers)."""

import time
from datetime import datetime

import httpx
from procs import PG_URL
from routing_common import DISTRICT, summary_ms
from sqlalchemy import and_, or_, select, text

from routing_svc.clocks import local_date
from routing_svc.figures import rules
from routing_svc.figures import service as figures
from routing_svc.figures.repository import _cohort, _count_if, cases, clocks
from services.db.engine import make_engine, make_session_factory
from services.http.auth import Principal


def kpi_period(anchor: datetime) -> str:
    """The last complete quarter before the anchor."""
    today = local_date(anchor)
    quarter = (today.month - 1) // 3  # the current quarter's index 0..3; the one before is complete
    year, quarter = (today.year, quarter) if quarter else (today.year - 1, 4)
    return f"{year}-Q{quarter}"


async def measure_kpi(client: httpx.AsyncClient, base: str, token: str, db: str, period: str, args) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    url = f"{base}/routing/v1/figures/kpi"
    http, body = [], None
    for i in range(2 + args.kpi_requests):
        started = time.perf_counter()
        response = await client.get(url, params={"period": period, "unit": DISTRICT}, headers=headers)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"KPI: {response.status_code} {response.text[:300]}")
        if i >= 2:
            http.append(elapsed)
        body = response.json()
    runs = max(5, args.kpi_requests // 2)
    in_process = await kpi_in_process(db, period, runs=runs)
    ssd = await kpi_in_process(db, period, runs=runs, setting="SET random_page_cost = 1.1")  # SSD; the default is 4
    return {
        "http": summary_ms(http),
        "service_function": summary_ms(in_process),
        "service_function_random_page_cost_1_1": summary_ms(ssd),
        "clocks_by_join": await clocks_by_join(db, period, body, runs=5),
        "cases_received": body["cases_received"],
        "grassroots_resolution_rate": body["grassroots_resolution_rate"]["value"],
    }


async def kpi_in_process(db: str, period: str, *, runs: int, setting: str | None = None) -> list[float]:
    """`figures.service.kpi` called `runs` times on one session (after `setting`, if any): seconds per call."""
    engine = make_engine(PG_URL.format(db=db), pool_size=1)
    principal = Principal(sub="bench", roles=frozenset({"leader"}), jurisdiction=DISTRICT)
    seconds = []
    try:
        async with make_session_factory(engine)() as session:
            if setting:
                await session.execute(text(setting))
            for _ in range(runs):
                started = time.perf_counter()
                await figures.kpi(session=session, period=period, unit=DISTRICT, principal=principal, district=DISTRICT)
                seconds.append(time.perf_counter() - started)
    finally:
        await engine.dispose()
    return seconds


async def clocks_by_join(db: str, period: str, body: dict, *, runs: int) -> dict:
    """The baseline: the clock outcomes of the cohort counted by joining its clocks (the KPI's query before the counts
    were kept on the case), timed, and compared with what the KPI answered."""
    span = rules.parse_period(period)
    decided = or_(clocks.c.stopped_at.is_not(None), clocks.c.lapsed_at.is_not(None))
    in_time = and_(clocks.c.stopped_at.is_not(None), clocks.c.stopped_at <= clocks.c.due_at)
    statement = (
        select(clocks.c.kind, _count_if(decided).label("decided"), _count_if(in_time).label("in_time"))
        .select_from(clocks.join(cases, clocks.c.case_id == cases.c.id))
        .where(_cohort(DISTRICT, span.start_at, span.end_at))
        .group_by(clocks.c.kind)
    )
    engine = make_engine(PG_URL.format(db=db), pool_size=1)
    seconds, counted = [], {}
    try:
        async with make_session_factory(engine)() as session:
            for _ in range(runs):
                started = time.perf_counter()
                counted = {row.kind: (row.in_time, row.decided) for row in await session.execute(statement)}
                seconds.append(time.perf_counter() - started)
    finally:
        await engine.dispose()
    answered = {
        kind: (body[name]["numerator"], body[name]["denominator"])
        for kind, name in (("register_and_route", "timely_acceptance_rate"), ("handle", "on_time_handling_rate"))
    }
    return {**summary_ms(seconds), "counted": counted, "matches": all(counted.get(k) == v for k, v in answered.items())}
