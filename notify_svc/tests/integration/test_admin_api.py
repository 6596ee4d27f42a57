"""Templates (versioned, validated when saved), rules and the staff directory through the API, on both backends.
A refused request changes nothing."""

import pytest
from sqlalchemy import func, select

from notify_svc.contacts.models import StaffContact
from notify_svc.notification_rules.models import NotificationRule
from notify_svc.templates.models import NotificationTemplate
from services.testing import RunningSystem, unique

EXTENDED = "xinfang.case.extended.v1"


async def count(system: RunningSystem, model) -> int:
    async with system.runtime("notify").session_factory() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def save(system: RunningSystem, key: str, body: dict, **headers):
    return await system.clients["notify"].post(
        f"/notify/v1/templates/{key}/versions", json=body, headers=system.token("admin") | headers
    )


def version(body: str = "延期 {{ days }} 日：{{ reason }}", title: str = "延期告知") -> dict:
    return {"event_type": EXTENDED, "title": title, "body": body}


async def test_each_save_is_a_new_version(system: RunningSystem) -> None:
    key = unique("t.")
    first, second = await save(system, key, version()), await save(system, key, version("延长至 {{ due_at_text }}"))
    assert (first.status_code, second.status_code) == (201, 201)
    assert (first.json()["version"], second.json()["version"]) == (1, 2)
    current = await system.clients["notify"].get(f"/notify/v1/templates/{key}", headers=system.token("supervisor"))
    assert current.json()["body"] == "延长至 {{ due_at_text }}"
    history = await system.clients["notify"].get(f"/notify/v1/templates/{key}/versions", headers=system.token("admin"))
    assert [v["version"] for v in history.json()] == [2, 1]


async def test_a_template_with_an_unknown_variable_is_refused_and_nothing_is_saved(system: RunningSystem) -> None:
    before = await count(system, NotificationTemplate)
    response = await save(system, unique("t."), version("您好 {{ petitioner_name }}，延期 {{ days }} 日"))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "template_invalid"
    assert [(e["pointer"], e["code"]) for e in response.json()["errors"]] == [("/body", "unknown_variable")]
    assert "petitioner_name" in response.json()["errors"][0]["detail"]
    assert await count(system, NotificationTemplate) == before


@pytest.mark.parametrize(
    ("body", "pointer", "code"),
    [
        (version(title="{{ nope }}"), "/title", "unknown_variable"),
        (version("{% if days %}"), "/body", "template_syntax"),
        (version() | {"event_type": "xinfang.nothing.v1"}, "/event_type", "unknown_event_type"),
        (version() | {"body": ""}, "/body", "string_too_short"),
        (version() | {"extra": 1}, "/extra", "extra_forbidden"),
    ],
)
async def test_invalid_templates(system: RunningSystem, body: dict, pointer: str, code: str) -> None:
    before = await count(system, NotificationTemplate)
    response = await save(system, unique("t."), body)
    assert response.status_code == 422
    assert [(e["pointer"], e["code"]) for e in response.json()["errors"]] == [(pointer, code)]
    assert await count(system, NotificationTemplate) == before


async def test_a_template_keeps_its_event_type(system: RunningSystem) -> None:
    key = unique("t.")
    await save(system, key, version())
    response = await save(system, key, {"event_type": "xinfang.case.accepted.v1", "title": "t", "body": "{{ due_at }}"})
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json()["errors"]] == ["/event_type"]


async def test_saving_is_idempotent_with_a_key(system: RunningSystem) -> None:
    key, headers = unique("t."), {"Idempotency-Key": unique("idem-")}
    first, again = await save(system, key, version(), **headers), await save(system, key, version(), **headers)
    assert again.json() == first.json()
    assert again.headers["idempotency-replayed"] == "true"


