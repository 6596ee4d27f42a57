"""KPIs and annual statistics on both backends, over cases written straight into routing's tables.

The cases belong to department D-KPI, which only this module creates and holds cases for: their district and street
columns are empty and their clocks have no next check, so no queue, scope or scheduler of other tests sees them."""

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from routing_svc.cases import deadlines
from routing_svc.cases.models import Case, CaseClock, Escalation, SupervisionOrder
from services.testing import RunningSystem

UNIT = "D-KPI"
BJ = timezone(timedelta(hours=8))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BJ)


def a_case(received: str, tier: str, category: str, **fields) -> Case:
    values = {
        "id": uuid.uuid4(), "status": "closed" if fields.get("closed_how") else "in_handling", "tier": tier,
        "unit_code": UNIT, "unit_name": "考核测试部门", "district_code": "", "channel": "visit",
        "category_code": category, "content": "测试", "address": "测试", "received_at": at(received),
        "opened_at": at(received), "repeat_count": 0, "skip_level": False,
    }  # fmt: skip
    if fields.get("closed_how"):
        values["closed_at"] = at(received) + timedelta(days=20)
    return Case(**(values | fields))


def a_clock(case: Case, kind: str, due: str, *, stopped: str | None = None, lapsed: str | None = None) -> CaseClock:
    """A clock written straight in, counted on its case as the service counts a clock that stops or lapses."""
    clock = CaseClock(
        id=uuid.uuid4(), case_id=case.id, kind=kind, round=1, unit_code=UNIT, started_at=case.received_at,
        due_at=at(due), extension_days=0, stopped_at=at(stopped) if stopped else None,
        lapsed_at=at(lapsed) if lapsed else None, reminded_leads=[], calendar_missing=False, next_check_at=None,
    )  # fmt: skip
    deadlines.tally(case, clock, (0, 0))
    return clock


def escalation(case: Case, when: str) -> Escalation:
    return Escalation(
        id=uuid.uuid4(), case_id=case.id, from_unit_code=UNIT, from_tier="street", to_unit_code="320599",
        to_tier="district", reason_code="overdue", reason="测试", actor="test", at=at(when),
    )  # fmt: skip


@pytest.fixture(scope="module")
async def figures_data(system: RunningSystem) -> None:
    department = {"code": UNIT, "name": "考核测试部门", "levels": ["district"]}
    response = await system.clients["routing"].post(
        "/routing/v1/departments", json=department, headers=system.token("admin")
    )
    assert response.status_code == 201, response.text
    c1 = a_case("2026-01-05T10:00", "community", "0301", closed_how="resolved", rating="satisfied", mode="assign",
                repeat_count=1)  # fmt: skip
    c2 = a_case("2026-01-06T10:00", "street", "0302", closed_how="resolved", rating="basically_satisfied",
                mode="transfer")  # fmt: skip
    c3 = a_case("2026-01-07T10:00", "district", "0502", closed_how="finalized", rating="dissatisfied", mode="assign",
                skip_level=True)  # fmt: skip
    c4 = a_case("2026-02-01T10:00", "community", "0301", closed_how="steered")
    c5 = a_case("2026-03-31T23:30", "community", "0301", repeat_count=2)  # the last half hour of Q1, Beijing time
    c6 = a_case("2026-04-01T00:10", "community", "0501", closed_how="resolved")  # Q2 already
    rows = [
        c1, c2, c3, c4, c5, c6,
        a_clock(c1, "register_and_route", "2026-01-20T23:59", stopped="2026-01-06T09:00"),
        a_clock(c2, "register_and_route", "2026-01-21T23:59", stopped="2026-01-25T09:00"),
        a_clock(c3, "register_and_route", "2026-01-22T23:59", lapsed="2026-01-23T00:00"),
        a_clock(c1, "handle", "2026-03-08T23:59", stopped="2026-01-25T09:00"),
        a_clock(c2, "handle", "2026-03-27T23:59"),
        escalation(c3, "2026-02-10T09:00"),
        escalation(c3, "2026-04-05T09:00"),
        SupervisionOrder(
            id=uuid.uuid4(), case_id=c3.id, unit_code=UNIT, unit_name="考核测试部门", reason="测试", listed=True,
            issued_by="test", issued_at=at("2026-01-23T09:00"), due_at=at("2026-02-03T23:59"), answer="已答复",
            answered_by="test", answered_at=at("2026-01-30T09:00"),
        ),
    ]  # fmt: skip
    async with system.runtime("routing").session_factory() as session, session.begin():
        session.add_all(rows[:6])
        await session.flush()
        session.add_all(rows[6:])


