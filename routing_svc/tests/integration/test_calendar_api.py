"""The official calendar API on both backends: due dates under the 2026 schedule of the package, a year nobody
knows (refused unless a provisional answer is asked for), and a year entered through the API.

The years entered (2035, 2036, 2038) or left unknown (2041) are used by no other test: the ``system`` fixture is
shared by the session."""

from collections.abc import AsyncIterator
from datetime import date

import pytest
from sqlalchemy import func, select

from routing_svc.calendar import service as calendar_service
from routing_svc.calendar.models import CalendarDay, CalendarYear
from routing_svc.cases import directory
from services.testing import RunningSystem

DEADLINE = "/routing/v1/calendar/deadline"
YEAR = 2035
SCHEDULE = {
    "holidays": [
        {"date": "2035-01-01", "name": "元旦"},
        {"date": "2035-10-01", "name": "国庆节"},
        {"date": "2035-10-02", "name": "国庆节"},
        {"date": "2035-10-03", "name": "国庆节"},
        {"date": "2035-10-04", "name": "国庆节"},
        {"date": "2035-10-05", "name": "国庆节"},
    ],
    "working_days": ["2035-09-29"],
}


async def deadline(system: RunningSystem, **params) -> dict:
    response = await system.clients["routing"].get(DEADLINE, params=params, headers=system.token("reception"))
    assert response.status_code == 200, response.text
    return response.json()


async def calendar_rows(system: RunningSystem) -> tuple[int, int]:
    async with system.runtime("routing").session_factory() as session:
        return (
            await session.scalar(select(func.count()).select_from(CalendarYear)),
            await session.scalar(select(func.count()).select_from(CalendarDay)),
        )


@pytest.fixture
async def unchanged(system: RunningSystem) -> AsyncIterator[None]:
    before = await calendar_rows(system)
    yield
    assert await calendar_rows(system) == before


async def test_a_calendar_limit_ending_in_national_day_moves_to_the_next_working_day(system: RunningSystem) -> None:
    found = await deadline(system, **{"from": "2026-09-23", "days": 8, "kind": "calendar"})
    assert (found["due_date"], found["shift"]["original"], found["shift"]["reason"]) == (
        "2026-10-08",
        "2026-10-01",
        "国庆节假日",
    )
    assert (found["provisional"], found["calendar_missing_years"]) == (False, [])
    assert found["due_at"].startswith("2026-10-08T23:59:59")
    assert found["explanation"][-1] == "期限于 2026-10-08 24 时届满"


async def test_a_calendar_limit_on_a_working_day_is_not_moved(system: RunningSystem) -> None:
    found = await deadline(system, **{"from": "2026-09-30", "days": 15})
    assert (found["kind"], found["due_date"], found["shift"]) == ("calendar", "2026-10-15", None)


async def test_working_days_skip_the_holidays_and_count_the_adjusted_saturday(system: RunningSystem) -> None:
    # 10-08 Thu, 10-09 Fri, 10-10 Sat (调休上班), 10-12 Mon, 10-13 Tue
    found = await deadline(system, **{"from": "2026-09-30", "days": 5, "kind": "working"})
    assert (found["due_date"], found["shift"]) == ("2026-10-13", None)


async def test_a_limit_into_an_unknown_year_is_refused_unless_provisional(system: RunningSystem) -> None:
    params = {"from": "2040-12-20", "days": 15}  # a calendar count asks only about its last day, in 2041
    response = await system.clients["routing"].get(DEADLINE, params=params, headers=system.token("reception"))
    assert (response.status_code, response.json()["code"]) == (422, "calendar_year_unknown")
    assert "2041" in response.json()["detail"]
    found = await deadline(system, **params, allow_provisional="true")
    assert (found["provisional"], found["calendar_missing_years"]) == (True, [2041])
    assert any("尚未掌握" in line for line in found["explanation"])


