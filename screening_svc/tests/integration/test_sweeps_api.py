"""Sweeps on both backends: record one in an open week (409 once it closed), the weekly compliance report, and the
end-of-week job that sends one ``sweep.missed`` per gap, once."""

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest
from sqlalchemy import update

from screening_svc.grids.rules import local_date
from screening_svc.residents.models import SpecialResident
from screening_svc.sweeps import rules
from screening_svc.sweeps.service import close_week
from services.testing import RunningSystem

SWEEPS = "/screening/v1/sweeps"
RESIDENTS = "/screening/v1/special-residents"
LONG_AGO = "2026-01-05"
STAFF = {"jurisdiction": "320599003004"}


def this_week() -> str:
    return rules.iso_week(local_date(datetime.now(UTC)))


async def resident(system: RunningSystem, grid: dict, category: str = "elderly_alone", since: date | None = None):
    body = {"grid_code": grid["code"], "category": category, "name": "居民", "address": "望江社区 1 号楼"}
    response = await system.clients["screening"].post(RESIDENTS, json=body, headers=system.token("admin"))
    assert response.status_code == 201, response.text
    if since is not None:  # registered long ago: due in every window
        async with system.runtime("screening").session_factory() as session, session.begin():
            await session.execute(
                update(SpecialResident)
                .where(SpecialResident.id == UUID(response.json()["id"]))
                .values(registered_on=since)
            )
    return response.json()["id"]


async def sweep(system: RunningSystem, grid: dict, **changes) -> dict:
    body = {"grid_code": grid["code"], "households_visited": 100, "notes": "排查正常"} | changes
    response = await system.clients["screening"].post(SWEEPS, json=body, headers=system.token("grid_worker", **STAFF))
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_sweep_is_recorded_with_its_visits_and_event(system: RunningSystem, screening, new_grid, outbox_events):
    grid = await new_grid()
    visited = await resident(system, grid)
    recorded = await sweep(system, grid, resident_ids=[visited], findings=2)
    assert (recorded["week"], recorded["resident_ids"], recorded["findings"]) == (this_week(), [visited], 2)
    assert recorded["swept_by"] == "tester"
    detail = await screening.get(f"{SWEEPS}/{recorded['id']}", headers=system.token("admin"))
    assert detail.json() == recorded
    listed = await screening.get(SWEEPS, params={"grid_code": grid["code"]}, headers=system.token("admin"))
    assert [s["id"] for s in listed.json()["items"]] == [recorded["id"]]
    events = await outbox_events("xinfang.sweep.completed.v1", recorded["id"])
    assert [
        (e["data"]["grid_id"], e["data"]["residents_visited"], e["data"]["households_visited"]) for e in events
    ] == [(grid["id"], 1, 100)]
    after = await screening.get(f"{RESIDENTS}/{visited}", headers=system.token("admin"))
    assert after.json()["last_visited_on"] == str(local_date(datetime.now(UTC)))


async def test_a_sweep_for_a_closed_week_is_409_and_changes_nothing(system: RunningSystem, screening, new_grid, rows):
    grid = await new_grid()
    before = (await rows("sweeps"), await rows("outbox"))
    two_weeks_ago = (datetime.now(UTC) - timedelta(days=14)).isoformat()
    body = {"grid_code": grid["code"], "households_visited": 10, "swept_at": two_weeks_ago}
    response = await screening.post(SWEEPS, json=body, headers=system.token("grid_worker", **STAFF))
    assert (response.status_code, response.json()["code"]) == (409, "week_closed")
    assert (await rows("sweeps"), await rows("outbox")) == before


@pytest.mark.parametrize(
    ("changes", "pointer", "code"),
    [
        ({"swept_at": "2099-01-01T10:00:00+08:00"}, "/swept_at", "swept_in_future"),
        ({"resident_ids": ["01a22539-d86d-731e-b2dd-530290f5bf0d"]}, "/resident_ids/0", "unknown_resident"),
        ({"grid_code": "32059900300499"}, "/grid_code", "unknown_grid"),
        ({"households_visited": -1}, "/households_visited", "greater_than_equal"),
    ],
)
async def test_bad_sweep_changes_nothing(
    system: RunningSystem, screening, new_grid, rows, changes: dict, pointer: str, code: str
) -> None:
    grid = await new_grid()
    before = (await rows("sweeps"), await rows("resident_visits"), await rows("outbox"))
    body = {"grid_code": grid["code"], "households_visited": 10} | changes
    response = await screening.post(SWEEPS, json=body, headers=system.token("grid_worker", **STAFF))
    assert response.status_code == 422
    assert [(e["pointer"], e["code"]) for e in response.json()["errors"]] == [(pointer, code)]
    assert (await rows("sweeps"), await rows("resident_visits"), await rows("outbox")) == before


