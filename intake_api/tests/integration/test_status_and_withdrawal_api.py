"""The public status query (steps from case events, a wrong code like an unknown number, rate limits), withdrawal,
and the resolve-on-spot use case other domains call, on both backends."""

import json
import uuid

import pytest
from sqlalchemy import select

from intake_api.petitions import service
from intake_api.petitions.models import Petition
from services.db.tables import outbox
from services.http.auth import Principal
from services.testing import PETITION, RunningSystem, eventually

URL = "/intake/v1/petitions"
QUERY = f"{URL}/status-query"


def reset_limits(system: RunningSystem) -> None:
    state = system.apps["intake"].state
    if hasattr(state, "status_query_limits"):
        del state.status_query_limits


@pytest.fixture(autouse=True)
def fresh_limits(system: RunningSystem) -> None:
    """The buckets live in the app, which the whole session shares: each test starts with full ones."""
    reset_limits(system)


async def register(system: RunningSystem, body: dict | None = None, token: dict | None = None) -> dict:
    response = await system.clients["intake"].post(
        URL, json=body or PETITION, headers=token or system.token("reception")
    )
    assert response.status_code == 201, response.text
    return response.json()


async def query(system: RunningSystem, tracking_no: str, code: str):  # noqa: ANN201
    return await system.clients["intake"].post(QUERY, json={"tracking_no": tracking_no, "query_code": code})


async def event_of(system: RunningSystem, petition_id: str, event_type: str) -> dict:
    statement = select(outbox.c.payload).where(outbox.c.aggregate_id == petition_id, outbox.c.event_type == event_type)
    async with system.runtime("intake").session_factory() as session:
        [row] = (await session.execute(statement)).all()
    return json.loads(row.payload)


async def test_status_shows_each_step_from_the_case_events(system: RunningSystem) -> None:
    created = await register(system)
    first = await query(system, created["tracking_no"], created["query_code"])
    assert first.status_code == 200, first.text
    assert first.json()["tracking_no"] == created["tracking_no"]
    assert first.json()["steps"][0]["title"] == "信访事项已登记"

    async def routed() -> dict | None:
        response = await query(system, created["tracking_no"], created["query_code"].lower())
        opened = any(step["title"].startswith("已立案，由") for step in response.json()["steps"])
        # Case events may arrive in any order, and the petition and its steps are two reads (a step committed
        # between them shows before the status it brings): wait until both tell of the routed case.
        return response.json() if opened and response.json()["status"] == "routed" else None

    async def routed_with_fresh_limits() -> dict | None:
        reset_limits(system)
        return await routed()

    status = await eventually(routed_with_fresh_limits)
    assert status["status"] == "routed" and status["status_title"] == "办理中"
    assert any(step["title"].startswith("已立案，由") for step in status["steps"])
    assert [s["at"] for s in status["steps"]] == sorted(s["at"] for s in status["steps"])


async def test_a_wrong_code_answers_like_an_unknown_number(system: RunningSystem) -> None:
    created = await register(system)
    wrong = await query(system, created["tracking_no"], "ZZZZ2222")
    unknown = await query(system, "2026-320599-999999", created["query_code"])
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() | {"instance": None} == unknown.json() | {"instance": None}
    assert wrong.headers["content-type"] == unknown.headers["content-type"] == "application/problem+json"


async def test_the_query_is_limited_per_tracking_number(system: RunningSystem) -> None:
    created = await register(system)
    allowed = system.settings["intake"].status_query_per_tracking_no
    answers = [await query(system, created["tracking_no"], "ZZZZ2222") for _ in range(allowed)]
    assert {a.status_code for a in answers} == {404}
    limited = await query(system, created["tracking_no"], created["query_code"])  # even with the right code
    assert limited.status_code == 429
    assert limited.headers["content-type"] == "application/problem+json"
    assert limited.json()["code"] == "too_many_requests" and int(limited.headers["Retry-After"]) >= 1


async def test_the_query_is_limited_per_client(system: RunningSystem) -> None:
    allowed = system.settings["intake"].status_query_per_minute
    answers = [await query(system, f"2026-320599-{900000 + i}", "ZZZZ2222") for i in range(allowed + 1)]
    assert [a.status_code for a in answers] == [404] * allowed + [429]


