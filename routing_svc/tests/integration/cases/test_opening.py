"""Cases open from xinfang.petition.registered.v1 and xinfang.conflict.escalated.v1 and close on a withdrawal, on
both backends: who gets the case (tier, place, category), repeats, skip-level, reports (Art. 30)."""

import uuid
from datetime import UTC, datetime

import pytest

from routing_svc.cases import service
from routing_svc.cases.consumers import handlers, policy_of
from services.contracts.consumers import CONSUMED_BY
from services.contracts.intake import PetitionWithdrawn, PetitionWithdrawnData
from services.contracts.screening import ConflictEscalated, ConflictEscalatedData


def test_handlers_subscribe_to_exactly_what_routing_consumes(routing) -> None:
    assert set(handlers(routing.runtime.settings)) == set(CONSUMED_BY["routing"])


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"severity": "general"}, ("community", "320599001001", "柳岸社区", "transfer", ["D-STREET-URBAN"])),
        ({"severity": "minor"}, ("community", "320599001001", "柳岸社区", "transfer", ["D-STREET-URBAN"])),
        ({"severity": "complex"}, ("street", "320599001", "长桥街道", "assign", ["D-STREET-URBAN"])),
        ({"severity": "difficult"}, ("district", "320599", "清河区", "assign", ["D-HOUSING"])),
        ({"community_code": None, "address": "某地"}, ("district", "320599", "清河区信访局", "assign", ["D-HOUSING"])),
        ({"kind": "suggestion"}, ("district", "D-HOUSING", "区住房和城乡建设局", "transfer", [])),
    ],
)
async def test_who_gets_the_case(routing, changes: dict, expected: tuple) -> None:
    case = await routing.open_case(**changes)
    assert (case["tier"], case["unit_code"], case["unit_name"], case["mode"], case["co_unit_codes"]) == expected
    assert case["status"] == "assigned" and case["source"] == "petition"


async def test_the_address_finds_the_community_when_no_code_is_given(routing) -> None:
    case = await routing.open_case(community_code=None, address="清河区柳岸小区 5 号楼")
    assert (case["unit_code"], case["fallback"]) == ("320599001001", False)


async def test_a_report_goes_to_the_bureau_and_never_shows_the_petitioner(routing) -> None:
    case = await routing.open_case(kind="report", content=None, summary="反映某干部问题")
    assert (case["kind"], case["unit_code"], case["unit_name"]) == ("report", "320599", "清河区信访局")
    assert (case["petitioner_ref"], case["phone_masked"]) == (None, None)
    listed = await routing.client.get(
        "/routing/v1/cases", params={"petition_id": case["petition_id"]}, headers=routing.token("supervisor")
    )
    assert (listed.json()["items"][0]["petitioner_ref"], listed.json()["items"][0]["phone_masked"]) == (None, None)


async def test_a_repeat_petition_attaches_to_the_existing_case(routing) -> None:
    original = await routing.open_case()
    repeat = await routing.open_case(repeat_of=uuid.UUID(original["petition_id"]))
    assert repeat["id"] == original["id"]
    assert repeat["repeat_count"] == 1
    steps = (
        await routing.client.get(f"/routing/v1/cases/{original['id']}/steps", headers=routing.token("admin"))
    ).json()
    assert steps[-1]["action"] == "repeat"


async def test_a_skip_level_petition_is_flagged_and_routed_to_its_proper_level(routing) -> None:
    case = await routing.open_case(skip_level=True, visited_level="district", proper_level="community")
    assert (case["skip_level"], case["unit_code"], case["mode"]) == (True, "320599001001", "assign")


async def test_the_same_event_twice_opens_one_case(routing) -> None:
    from services.testing import petition_registered_event

    event = petition_registered_event(community_code="320599001001")
    policy = policy_of(routing.runtime.settings)
    ids = []
    for _ in range(2):
        async with routing.runtime.session_factory() as session, session.begin():
            ids.append((await service.open_case_for_petition(session=session, event=event, policy=policy)).id)
    assert ids[0] == ids[1]


async def _conflict(routing, tier: str) -> dict:
    data = ConflictEscalatedData(
        finding_id=uuid.uuid4(),
        grid_id=uuid.uuid4(),
        community_code="320599001002",
        category_code="0304",
        kind="micro_conflict",
        severity="complex",
        people_count=6,
        occurred_at=datetime.now(UTC),
        tier=tier,
        summary="电梯维修费用分摊纠纷",
        description="6 户居民与物业就电梯维修费用分摊产生纠纷",
    )
    event = ConflictEscalated.create(subject=str(data.finding_id), data=data)
    async with routing.runtime.session_factory() as session, session.begin():
        case = await service.open_case_for_conflict(
            session=session, event=event, policy=policy_of(routing.runtime.settings)
        )
    return await routing.read(str(case.id))


@pytest.mark.parametrize(
    ("tier", "unit_code"), [("community", "320599001002"), ("street", "320599001"), ("district", "320599")]
)
async def test_a_grid_finding_opens_a_case_at_its_tier(routing, tier: str, unit_code: str) -> None:
    case = await _conflict(routing, tier)
    assert (case["source"], case["tier"], case["unit_code"], case["mode"]) == ("conflict", tier, unit_code, "assign")
    assert (case["petition_id"], case["tracking_no"], case["channel"]) == (None, None, "grid")


async def test_a_withdrawal_closes_the_case_once(routing) -> None:
    case = await routing.open_case()
    data = PetitionWithdrawnData(
        petition_id=uuid.UUID(case["petition_id"]),
        tracking_no=case["tracking_no"],
        petitioner_ref=uuid.uuid4(),
        occurred_at=datetime.now(UTC),
        reason="已自行解决",
    )
    event = PetitionWithdrawn.create(subject=case["petition_id"], data=data)
    policy = policy_of(routing.runtime.settings)
    for _ in range(2):
        async with routing.runtime.session_factory() as session, session.begin():
            await service.close_withdrawn(session=session, event=event, policy=policy)
    closed = await routing.read(case["id"])
    assert (closed["status"], closed["closed_how"], closed["clocks"]) == ("closed", "withdrawn", [])
