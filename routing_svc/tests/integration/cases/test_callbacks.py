"""Signed department callbacks on both backends: a valid signature applies the action once per webhook-id; a bad or
stale signature is 401 and changes nothing."""

import json
import time
import uuid

from routing_svc.callbacks.service import DEV_CALLBACK_SECRET
from services.http.webhook_signature import sign

DEPARTMENT = "D-HOUSING"


def signed(body: bytes, *, msg_id: str | None = None, timestamp: int | None = None, secret: str = DEV_CALLBACK_SECRET):
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = sign(msg_id=msg_id, timestamp=timestamp, body=body, secrets=[secret])
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature,
        "content-type": "application/json",
    }


async def _department_case(routing) -> dict:
    case = await routing.open_case(kind="suggestion", community_code="320599003001")
    assert case["unit_code"] == DEPARTMENT
    return case


async def post(routing, body: bytes, headers: dict, department: str = DEPARTMENT):
    return await routing.client.post(f"/routing/v1/callbacks/{department}", content=body, headers=headers)


async def test_a_signed_callback_applies_once(routing) -> None:
    case = await _department_case(routing)
    body = json.dumps({"case_id": case["id"], "action": "sign", "data": {"note": "已签收"}}).encode()
    headers = signed(body)
    first = await post(routing, body, headers)
    assert first.status_code == 200, first.text
    assert (first.json()["status"], first.json()["duplicate"]) == ("signed", False)
    version = (await routing.read(case["id"]))["version"]
    again = await post(routing, body, headers)
    assert (again.status_code, again.json()["duplicate"], again.json()["status"]) == (200, True, "signed")
    assert (await routing.read(case["id"]))["version"] == version


async def test_a_callback_carries_the_reply(routing) -> None:
    case = await _department_case(routing)
    for action, data in (
        ("sign", {}),
        ("accept", {}),
        ("start", {}),
        ("reply", {"outcome": "explain", "text": "已向信访人解释政策", "legal_basis": "《住房保障条例》"}),
    ):
        body = json.dumps({"case_id": case["id"], "action": action, "data": data}).encode()
        response = await post(routing, body, signed(body))
        assert response.status_code == 200, response.text
    replied = await routing.read(case["id"])
    assert (replied["status"], replied["reply_outcome"]) == ("replied", "explain")


async def test_bad_signatures_are_401_and_change_nothing(routing) -> None:
    case = await _department_case(routing)
    body = json.dumps({"case_id": case["id"], "action": "sign"}).encode()
    before = await routing.read(case["id"])
    other_secret = "whsec_" + "A" * 32
    cases = [
        (signed(body, secret=other_secret), "webhook_signature_invalid"),
        (signed(body, timestamp=int(time.time()) - 301), "webhook_timestamp_out_of_range"),
        ({"content-type": "application/json"}, "webhook_headers_missing"),
        (signed(body + b" "), None),  # signed a different body
    ]
    for index, (headers, code) in enumerate(cases):
        sent = body if index < 3 else body + b"  "
        response = await post(routing, sent, headers)
        assert response.status_code == 401, response.text
        assert code is None or response.json()["code"] == code
    assert await routing.read(case["id"]) == before


async def test_a_department_cannot_act_on_another_units_case(routing) -> None:
    case = await routing.open_case(community_code="320599003001")
    body = json.dumps({"case_id": case["id"], "action": "sign"}).encode()
    response = await post(routing, body, signed(body), department="D-URBAN")
    assert (response.status_code, response.json()["code"]) == (404, "case_not_found")


async def test_an_invalid_callback_body_is_422_with_pointers(routing) -> None:
    case = await _department_case(routing)
    body = json.dumps({"case_id": case["id"], "action": "reply", "data": {"outcome": "maybe"}}).encode()
    response = await post(routing, body, signed(body))
    assert response.status_code == 422
    assert {e["pointer"] for e in response.json()["errors"]} == {"/data/outcome", "/data/text", "/data/legal_basis"}
    unknown = json.dumps({"case_id": case["id"], "action": "fly"}).encode()
    assert (await post(routing, unknown, signed(unknown))).status_code == 422


async def test_a_signed_callback_that_is_not_json_is_415(routing) -> None:
    case = await _department_case(routing)
    body = json.dumps({"case_id": case["id"], "action": "sign"}).encode()
    headers = signed(body) | {"content-type": "text/plain"}
    response = await post(routing, body, headers)
    assert (response.status_code, response.json()["code"]) == (415, "unsupported_media_type")
    assert (await routing.read(case["id"]))["status"] == "assigned"