async def test_a_resident_of_another_grid_is_refused(system: RunningSystem, screening, new_grid) -> None:
    grid, other = await new_grid(), await new_grid()
    stranger = await resident(system, other)
    body = {"grid_code": grid["code"], "households_visited": 10, "resident_ids": [stranger]}
    response = await screening.post(SWEEPS, json=body, headers=system.token("grid_worker", **STAFF))
    assert response.status_code == 422 and response.json()["errors"][0]["pointer"] == "/resident_ids/0"


async def compliance(system: RunningSystem, headers: dict, week: str | None = None) -> dict:
    response = await system.clients["screening"].get(
        f"{SWEEPS}/compliance", params={"week": week or this_week(), "jurisdiction": "320599003004"}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_compliance_lists_grids_short_of_sweeps_and_residents_not_visited(
    system: RunningSystem, new_grid
) -> None:
    grid = await new_grid(sweeps_per_week=2, active_from=LONG_AGO)
    seen, unseen = (
        await resident(system, grid, since=date(2026, 1, 1)),
        await resident(system, grid, since=date(2026, 1, 1)),
    )
    fresh = await resident(system, grid)  # registered this week: not due yet, unless today is this week's Monday
    await sweep(system, grid, resident_ids=[seen])
    report = await compliance(system, system.token("admin"))
    assert not report["closed"]
    assert [(g["grid_code"], g["sweeps_required"], g["sweeps_done"]) for g in report["grids_not_swept"] if
            g["grid_code"] == grid["code"]] == [(grid["code"], 2, 1)]  # fmt: skip
    mine = {r["resident_id"] for r in report["residents_not_visited"] if r["grid_code"] == grid["code"]}
    assert unseen in mine and seen not in mine
    assert (fresh in mine) is (local_date(datetime.now(UTC)).weekday() == 0)
    await sweep(system, grid, resident_ids=[unseen])
    report = await compliance(system, system.token("admin"))
    assert grid["code"] not in {g["grid_code"] for g in report["grids_not_swept"]}
    assert not {unseen, seen} & {r["resident_id"] for r in report["residents_not_visited"]}


async def test_compliance_is_scoped(system: RunningSystem, new_grid) -> None:
    grid = await new_grid(active_from=LONG_AGO)
    outside = await compliance(system, system.token("handler", jurisdiction="320599001"))
    assert (outside["grids_due"], outside["grids_not_swept"], outside["residents_not_visited"]) == (0, [], [])
    inside = await compliance(system, system.token("handler", jurisdiction="320599003"))
    assert grid["code"] in {g["grid_code"] for g in inside["grids_not_swept"]}


async def test_compliance_of_an_invalid_week_is_422(system: RunningSystem, screening) -> None:
    for week in ("2026-W54", "2026-10"):
        response = await screening.get(f"{SWEEPS}/compliance", params={"week": week}, headers=system.token("admin"))
        assert response.status_code == 422


async def test_close_week_sends_each_gap_once(system: RunningSystem, new_grid, outbox_events) -> None:
    idle, swept = await new_grid(active_from=LONG_AGO), await new_grid(active_from=LONG_AGO)
    weekly = await resident(system, idle, since=date(2026, 1, 1))
    visited = await resident(system, swept, since=date(2026, 1, 1))
    monthly = await resident(system, swept, "hardship", since=date(2026, 1, 1))
    await sweep(system, swept, resident_ids=[visited])
    week, factory = this_week(), system.runtime("screening").session_factory
    later = rules.closes_at(week, 1) + timedelta(hours=1)

    first = [e.data for e in await close_week(factory, week, later, grace_days=1)]
    mine = {(d.gap, str(d.resident_ref or d.grid_id)) for d in first if str(d.grid_id) in (idle["id"], swept["id"])}
    assert mine == {("grid_not_swept", idle["id"]), ("resident_not_visited", weekly), ("resident_not_visited", monthly)}
    assert all(d.due_by == rules.week_sunday(week) for d in first)
    assert await close_week(factory, week, later + timedelta(hours=1), grace_days=1) == []
    assert len(await outbox_events("xinfang.sweep.missed.v1", idle["id"])) == 2  # the grid and its resident


async def test_close_week_refuses_an_open_week(system: RunningSystem) -> None:
    from screening_svc.sweeps.exceptions import WeekStillOpen

    with pytest.raises(WeekStillOpen):
        await close_week(system.runtime("screening").session_factory, this_week(), datetime.now(UTC))
