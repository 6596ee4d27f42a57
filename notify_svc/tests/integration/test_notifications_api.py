"""notify_svc through the running system (both backends): a registered petition's notices, the staff inbox, the
notification list, retry, and that a petitioner's phone never appears in plain text in notify's database."""

from datetime import datetime

import pytest
from sqlalchemy import inspect, text

from notify_svc.notifications.dispatcher import dispatch_due
from services.testing import PETITION, RunningSystem, eventually, unique

NOTIFICATIONS = "/notify/v1/notifications"
HANDLER_OF_LIUAN = "handler-320599001001"  # demo staff directory: 柳岸社区's handler


async def register(system: RunningSystem, *, phone: str) -> dict:
    body = PETITION | {"petitioner": {"name": "张三", "phone": phone}}
    response = await system.clients["intake"].post("/intake/v1/petitions", json=body, headers=system.token("reception"))
    assert response.status_code == 201, response.text
    return response.json()


async def notifications_of(system: RunningSystem, petition_id: str, *, count: int) -> list[dict]:
    async def listed() -> list[dict]:
        response = await system.clients["notify"].get(
            NOTIFICATIONS, params={"petition_id": petition_id}, headers=system.token("supervisor")
        )
        items = response.json()["items"]
        return items if len(items) >= count else []

    return await eventually(listed)


def phone_number() -> str:
    return "139" + str(int(unique("")[:8], 16) % 10**8).zfill(8)


async def test_a_registered_petition_gets_its_receipt(system: RunningSystem) -> None:
    phone = phone_number()
    petition = await register(system, phone=phone)
    receipt = next(
        n for n in await notifications_of(system, petition["id"], count=1) if n["template_key"] == "petition.receipt"
    )
    assert (receipt["channel"], receipt["recipient_kind"]) == ("sms", "petitioner")
    assert receipt["recipient_masked"] == phone[:3] + "****" + phone[-4:]
    assert receipt["template_version"] == 1
    assert petition["tracking_no"] in receipt["body"]
    assert "查询码已在登记时告知您" in receipt["body"]
    assert "/intake/v1/guide" in receipt["body"]  # a first-time petitioner gets the guide's link
    assert receipt["status"] in ("pending", "sending", "sent")


async def test_the_unit_handler_and_the_petitioner_hear_of_the_assignment(system: RunningSystem) -> None:
    petition = await register(system, phone=phone_number())
    notices = await notifications_of(system, petition["id"], count=3)
    by_kind = {
        (n["recipient_kind"], n["channel"]): n for n in notices if n["source_event_type"].endswith("assigned.v1")
    }
    assert (
        by_kind[("petitioner", "sms")]["body"] == f"您的信访事项（编号 {petition['tracking_no']}）已转送柳岸社区办理。"
    )
    assert by_kind[("handler", "inbox")]["recipient_masked"] == HANDLER_OF_LIUAN


async def test_the_handler_reads_the_assignment_in_the_inbox(system: RunningSystem) -> None:
    petition = await register(system, phone=phone_number())
    headers = system.token("handler", sub=HANDLER_OF_LIUAN, jurisdiction="320599001001")

    async def mine() -> list[dict]:
        response = await system.clients["notify"].get("/notify/v1/inbox", params={"limit": 100}, headers=headers)
        return [i for i in response.json()["items"] if i["petition_id"] == petition["id"]]

    item = (await eventually(mine))[0]
    assert item["read_at"] is None
    read = await system.clients["notify"].post(f"/notify/v1/inbox/{item['id']}/read", headers=headers)
    assert read.status_code == 200
    assert read.json()["read_at"] is not None
    again = await system.clients["notify"].post(f"/notify/v1/inbox/{item['id']}/read", headers=headers)
    assert again.json()["read_at"] == read.json()["read_at"]
    unread = await system.clients["notify"].get(
        "/notify/v1/inbox", params={"unread": True, "limit": 100}, headers=headers
    )
    assert item["id"] not in [i["id"] for i in unread.json()["items"]]


async def test_another_persons_inbox_item_is_not_found(system: RunningSystem) -> None:
    petition = await register(system, phone=phone_number())
    notices = await notifications_of(system, petition["id"], count=3)
    inbox_item = next(n for n in notices if n["channel"] == "inbox")
    response = await system.clients["notify"].post(
        f"/notify/v1/inbox/{inbox_item['id']}/read", headers=system.token("handler", sub="someone-else")
    )
    assert response.status_code == 404
    assert response.json()["code"] == "notification_not_found"


async def test_the_recording_sms_channel_keeps_the_text_with_a_masked_number(system: RunningSystem) -> None:
    phone = phone_number()
    petition = await register(system, phone=phone)
    receipt = next(n for n in await notifications_of(system, petition["id"], count=1) if n["channel"] == "sms")

    async def recorded() -> list[dict]:
        response = await system.clients["notify"].get(
            "/notify/v1/sms-outbox", params={"notification_id": receipt["id"]}, headers=system.token("admin")
        )
        return response.json()["items"]

    if receipt["not_before"] > receipt["created_at"]:
        # registered during the quiet hours (22:00–08:00 in the bureau's time zone): nothing is sent before the
        # morning; then the dispatcher sends it, as a round at that time does here
        assert await recorded() == []
        morning = datetime.fromisoformat(receipt["not_before"])
        while not await recorded() and (await dispatch_due(system.runtime("notify"), morning)).total:
            pass  # a round takes the oldest due first: other tests' night-time notices may come before this one
    (entry,) = await eventually(recorded)
    assert entry["phone_masked"] == phone[:3] + "****" + phone[-4:]
    assert entry["text"] == "【清河区信访局】" + receipt["body"]