async def kpi(system: RunningSystem, **params) -> dict:
    response = await system.clients["routing"].get(
        "/routing/v1/figures/kpi", params=params, headers=system.token("leader", jurisdiction=UNIT)
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_quarter_kpis_of_a_unit(system: RunningSystem, figures_data: None) -> None:
    found = await kpi(system, period="2026-Q1")
    assert (found["unit"], found["unit_name"], found["start"], found["end"]) == (
        UNIT,
        "考核测试部门",
        "2026-01-01",
        "2026-04-01",
    )
    assert (found["cases_received"], found["cases_closed"]) == (5, 4)
    assert found["grassroots_resolution_rate"] == {
        "value": 0.6667,
        "numerator": 2,
        "denominator": 3,
        "goal": 0.9,
        "meets_goal": False,
    }
    rates = {name: found[name] for name in found if name.endswith("_rate") and name != "grassroots_resolution_rate"}
    assert rates == {
        "timely_acceptance_rate": {"value": 0.3333, "numerator": 1, "denominator": 3},
        "on_time_handling_rate": {"value": 1.0, "numerator": 1, "denominator": 1},
        "satisfaction_rate": {"value": 0.6667, "numerator": 2, "denominator": 3},
        "repeat_petition_rate": {"value": 0.375, "numerator": 3, "denominator": 8},
        "skip_level_rate": {"value": 0.2, "numerator": 1, "denominator": 5},
    }
    counts = ("escalations", "overdue_cases", "supervision_orders", "listed_supervision_orders")
    assert [found[name] for name in counts] == [1, 1, 1, 1]
    assert found["answered_supervision_orders"] == 1


async def test_month_and_year_periods(system: RunningSystem, figures_data: None) -> None:
    january = await kpi(system, period="2026-01")
    assert (january["cases_received"], january["escalations"], january["supervision_orders"]) == (3, 0, 1)
    april = await kpi(system, period="2026-04")
    assert (april["cases_received"], april["escalations"], april["grassroots_resolution_rate"]["value"]) == (1, 1, 1.0)
    empty = await kpi(system, period="2025")
    assert (empty["cases_received"], empty["satisfaction_rate"]["value"]) == (0, None)
    assert empty["grassroots_resolution_rate"]["meets_goal"] is None


async def test_annual_statistics(system: RunningSystem, figures_data: None) -> None:
    response = await system.clients["routing"].get(
        "/routing/v1/figures/annual", params={"year": 2026, "unit": UNIT}, headers=system.token("admin")
    )
    assert response.status_code == 200, response.text
    found = response.json()
    assert (found["cases_received"], found["cases_closed"], found["transfers"], found["assignments"]) == (6, 5, 1, 2)
    assert (found["escalations"], found["supervision_orders"], found["listed_supervision_orders"]) == (2, 1, 1)
    assert found["by_category"] == [
        {"code": "03", "name": "城乡建设", "cases": 4, "repeats": 3},
        {"code": "05", "name": "劳动和社会保障", "cases": 2, "repeats": 0},
    ]
    unit = {"unit_code": UNIT, "unit_name": "考核测试部门", "cases": 6, "petitions": 9, "closed": 5}
    assert (found["by_unit"], found["most_petitioned_units"]) == ([unit], [unit])


@pytest.mark.parametrize(
    ("params", "roles", "jurisdiction", "status", "code"),
    [
        ({"period": "2026-Q1", "unit": UNIT}, ("supervisor",), "320599", 404, "unit_not_found"),
        ({"period": "2026-Q1", "unit": "320599"}, ("supervisor",), "320599001", 404, "unit_not_found"),
        ({"period": "2026-Q1", "unit": "320599009"}, ("admin",), None, 404, "unit_not_found"),
        ({"period": "2026-Q1"}, ("handler",), "320599", 403, "forbidden"),
        ({"period": "2026-Q1"}, ("department",), UNIT, 403, "forbidden"),
        ({"period": "2026-Q5"}, ("admin",), None, 422, "invalid_period"),
        ({"period": "Q1-2026"}, ("admin",), None, 422, "invalid_period"),
        ({"period": "2026-Q1", "unit": "d-kpi"}, ("admin",), None, 422, "validation_failed"),
        ({}, ("admin",), None, 422, "validation_failed"),
    ],
)
async def test_kpis_are_scoped_and_checked(
    system: RunningSystem, figures_data: None, params: dict, roles: tuple, jurisdiction, status: int, code: str
) -> None:
    response = await system.clients["routing"].get(
        "/routing/v1/figures/kpi", params=params, headers=system.token(*roles, jurisdiction=jurisdiction)
    )
    assert (response.status_code, response.json()["code"]) == (status, code)


async def test_a_district_leader_sees_the_district_by_default(system: RunningSystem, figures_data: None) -> None:
    response = await system.clients["routing"].get(
        "/routing/v1/figures/kpi", params={"period": "2026"}, headers=system.token("leader")
    )
    assert response.status_code == 200
    assert (response.json()["unit"], response.json()["unit_name"]) == ("320599", "清河区")
