"""notify_svc's notification list on both backends: who may read it, and its pages."""

import pytest

from services.http.pagination import decode_cursor
from services.testing import PETITION, RunningSystem, eventually

NOTIFICATIONS = "/notify/v1/notifications"


async def notified_petition(system: RunningSystem) -> tuple[dict, list[dict]]:
    """Register a petition and wait for both of its notifications (receipt, then routed)."""
    response = await system.clients["intake"].post(
        "/intake/v1/petitions", json=PETITION, headers=system.token("reception")
    )
    assert response.status_code == 201, response.text
    petition = response.json()

    async def both() -> list[dict]:
        listed = await system.clients["notify"].get(
            NOTIFICATIONS, params={"petition_id": petition["id"]}, headers=system.token("supervisor")
        )
        items = listed.json()["items"]
        return items if len(items) == 2 else []

    return petition, await eventually(both)


@pytest.mark.parametrize("role", ["handler", "grid_worker", "petitioner", "department"])
async def test_roles_that_may_not_read_notifications(system: RunningSystem, role: str) -> None:
    response = await system.clients["notify"].get(NOTIFICATIONS, headers=system.token(role))
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "forbidden"


async def test_notifications_need_a_token(system: RunningSystem) -> None:
    response = await system.clients["notify"].get(NOTIFICATIONS)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("role", ["reception", "supervisor", "leader", "admin"])
async def test_roles_that_may_read_notifications(system: RunningSystem, role: str) -> None:
    response = await system.clients["notify"].get(NOTIFICATIONS, params={"limit": 1}, headers=system.token(role))
    assert response.status_code == 200
    assert set(response.json()) == {"items", "next"}


async def test_notifications_of_a_petition(system: RunningSystem) -> None:
    petition, notifications = await notified_petition(system)
    receipt, routed = notifications
    assert [(n["template"], n["channel"], n["status"], n["recipient_masked"]) for n in notifications] == [
        ("petition.received", "sms", "recorded", "138****5678"),
        ("case.routed", "sms", "recorded", "138****5678"),
    ]
    assert receipt["body"] == (
        f"【信访】您的信访事项已登记，编号 {petition['tracking_no']}。请凭编号和查询码查询办理进展。"
    )
    assert routed["body"] == f"【信访】您的信访事项（编号 {petition['tracking_no']}）已转交柳岸社区办理。"
    assert all(n["petition_id"] == petition["id"] for n in notifications)


async def test_notifications_are_paginated(system: RunningSystem) -> None:
    petition, notifications = await notified_petition(system)
    headers = system.token("supervisor")
    first = await system.clients["notify"].get(
        NOTIFICATIONS, params={"petition_id": petition["id"], "limit": 1}, headers=headers
    )
    assert first.json()["items"] == notifications[:1]
    assert decode_cursor(first.json()["next"]) == {"id": notifications[0]["id"]}
    second = await system.clients["notify"].get(
        NOTIFICATIONS,
        params={"petition_id": petition["id"], "limit": 1, "cursor": first.json()["next"]},
        headers=headers,
    )
    assert second.json() == {"items": notifications[1:], "next": None}


async def test_invalid_cursor(system: RunningSystem) -> None:
    response = await system.clients["notify"].get(
        NOTIFICATIONS, params={"cursor": "%%%"}, headers=system.token("supervisor")
    )
    assert response.status_code == 400
    assert [(e["parameter"], e["code"]) for e in response.json()["errors"]] == [("cursor", "invalid_cursor")]


async def test_limit_out_of_range(system: RunningSystem) -> None:
    response = await system.clients["notify"].get(NOTIFICATIONS, params={"limit": 101}, headers=system.token("admin"))
    assert response.status_code == 422
    assert [(e["parameter"], e["code"]) for e in response.json()["errors"]] == [("limit", "less_than_equal")]
