"""The mediation agreement is personal data: stored encrypted (bound to its row and column), never in a response or
in the stored idempotent response, shown in plain only to a supervisor or admin who gives a reason, and every such
reveal (also a refused or missing one) is audited without the values. On both backends."""

import json
from uuid import UUID, uuid4

from sqlalchemy import select

from intake_api.audit.models import PiiAccess
from intake_api.onsite.mediations import rules
from intake_api.onsite.mediations.models import Mediation
from services import pii
from services.db.tables import idempotency_keys
from services.testing import PETITION, RunningSystem, unique

PETITIONS = "/intake/v1/petitions"
AGREEMENT = "物业公司于本月底前完成屋顶防水维修，费用由维修资金列支，申请人撤回投诉。"
BODY = {
    "parties": [{"name": "王建国", "role": "applicant"}, {"name": "欧阳明月", "role": "respondent"}],
    "mediator": "陈静",
    "result": "success",
    "agreement": AGREEMENT,
}
REASON = "核查调解协议履行情况，经科长批准"


async def mediated(system: RunningSystem, body: dict = BODY) -> tuple[str, dict, str]:
    response = await system.clients["intake"].post(PETITIONS, json=PETITION, headers=system.token("reception"))
    petition_id, key = response.json()["id"], unique("mediation-")
    headers = {**system.token("reception"), "Idempotency-Key": key}
    response = await system.clients["intake"].post(f"{PETITIONS}/{petition_id}/mediations", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return petition_id, response.json(), key


async def reveal(system: RunningSystem, petition_id: str, mediation_id: str, role: str = "supervisor", **body):
    url = f"{PETITIONS}/{petition_id}/mediations/{mediation_id}/reveal"
    payload = {"fields": ["agreement"], "reason": REASON, **body}
    return await system.clients["intake"].post(url, json=payload, headers=system.token(role, sub=f"{role}-1"))


async def audit_rows(system: RunningSystem, record_id: str) -> list[PiiAccess]:
    async with system.runtime("intake").session_factory() as session:
        found = await session.scalars(select(PiiAccess).where(PiiAccess.record_id == record_id).order_by(PiiAccess.at))
        return list(found)


async def test_agreement_is_encrypted_and_never_answered_in_plain(system: RunningSystem) -> None:
    petition_id, record, key = await mediated(system)
    assert record["has_agreement"] is True and AGREEMENT not in str(record)
    listed = await system.clients["intake"].get(
        f"{PETITIONS}/{petition_id}/mediations", headers=system.token("supervisor")
    )
    assert [row["has_agreement"] for row in listed.json()] == [True] and AGREEMENT not in listed.text
    async with system.runtime("intake").session_factory() as session:
        row = await session.get(Mediation, UUID(record["id"]))
        stored = await session.scalar(select(idempotency_keys.c.response_body).where(idempotency_keys.c.key == key))
    replayed = json.dumps(json.loads(stored), ensure_ascii=False)
    assert "陈静" in replayed and AGREEMENT not in replayed  # the stored response is decoded, yet holds no agreement
    assert AGREEMENT.encode() not in row.agreement_cipher
    cipher = pii.Cipher(system.settings["intake"].pii_key)
    assert rules.open_agreement(row.agreement_cipher, cipher=cipher, mediation_id=row.id) == AGREEMENT
    moved_elsewhere = uuid4()
    try:
        rules.open_agreement(row.agreement_cipher, cipher=cipher, mediation_id=moved_elsewhere)
    except pii.PIIError:
        pass
    else:
        raise AssertionError("a ciphertext copied into another row must not decrypt")


async def test_a_failed_mediation_has_no_agreement(system: RunningSystem) -> None:
    body = {key: value for key, value in BODY.items() if key != "agreement"} | {"result": "failure"}
    petition_id, record, _ = await mediated(system, body)
    assert record["has_agreement"] is False
    response = await reveal(system, petition_id, record["id"])
    assert (response.status_code, response.json()["agreement"]) == (200, None)


async def test_supervisor_reveals_with_a_reason_and_is_audited(system: RunningSystem) -> None:
    petition_id, record, _ = await mediated(system)
    response = await reveal(system, petition_id, record["id"], fields=["parties", "agreement"])
    assert response.status_code == 200, response.text
    assert response.json()["agreement"] == AGREEMENT
    assert [party["name"] for party in response.json()["parties"]] == ["王建国", "欧阳明月"]
    [entry] = await audit_rows(system, record["id"])
    assert (entry.actor, entry.action, entry.record_type, entry.outcome) == (
        "supervisor-1", "reveal", "mediation", "granted"
    )  # fmt: skip
    assert (entry.fields, entry.reason) == (["agreement", "parties"], REASON)
    assert AGREEMENT not in str(entry.fields) + str(entry.reason)


async def test_reception_may_not_reveal(system: RunningSystem) -> None:
    petition_id, record, _ = await mediated(system)
    response = await reveal(system, petition_id, record["id"], role="reception")
    assert response.status_code == 403 and AGREEMENT not in response.text


async def test_unknown_or_foreign_mediation_is_404_and_audited(system: RunningSystem) -> None:
    petition_id, record, _ = await mediated(system)
    other_petition, _, _ = await mediated(system)
    missing = str(uuid4())
    assert (await reveal(system, petition_id, missing)).status_code == 404
    assert (await reveal(system, other_petition, record["id"])).status_code == 404
    assert [(e.outcome, e.fields) for e in await audit_rows(system, missing)] == [("not_found", [])]
    assert [(e.outcome, e.fields) for e in await audit_rows(system, record["id"])] == [("not_found", [])]


async def test_reveal_needs_a_reason(system: RunningSystem) -> None:
    petition_id, record, _ = await mediated(system)
    response = await reveal(system, petition_id, record["id"], reason="")
    assert response.status_code == 422
    assert await audit_rows(system, record["id"]) == []
