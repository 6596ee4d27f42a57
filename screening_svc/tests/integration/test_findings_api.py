"""Findings on both backends: minor ones solved on the spot, others escalated by tier; case events close the loop."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from sqlalchemy import text

from services.contracts.routing import CaseAssigned, CaseClosed, CaseOpened
from services.messaging import OutgoingMessage
from services.testing import RunningSystem, eventually

FINDINGS = "/screening/v1/findings"
FINDING = {
    "category_code": "0301",
    "kind": "micro_conflict",
    "severity": "general",
    "summary": "3 号楼 6 户居民与物业就电梯维修费用分摊产生纠纷",
    "description": "电梯停运两周，物业要求业主分摊维修费用，6 户居民不同意。",
    "people_count": 6,
}
INFORMANT = {"jurisdiction": "320599003004"}


async def report(system: RunningSystem, grid: dict, **changes) -> dict:
    body = FINDING | {"grid_code": grid["code"]} | changes
    response = await system.clients["screening"].post(
        FINDINGS, json=body, headers=system.token("informant", **INFORMANT)
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_minor_finding_is_solved_on_the_spot(system: RunningSystem, new_grid, outbox_events) -> None:
    grid = await new_grid()
    finding = await report(system, grid, severity="minor", measure="网格员协调物业当场修复")
    assert (finding["outcome"], finding["tier"], finding["case"]) == ("resolved_on_spot", None, None)
    assert [
        e["data"]["measure"] for e in await outbox_events("xinfang.conflict.resolved_on_spot.v1", finding["id"])
    ] == ["网格员协调物业当场修复"]
    assert len(await outbox_events("xinfang.conflict.reported.v1", finding["id"])) == 1
    assert await outbox_events("xinfang.conflict.escalated.v1", finding["id"]) == []


@pytest.mark.parametrize(
    ("severity", "tier"), [("general", "community"), ("complex", "street"), ("difficult", "district")]
)
async def test_other_findings_are_escalated_by_tier(
    system: RunningSystem, new_grid, outbox_events, severity: str, tier: str
) -> None:
    grid = await new_grid()
    finding = await report(system, grid, severity=severity)
    assert (finding["outcome"], finding["tier"]) == ("escalated", tier)
    [event] = await outbox_events("xinfang.conflict.escalated.v1", finding["id"])
    assert (event["data"]["tier"], event["data"]["grid_id"], event["data"]["people_count"]) == (tier, grid["id"], 6)
    assert event["data"]["community_code"] == "320599003004" and event["subject"] == finding["id"]
    assert len(await outbox_events("xinfang.conflict.reported.v1", finding["id"])) == 1


@pytest.mark.parametrize(
    ("changes", "pointer", "code"),
    [
        ({"category_code": "9999"}, "/category_code", "unknown_category"),
        ({"severity": "minor"}, "/measure", "measure_required"),
        ({"grid_code": "32059900100101"}, "/grid_code", "unknown_grid"),  # outside the informant's community
        ({"occurred_at": "2099-01-01T00:00:00+08:00"}, "/occurred_at", "occurred_in_future"),
        ({"people_count": -1}, "/people_count", "greater_than_equal"),
        ({"severity": "urgent"}, "/severity", "literal_error"),
    ],
)
async def test_bad_finding_changes_nothing(
    system: RunningSystem, screening, new_grid, rows, changes: dict, pointer: str, code: str
) -> None:
    grid = await new_grid()
    before = (await rows("findings"), await rows("outbox"))
    body = FINDING | {"grid_code": grid["code"]} | changes
    response = await screening.post(FINDINGS, json=body, headers=system.token("informant", **INFORMANT))
    assert response.status_code == 422
    assert [(e["pointer"], e["code"]) for e in response.json()["errors"]] == [(pointer, code)]
    assert (await rows("findings"), await rows("outbox")) == before


async def test_volunteers_do_not_report_findings(system: RunningSystem, screening, new_grid) -> None:
    grid = await new_grid()
    response = await screening.post(
        FINDINGS, json=FINDING | {"grid_code": grid["code"]}, headers=system.token("volunteer")
    )
    assert response.status_code == 403


async def test_findings_outside_scope_are_404(system: RunningSystem, screening, new_grid) -> None:
    finding = await report(system, await new_grid())
    assert (await screening.get(f"{FINDINGS}/{finding['id']}", headers=system.token("leader"))).status_code == 200
    outside = system.token("handler", jurisdiction="320599001")
    assert (await screening.get(f"{FINDINGS}/{finding['id']}", headers=outside)).status_code == 404


def case_event(event_class, finding_id: str, case_id: str, at: datetime, **data):
    fields = {
        "case_id": case_id, "source": "conflict", "finding_id": finding_id, "kind": "petition",
        "unit_code": "320599003004", "unit_name": "望江社区", "tier": "community", "category_code": "0301",
        "occurred_at": at, **data,
    }  # fmt: skip
    return event_class.create(subject=case_id, data=event_class.model_fields["data"].annotation(**fields))


async def publish(system: RunningSystem, *events) -> None:
    messages = [OutgoingMessage(message_id=e.id, event_type=e.type, body=e.to_json().encode()) for e in events]
    await system.runtime("routing").bus.publish(messages)


async def consumed(system: RunningSystem, event_id: str) -> bool:
    async with system.runtime("screening").session_factory() as session:
        statement = text("SELECT count(*) FROM inbox WHERE consumer = 'screening' AND event_id = :id")
        return bool(await session.scalar(statement, {"id": event_id}))


async def test_case_events_show_where_the_case_stands_and_how_it_ended(
    system: RunningSystem, screening, new_grid
) -> None:
    finding = await report(system, await new_grid())
    case_id, later = str(uuid4()), datetime.now(UTC) + timedelta(days=1)  # later than any case routing opens itself
    opened = case_event(CaseOpened, finding["id"], case_id, later, status="opened", due_at=later + timedelta(days=15))
    closed = case_event(CaseClosed, finding["id"], case_id, later + timedelta(hours=2), status="closed", how="resolved")
    stale = case_event(CaseAssigned, finding["id"], case_id, later + timedelta(hours=1), status="assigned",
                       mode="assign", unit_code="320599003", unit_name="新城街道", tier="street")  # fmt: skip
    await publish(system, opened)

    async def case_of() -> dict | None:
        found = (await screening.get(f"{FINDINGS}/{finding['id']}", headers=system.token("admin"))).json()
        return found["case"] if found["case"] and found["case"]["case_id"] == case_id else None

    case = await eventually(case_of)
    assert (case["status"], case["unit_name"], case["tier"], case["closed_how"]) == (
        "opened",
        "望江社区",
        "community",
        None,
    )
    await publish(system, closed)
    await eventually(lambda: consumed(system, closed.id))
    await publish(system, stale)  # older than the closing: changes nothing
    await eventually(lambda: consumed(system, stale.id))
    case = await case_of()
    assert (case["status"], case["closed_how"], case["unit_name"]) == ("closed", "resolved", "望江社区")


async def test_case_events_of_petitions_and_unknown_findings_are_ignored(system: RunningSystem) -> None:
    at = datetime.now(UTC)
    petition = case_event(CaseOpened, None, str(uuid4()), at, status="opened", source="petition", due_at=at)
    unknown = case_event(CaseOpened, str(uuid4()), str(uuid4()), at, status="opened", due_at=at)
    await publish(system, petition, unknown)
    await eventually(lambda: consumed(system, petition.id))
    await eventually(lambda: consumed(system, unknown.id))
