"""The on-the-spot actions (四个当场) on both backends: consultations answered from the knowledge base or freely,
and mediations (transfer forms: ``test_transfer_form_api.py``). The ``system`` fixture is shared by the session,
so refused requests are checked by row counts before and after, never by absolute numbers."""

import json
from uuid import UUID

import pytest
from sqlalchemy import func, select

from intake_api.onsite.consultations.models import Consultation
from intake_api.onsite.mediations import rules as mediation_rules
from intake_api.onsite.mediations.models import Mediation
from intake_api.onsite.transfer_forms.models import TransferForm
from intake_api.petitions.models import Petition
from services import pii
from services.db.tables import idempotency_keys, outbox
from services.testing import PETITION, RunningSystem, eventually

PETITIONS = "/intake/v1/petitions"
RESOLVED = "xinfang.petition.resolved_on_spot.v1"
OPEN = ("registered", "routed")  # routing opens a case moments after registration
TABLES = (Consultation.__table__, Mediation.__table__, TransferForm.__table__, outbox,
          idempotency_keys)  # fmt: skip


async def counts(system: RunningSystem) -> list[int]:
    async with system.runtime("intake").session_factory() as session:
        return [await session.scalar(select(func.count()).select_from(table)) for table in TABLES]


def pointers(response) -> list[tuple[str | None, str]]:
    return sorted((e.get("pointer"), e["code"]) for e in response.json()["errors"])


async def registered(system: RunningSystem, **changes) -> dict:
    body = PETITION | changes
    response = await system.clients["intake"].post(PETITIONS, json=body, headers=system.token("reception"))
    assert response.status_code == 201, response.text
    return response.json()


async def petition_status(system: RunningSystem, petition_id: str) -> str:
    async with system.runtime("intake").session_factory() as session:
        return (await session.get(Petition, UUID(petition_id))).status


async def events_of(system: RunningSystem, petition_id: str, event_type: str) -> list[dict]:
    query = select(outbox.c.payload).where(outbox.c.aggregate_id == petition_id, outbox.c.event_type == event_type)
    async with system.runtime("intake").session_factory() as session:
        return [json.loads(payload) for payload in (await session.scalars(query)).all()]


async def knowledge_hit(system: RunningSystem, query: str) -> dict:
    response = await system.clients["intake"].get(
        "/intake/v1/knowledge/search", params={"q": query}, headers=system.token("reception")
    )
    assert response.status_code == 200, response.text
    return response.json()["items"][0]


# -- consultations ----------------------------------------------------------------------------------------------


async def test_consultation_from_the_knowledge_base_resolves_on_the_spot(system: RunningSystem) -> None:
    petition = await registered(system)
    hit = await knowledge_hit(system, "被拖欠工资去哪里投诉")
    body = {"knowledge": {"entry_id": hit["id"], "version": hit["current_version"]}}
    url = f"{PETITIONS}/{petition['id']}/consultation"
    response = await system.clients["intake"].post(url, json=body, headers=system.token("reception"))
    assert response.status_code == 201, response.text
    answer = response.json()
    assert (answer["entry_id"], answer["entry_version"]) == (hit["id"], hit["current_version"])
    assert answer["answer"] == hit["answer"]["answer"]
    assert await petition_status(system, petition["id"]) == "resolved_on_spot"
    [event] = await events_of(system, petition["id"], RESOLVED)
    assert event["data"]["how"] == "consultation"
    assert event["data"]["outcome"].startswith("已当场答复咨询：")
    read = await system.clients["intake"].get(url, headers=system.token("supervisor"))
    assert read.status_code == 200 and read.json()["id"] == answer["id"]