async def test_a_malformed_query_is_422(system: RunningSystem) -> None:
    response = await system.clients["intake"].post(QUERY, json={"tracking_no": "x", "query_code": "short"})
    assert response.status_code == 422
    assert sorted(e["pointer"] for e in response.json()["errors"]) == ["/query_code", "/tracking_no"]


async def test_petitioner_withdraws_their_own(system: RunningSystem, person) -> None:  # noqa: ANN001
    token = system.token("petitioner", sub=f"portal-{uuid.uuid4()}", jurisdiction=None)
    created = await register(system, person(channel="online"), token)
    path = f"{URL}/{created['id']}/withdrawal"
    stranger = system.token("petitioner", sub="stranger", jurisdiction=None)
    assert (await system.clients["intake"].post(path, json={"reason": "不想办了"}, headers=stranger)).status_code == 404

    response = await system.clients["intake"].post(path, json={"reason": "问题已由物业自行解决"}, headers=token)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "withdrawn"
    event = await event_of(system, created["id"], "xinfang.petition.withdrawn.v1")
    assert event["data"]["reason"] == "问题已由物业自行解决"
    assert event["data"]["contact_sealed"]

    again = await system.clients["intake"].post(path, json={"reason": "再撤一次"}, headers=token)
    assert (again.status_code, again.json()["code"]) == (409, "petition_not_withdrawable")
    status = await query(system, created["tracking_no"], created["query_code"])
    assert status.json()["status"] == "withdrawn"


async def test_staff_withdraw_on_behalf_and_bad_reasons_are_refused(system: RunningSystem) -> None:
    created = await register(system)
    path = f"{URL}/{created['id']}/withdrawal"
    short = await system.clients["intake"].post(path, json={"reason": ""}, headers=system.token("reception"))
    assert short.status_code == 422 and short.json()["errors"][0]["pointer"] == "/reason"
    refused = await system.clients["intake"].post(path, json={"reason": "信访人撤回"}, headers=system.token("handler"))
    assert refused.status_code == 403
    done = await system.clients["intake"].post(
        path, json={"reason": "信访人电话撤回"}, headers=system.token("reception")
    )
    assert done.status_code == 200 and done.json()["status"] == "withdrawn"


async def test_resolve_on_spot_for_the_other_domains(system: RunningSystem, person) -> None:  # noqa: ANN001
    created = await register(system, person())
    reception = Principal(sub="r-1", roles=frozenset({"reception"}), jurisdiction="320599")
    runtime = system.runtime("intake")
    async with runtime.session_factory() as session, session.begin():
        petition = await service.resolve_on_spot(
            session=session, petition_id=uuid.UUID(created["id"]), how="consultation",
            outcome="已答复：物业维修基金申请流程", principal=reception, settings=runtime.settings,
        )  # fmt: skip
        assert petition.status == "resolved_on_spot"
    event = await event_of(system, created["id"], "xinfang.petition.resolved_on_spot.v1")
    assert (event["data"]["how"], event["data"]["outcome"]) == ("consultation", "已答复：物业维修基金申请流程")
    async with runtime.session_factory() as session:
        assert await session.scalar(select(Petition.status).where(Petition.id == uuid.UUID(created["id"]))) == (
            "resolved_on_spot"
        )


async def test_a_late_older_case_event_does_not_undo_a_newer_one(system: RunningSystem) -> None:
    from datetime import UTC, datetime, timedelta

    from services.contracts.routing import CaseClosed, CaseOpened

    created = await register(system, {**PETITION, "community_code": None})
    runtime, petition_id = system.runtime("intake"), uuid.UUID(created["id"])
    later = datetime.now(UTC) + timedelta(hours=1)
    for event_class, occurred_at in ((CaseClosed, later), (CaseOpened, later - timedelta(minutes=30))):
        data = event_class.model_fields["data"].annotation.model_validate(
            event_class.example | {"petition_id": petition_id, "occurred_at": occurred_at, "tier": "street"}
        )
        async with runtime.session_factory() as session, session.begin():
            await service.record_case_event(session=session, event=event_class.create(subject="case", data=data))
    async with runtime.session_factory() as session:
        petition = await session.get(Petition, petition_id)
        assert (petition.status, petition.case_status) == ("closed", "closed")
    status = (await query(system, created["tracking_no"], created["query_code"])).json()
    assert status["steps"][-1]["title"] == "信访事项已办结"