async def test_a_petitioners_phone_is_never_stored_in_plain_text(system: RunningSystem) -> None:
    phone = phone_number()
    petition = await register(system, phone=phone)
    await notifications_of(system, petition["id"], count=3)
    engine = system.runtime("notify").engine

    async with engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        for table in tables:
            rows = (await connection.execute(text(f'SELECT * FROM "{table}"'))).all()
            dumped = " ".join(repr(tuple(row)) for row in rows)
            assert phone not in dumped, f"{table} holds the phone in plain text"
            assert phone[-8:] not in dumped, f"{table} holds most of the phone in plain text"


async def test_another_jurisdictions_notifications_are_hidden(system: RunningSystem) -> None:
    petition = await register(system, phone=phone_number())  # in 柳岸社区 (320599001001)
    notice = (await notifications_of(system, petition["id"], count=1))[0]
    elsewhere = system.token("supervisor", jurisdiction="320599002")
    listed = await system.clients["notify"].get(
        NOTIFICATIONS, params={"petition_id": petition["id"]}, headers=elsewhere
    )
    assert listed.json()["items"] == []
    response = await system.clients["notify"].get(f"{NOTIFICATIONS}/{notice['id']}", headers=elsewhere)
    assert response.status_code == 404
    street = system.token("supervisor", jurisdiction="320599001")
    response = await system.clients["notify"].get(f"{NOTIFICATIONS}/{notice['id']}", headers=street)
    assert response.status_code == 200


async def test_unknown_notification(system: RunningSystem) -> None:
    missing = "019cac60-0000-7000-8000-00000000dead"
    for method, path in (("get", f"{NOTIFICATIONS}/{missing}"), ("post", f"{NOTIFICATIONS}/{missing}/retry")):
        response = await getattr(system.clients["notify"], method)(path, headers=system.token("admin"))
        assert response.status_code == 404
        assert response.json()["code"] == "notification_not_found"


async def test_only_a_failed_notification_can_be_retried(system: RunningSystem) -> None:
    petition = await register(system, phone=phone_number())
    inbox_item = next(n for n in await notifications_of(system, petition["id"], count=3) if n["channel"] == "inbox")
    response = await system.clients["notify"].post(
        f"{NOTIFICATIONS}/{inbox_item['id']}/retry", headers=system.token("admin")
    )
    assert response.status_code == 409
    assert response.json()["code"] == "notification_not_failed"


@pytest.mark.parametrize("role", ["handler", "grid_worker", "petitioner", "department"])
async def test_roles_that_may_not_read_notifications(system: RunningSystem, role: str) -> None:
    response = await system.clients["notify"].get(NOTIFICATIONS, headers=system.token(role))
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"


async def test_notifications_need_a_token(system: RunningSystem) -> None:
    response = await system.clients["notify"].get(NOTIFICATIONS)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("role", ["reception", "supervisor", "leader", "admin"])
async def test_roles_that_may_read_notifications(system: RunningSystem, role: str) -> None:
    response = await system.clients["notify"].get(NOTIFICATIONS, params={"limit": 1}, headers=system.token(role))
    assert response.status_code == 200
    assert set(response.json()) == {"items", "next"}


async def test_notifications_filtered_by_status_and_paginated(system: RunningSystem) -> None:
    petition = await register(system, phone=phone_number())
    notices = await notifications_of(system, petition["id"], count=3)
    headers = system.token("supervisor")
    first = await system.clients["notify"].get(
        NOTIFICATIONS, params={"petition_id": petition["id"], "limit": 1}, headers=headers
    )
    assert first.json()["items"][0]["id"] == notices[0]["id"]
    second = await system.clients["notify"].get(
        NOTIFICATIONS,
        params={"petition_id": petition["id"], "limit": 1, "cursor": first.json()["next"]},
        headers=headers,
    )
    assert second.json()["items"][0]["id"] == notices[1]["id"]
    failed = await system.clients["notify"].get(
        NOTIFICATIONS, params={"status": "failed", "limit": 100}, headers=headers
    )
    assert all(n["status"] == "failed" for n in failed.json()["items"])


async def test_invalid_filters(system: RunningSystem) -> None:
    headers = system.token("supervisor")
    response = await system.clients["notify"].get(NOTIFICATIONS, params={"status": "lost"}, headers=headers)
    assert response.status_code == 422
    assert [e["parameter"] for e in response.json()["errors"]] == ["status"]
    response = await system.clients["notify"].get(NOTIFICATIONS, params={"cursor": "%%%"}, headers=headers)
    assert response.status_code == 400