async def test_free_answer_and_a_second_answer_is_refused(system: RunningSystem) -> None:
    petition = await registered(system)
    url = f"{PETITIONS}/{petition['id']}/consultation"
    body = {"answer": "物业维修资金的使用须经业主共同决定，可向区住房和城乡建设局咨询申请流程。"}
    first = await system.clients["intake"].post(url, json=body, headers=system.token("reception"))
    assert first.status_code == 201, first.text
    assert first.json()["entry_id"] is None
    before = await counts(system)
    second = await system.clients["intake"].post(url, json=body, headers=system.token("reception"))
    assert (second.status_code, second.json()["code"]) == (409, "petition_not_open")
    assert await counts(system) == before


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, [("/answer", "one_answer_source")]),
        (
            {"answer": "这是一个足够长的自由答复内容。", "knowledge": {"entry_id": "0" * 32, "version": 1}},
            [("/answer", "one_answer_source")],
        ),
        ({"answer": "太短"}, [("/answer", "string_too_short")]),
        (
            {"knowledge": {"entry_id": "x", "version": 0}},
            [("/knowledge/entry_id", "uuid_parsing"), ("/knowledge/version", "greater_than_equal")],
        ),
    ],
    ids=["neither", "both", "short", "bad-reference"],
)
async def test_consultation_refused_with_pointers(system: RunningSystem, body: dict, expected: list) -> None:
    url = f"{PETITIONS}/{(await registered(system))['id']}/consultation"
    async with _unchanged_after_registration(system):
        response = await system.clients["intake"].post(url, json=body, headers=system.token("reception"))
    assert response.status_code == 422
    assert pointers(response) == expected


async def test_consultation_naming_an_unknown_version_or_retired_entry(system: RunningSystem) -> None:
    petition = await registered(system)
    url = f"{PETITIONS}/{petition['id']}/consultation"
    entry = await _new_entry(system, "当场答复测试专用的问题甲乙丙", ["测试专用甲乙丙"])
    async with _unchanged_after_registration(system):
        unknown = {"knowledge": {"entry_id": entry["id"], "version": 7}}
        response = await system.clients["intake"].post(url, json=unknown, headers=system.token("reception"))
        assert (response.status_code, pointers(response)) == (422, [("/knowledge/version", "knowledge_answer_unknown")])
        retire = f"/intake/v1/knowledge/{entry['id']}/retirement"
        await system.clients["intake"].post(retire, json={"reason": "口径作废"}, headers=system.token("supervisor"))
        retired = {"knowledge": {"entry_id": entry["id"], "version": 1}}
        response = await system.clients["intake"].post(url, json=retired, headers=system.token("reception"))
        assert pointers(response) == [("/knowledge/entry_id", "knowledge_answer_unknown")]
    assert await petition_status(system, petition["id"]) in OPEN


async def test_mediation_after_routing_opened_the_case(system: RunningSystem) -> None:
    """Routing opens a case moments after registration; the petitioner is still at the desk and can be helped."""
    petition = await registered(system)

    async def routed() -> bool:
        return await petition_status(system, petition["id"]) == "routed"

    await eventually(routed)
    url = f"{PETITIONS}/{petition['id']}/mediations"
    response = await system.clients["intake"].post(url, json=_mediation("success"), headers=system.token("reception"))
    assert response.status_code == 201, response.text
    assert await petition_status(system, petition["id"]) == "resolved_on_spot"


async def test_outside_the_jurisdiction_is_not_found(system: RunningSystem) -> None:
    petition = await registered(system)  # community 320599001001
    other = system.token("reception", jurisdiction="320599002")
    async with _unchanged_after_registration(system):
        for path, body in (
            ("consultation", {"answer": "这是一个足够长的自由答复内容。"}),
            ("mediations", _mediation("failure")),
            ("transfer-form", {"receiving_unit_code": "D-HOUSING"}),
        ):
            response = await system.clients["intake"].post(
                f"{PETITIONS}/{petition['id']}/{path}", json=body, headers=other
            )
            assert (response.status_code, response.json()["code"]) == (404, "petition_not_found")


async def test_roles_that_may_not_act(system: RunningSystem) -> None:
    petition = await registered(system)
    url = f"{PETITIONS}/{petition['id']}/consultation"
    body = {"answer": "这是一个足够长的自由答复内容。"}
    for role in ("handler", "petitioner", "grid_worker"):
        response = await system.clients["intake"].post(url, json=body, headers=system.token(role))
        assert response.status_code == 403


# -- mediations -------------------------------------------------------------------------------------------------


def _mediation(outcome: str, **changes) -> dict:
    body = {
        "parties": [{"name": "王建国", "role": "applicant"}, {"name": "欧阳明月", "role": "respondent"}],
        "mediator": "陈静",
        "result": outcome,
        "notes": "双方到场",
    }
    if outcome == "success":
        body["agreement"] = "物业公司于本月底前完成屋顶防水维修，申请人撤回投诉。"
    return body | changes