async def test_unknown_template(system: RunningSystem) -> None:
    for path in ("/notify/v1/templates/no.such", "/notify/v1/templates/no.such/versions"):
        response = await system.clients["notify"].get(path, headers=system.token("admin"))
        assert response.status_code == 404
        assert response.json()["code"] == "template_not_found"


async def test_only_admins_save_templates(system: RunningSystem) -> None:
    response = await system.clients["notify"].post(
        f"/notify/v1/templates/{unique('t.')}/versions", json=version(), headers=system.token("supervisor")
    )
    assert response.status_code == 403


async def test_default_templates_and_event_types_are_listed(system: RunningSystem) -> None:
    headers = system.token("admin")
    templates = (await system.clients["notify"].get("/notify/v1/templates", headers=headers)).json()
    assert {"petition.receipt", "case.extended", "case.replied", "case.reviewed"} <= {t["key"] for t in templates}
    types = (await system.clients["notify"].get("/notify/v1/event-types", headers=headers)).json()
    extended = next(t for t in types if t["event_type"] == EXTENDED)
    assert {"days", "reason", "due_at_text"} <= set(extended["variables"])


async def test_rules_are_listed_and_edited(system: RunningSystem) -> None:
    headers = system.token("admin")
    rules = (
        await system.clients["notify"].get("/notify/v1/rules", params={"event_type": EXTENDED}, headers=headers)
    ).json()
    (rule,) = rules
    assert (rule["recipient_kind"], rule["channels"], rule["template_key"]) == (
        "petitioner",
        ["sms", "email"],
        "case.extended",
    )
    path = f"/notify/v1/rules/{rule['id']}"
    changed = await system.clients["notify"].patch(path, json={"channels": ["sms"], "urgent": True}, headers=headers)
    assert changed.status_code == 200
    assert (changed.json()["channels"], changed.json()["urgent"]) == (["sms"], True)
    restored = await system.clients["notify"].patch(
        path, json={"channels": ["sms", "email"], "urgent": False}, headers=headers
    )
    assert restored.json()["channels"] == ["sms", "email"]


async def test_a_rule_needs_a_template_of_its_event_type(system: RunningSystem) -> None:
    before = await count(system, NotificationRule)
    body = {"event_type": EXTENDED, "recipient_kind": "handler", "channels": ["inbox"], "template_key": "case.accepted"}
    response = await system.clients["notify"].post("/notify/v1/rules", json=body, headers=system.token("admin"))
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json()["errors"]] == ["/template_key"]
    assert await count(system, NotificationRule) == before


async def test_a_rule_for_a_recipient_the_event_cannot_reach_is_refused(system: RunningSystem) -> None:
    body = {
        "event_type": "xinfang.risk.alert.v1",
        "recipient_kind": "petitioner",
        "channels": ["sms"],
        "template_key": "x",
    }
    response = await system.clients["notify"].post("/notify/v1/rules", json=body, headers=system.token("admin"))
    assert response.status_code == 422


async def test_a_second_rule_for_the_same_recipient_conflicts(system: RunningSystem) -> None:
    body = {
        "event_type": EXTENDED,
        "recipient_kind": "petitioner",
        "channels": ["sms"],
        "template_key": "case.extended",
    }
    response = await system.clients["notify"].post("/notify/v1/rules", json=body, headers=system.token("admin"))
    assert response.status_code == 409
    assert response.json()["code"] == "rule_exists"


async def test_unknown_rule(system: RunningSystem) -> None:
    response = await system.clients["notify"].patch(
        "/notify/v1/rules/019cac60-0000-7000-8000-00000000dead", json={"urgent": True}, headers=system.token("admin")
    )
    assert response.status_code == 404