async def test_an_entered_year_is_used_for_due_dates(system: RunningSystem) -> None:
    response = await system.clients["routing"].put(
        f"/routing/v1/calendar/{YEAR}", json=SCHEDULE, headers=system.token("admin", sub="calendar-admin")
    )
    assert response.status_code == 200, response.text
    stored = response.json()
    assert (stored["year"], stored["entered_by"], stored["working_days"]) == (YEAR, "calendar-admin", ["2035-09-29"])
    assert len(stored["holidays"]) == 6
    read = await system.clients["routing"].get(f"/routing/v1/calendar/{YEAR}", headers=system.token("reception"))
    assert read.json()["holidays"] == stored["holidays"]

    found = await deadline(system, **{"from": "2035-09-20", "days": 11})  # 10-01, a holiday
    assert (found["due_date"], found["shift"]["reason"], found["provisional"]) == ("2035-10-08", "国庆节假日", False)
    working = await deadline(system, **{"from": "2035-09-27", "days": 2, "kind": "working"})
    assert working["due_date"] == "2035-09-29"  # 09-28 Fri, 09-29 Sat (调休上班)


async def test_entering_a_year_again_replaces_it(system: RunningSystem) -> None:
    year = {"holidays": [{"date": "2036-01-01", "name": "元旦"}], "working_days": []}
    headers = system.token("admin")
    client = system.clients["routing"]
    assert (await client.put("/routing/v1/calendar/2036", json=year, headers=headers)).status_code == 200
    year["holidays"] = [{"date": "2036-01-02", "name": "元旦"}]
    response = await client.put("/routing/v1/calendar/2036", json=year, headers=headers)
    assert [h["date"] for h in response.json()["holidays"]] == ["2036-01-02"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"holidays": [{"date": "2037-10-01"}], "working_days": ["2037-09-30"]}, "schedule_working_day_not_weekend"),
        ({"holidays": [{"date": "2038-01-01"}]}, "schedule_date_outside_year"),
        (
            {"holidays": [{"date": "2037-10-03"}], "working_days": ["2037-10-03"]},
            "schedule_date_both_holiday_and_working",
        ),
        ({"holidays": [{"date": "2037-02-30"}]}, "date_from_datetime_parsing"),
    ],
)
async def test_a_refused_schedule_changes_nothing(system: RunningSystem, unchanged: None, body: dict, code) -> None:
    response = await system.clients["routing"].put(
        "/routing/v1/calendar/2037", json=body, headers=system.token("admin")
    )
    assert response.status_code == 422, response.text
    assert code in {e["code"] for e in response.json()["errors"]}


async def test_only_an_admin_enters_a_year_and_an_unentered_year_is_404(system: RunningSystem, unchanged) -> None:
    client = system.clients["routing"]
    response = await client.put("/routing/v1/calendar/2037", json=SCHEDULE, headers=system.token("supervisor"))
    assert response.status_code == 403
    assert (await client.get("/routing/v1/calendar/2026", headers=system.token("admin"))).status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-09-30", "days": 0},
        {"from": "2026-09-30", "days": 400},
        {"from": "2026-13-01", "days": 5},
        {"from": "2026-09-30", "days": 5, "kind": "hours"},
        {"days": 5},
    ],
)
async def test_bad_deadline_parameters_are_422(system: RunningSystem, params: dict) -> None:
    response = await system.clients["routing"].get(DEADLINE, params=params, headers=system.token("reception"))
    assert response.status_code == 422


async def test_a_year_entered_with_no_day_is_known_alike_to_due_dates_and_case_clocks(system: RunningSystem) -> None:
    """Both the calendar endpoint and the cases' clocks read one calendar: a year entered with no holiday and no
    adjusted working day is a known year with only weekends off (the package does not know 2038)."""
    entered = await system.clients["routing"].put(
        "/routing/v1/calendar/2038", json={"holidays": [], "working_days": []}, headers=system.token("admin")
    )
    assert entered.status_code == 200, entered.text

    found = await deadline(system, **{"from": "2038-09-30", "days": 1, "kind": "working"})
    assert (found["due_date"], found["provisional"], found["calendar_missing_years"]) == ("2038-10-01", False, [])
    async with system.runtime("routing").session_factory() as session:
        for calendar in (await directory.holiday_calendar(session), await calendar_service.holiday_calendar(session)):
            assert calendar.knows_year(2038)
            assert calendar.is_working_day(date(2038, 10, 1))  # a Friday: no National Day entered, so it is worked
            assert not calendar.is_working_day(date(2038, 10, 2))  # a Saturday