async def test_failed_then_successful_mediation(system: RunningSystem) -> None:
    petition = await registered(system)
    url = f"{PETITIONS}/{petition['id']}/mediations"
    failed = await system.clients["intake"].post(url, json=_mediation("failure"), headers=system.token("reception"))
    assert failed.status_code == 201, failed.text
    assert failed.json()["petition_status"] in OPEN
    assert await petition_status(system, petition["id"]) in OPEN
    assert await events_of(system, petition["id"], RESOLVED) == []
    success = await system.clients["intake"].post(url, json=_mediation("success"), headers=system.token("reception"))
    assert success.status_code == 201, success.text
    record = success.json()
    assert record["parties"] == [{"name": "王**", "role": "applicant"}, {"name": "欧阳**", "role": "respondent"}]
    assert (record["petition_status"], record["has_agreement"]) == ("resolved_on_spot", True)
    assert _mediation("success")["agreement"] not in success.text  # plain only through the audited reveal
    [event] = await events_of(system, petition["id"], RESOLVED)
    assert event["data"]["how"] == "mediation" and event["data"]["outcome"].startswith("调解成功")
    assert "物业公司" not in json.dumps(event, ensure_ascii=False)  # nothing of the agreement on the bus
    listed = await system.clients["intake"].get(url, headers=system.token("supervisor"))
    assert [row["result"] for row in listed.json()] == ["failure", "success"]
    assert "王建国" not in listed.text


async def test_party_names_are_encrypted_at_rest(system: RunningSystem) -> None:
    petition = await registered(system)
    url = f"{PETITIONS}/{petition['id']}/mediations"
    response = await system.clients["intake"].post(url, json=_mediation("failure"), headers=system.token("reception"))
    async with system.runtime("intake").session_factory() as session:
        row = await session.get(Mediation, UUID(response.json()["id"]))
    assert "王建国".encode() not in row.parties_cipher and "王建国" not in json.dumps(row.parties_masked)
    cipher = pii.Cipher(system.settings["intake"].pii_key)
    parties = mediation_rules.open_parties(row.parties_cipher, cipher=cipher, mediation_id=row.id)
    assert [party["name"] for party in parties] == ["王建国", "欧阳明月"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (_mediation("success", agreement=None), [("/agreement", "agreement_required")]),
        (_mediation("failure", agreement="双方达成协议的具体内容如下。"), [("/agreement", "agreement_not_allowed")]),
        (_mediation("failure", parties=[{"name": "王建国", "role": "applicant"}]), [("/parties", "too_short")]),
        (_mediation("failure", result="partial"), [("/result", "literal_error")]),
        (
            _mediation("failure", parties=[{"name": "", "role": "x"}] * 2),
            [
                ("/parties/0/name", "string_too_short"),
                ("/parties/0/role", "literal_error"),
                ("/parties/1/name", "string_too_short"),
                ("/parties/1/role", "literal_error"),
            ],
        ),
    ],
    ids=["success-without-agreement", "failure-with-agreement", "one-party", "unknown-result", "bad-parties"],
)
async def test_mediation_refused_with_pointers(system: RunningSystem, body: dict, expected: list) -> None:
    url = f"{PETITIONS}/{(await registered(system))['id']}/mediations"
    async with _unchanged_after_registration(system):
        response = await system.clients["intake"].post(url, json=body, headers=system.token("reception"))
    assert response.status_code == 422
    assert pointers(response) == expected


async def test_mediation_on_a_resolved_petition_is_a_conflict(system: RunningSystem) -> None:
    petition = await registered(system)
    url = f"{PETITIONS}/{petition['id']}/mediations"
    await system.clients["intake"].post(url, json=_mediation("success"), headers=system.token("reception"))
    async with _unchanged_after_registration(system):
        response = await system.clients["intake"].post(
            url, json=_mediation("failure"), headers=system.token("reception")
        )
    assert (response.status_code, response.json()["code"]) == (409, "petition_not_open")


# -- helpers ----------------------------------------------------------------------------------------------------


class _unchanged_after_registration:
    """Counts taken inside the test, after its own setup (registration, entries) is done."""

    def __init__(self, system: RunningSystem) -> None:
        self.system = system

    async def __aenter__(self) -> None:
        self.before = await counts(self.system)

    async def __aexit__(self, *exc) -> None:
        if exc[0] is None:
            assert await counts(self.system) == self.before


async def _new_entry(system: RunningSystem, question: str, keywords: list[str]) -> dict:
    body = {"question": question, "answer": "这是用于测试的答复口径，内容足够长。", "keywords": keywords}
    response = await system.clients["intake"].post("/intake/v1/knowledge", json=body, headers=system.token("admin"))
    assert response.status_code == 201, response.text
    return response.json()