async def test_staff_directory(system: RunningSystem) -> None:
    headers = system.token("admin")
    unit = unique("D-")[:12]
    body = {
        "unit_code": unit,
        "role": "handler",
        "name": "测试承办人",
        "inbox_id": unique("u-"),
        "phone": "13900009999",
    }
    created = await system.clients["notify"].post("/notify/v1/staff", json=body, headers=headers)
    assert created.status_code == 201, created.text
    listed = await system.clients["notify"].get("/notify/v1/staff", params={"unit_code": unit}, headers=headers)
    assert [m["id"] for m in listed.json()["items"]] == [created.json()["id"]]
    changed = await system.clients["notify"].patch(
        f"/notify/v1/staff/{created.json()['id']}", json={"active": False}, headers=headers
    )
    assert changed.json()["active"] is False


async def test_demo_staff_cover_the_demo_district(system: RunningSystem) -> None:
    response = await system.clients["notify"].get(
        "/notify/v1/staff", params={"unit_code": "320599001001"}, headers=system.token("supervisor")
    )
    assert {m["role"] for m in response.json()["items"]} == {"handler", "grid_team"}


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"unit_code": "320599", "role": "handler", "name": "x", "phone": "12345"}, "/phone"),
        ({"unit_code": "320599", "role": "handler", "name": "x", "email": "nope"}, "/email"),
        ({"unit_code": "320599", "role": "boss", "name": "x"}, "/role"),
        ({"unit_code": "32 05", "role": "handler", "name": "x"}, "/unit_code"),
    ],
)
async def test_invalid_staff_members_are_refused(system: RunningSystem, body: dict, pointer: str) -> None:
    before = await count(system, StaffContact)
    response = await system.clients["notify"].post("/notify/v1/staff", json=body, headers=system.token("admin"))
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json()["errors"]] == [pointer]
    assert await count(system, StaffContact) == before


async def test_unknown_staff_member(system: RunningSystem) -> None:
    response = await system.clients["notify"].patch(
        "/notify/v1/staff/019cac60-0000-7000-8000-00000000dead", json={"active": False}, headers=system.token("admin")
    )
    assert response.status_code == 404
    assert response.json()["code"] == "staff_member_not_found"


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"channels": None}, "/channels"),
        ({"channels": []}, "/channels"),
        ({"template_key": "case.accepted"}, "/template_key"),
    ],
)
async def test_invalid_rule_changes_change_nothing(system: RunningSystem, body: dict, pointer: str) -> None:
    headers = system.token("admin")
    listed = await system.clients["notify"].get("/notify/v1/rules", params={"event_type": EXTENDED}, headers=headers)
    (rule,) = listed.json()
    response = await system.clients["notify"].patch(f"/notify/v1/rules/{rule['id']}", json=body, headers=headers)
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json()["errors"]] == [pointer]
    again = await system.clients["notify"].get("/notify/v1/rules", params={"event_type": EXTENDED}, headers=headers)
    assert again.json() == [rule]


@pytest.mark.parametrize("body", [{"name": None}, {"active": None}, {"phone": "110"}])
async def test_invalid_staff_changes_are_refused(system: RunningSystem, body: dict) -> None:
    headers = system.token("admin")
    listed = await system.clients["notify"].get("/notify/v1/staff", params={"unit_code": "320599"}, headers=headers)
    member = listed.json()["items"][0]
    response = await system.clients["notify"].patch(f"/notify/v1/staff/{member['id']}", json=body, headers=headers)
    assert response.status_code == 422
    again = await system.clients["notify"].get("/notify/v1/staff", params={"unit_code": "320599"}, headers=headers)
    assert again.json()["items"][0] == member


async def test_a_staff_members_phone_can_be_cleared(system: RunningSystem) -> None:
    headers = system.token("admin")
    body = {"unit_code": "320599003", "role": "handler", "name": "临时承办人", "phone": "13900008888"}
    created = (await system.clients["notify"].post("/notify/v1/staff", json=body, headers=headers)).json()
    changed = await system.clients["notify"].patch(
        f"/notify/v1/staff/{created['id']}", json={"phone": None}, headers=headers
    )
    assert (changed.json()["phone"], changed.json()["name"]) == (None, "临时承办人")
