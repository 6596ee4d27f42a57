"""The webhook subscription API on both backends: roles, owners, address refusals (nothing stored), secrets shown
once and stored encrypted, rotation, idempotent creation, and a petition's event reaching a local receiver signed."""

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
import standardwebhooks
from sqlalchemy import func, select, update

from notify_svc.webhooks.models import Subscription
from notify_svc.webhooks.testing import Receiver, serve_receiver
from services.testing import PETITION, RunningSystem, eventually, unique


@pytest.fixture(scope="module")
async def receiver() -> AsyncIterator[Receiver]:
    async with serve_receiver() as running:
        yield running


SUBSCRIPTIONS = "/notify/v1/webhooks/subscriptions"
REGISTERED = "xinfang.petition.registered.v1"


@pytest.fixture(autouse=True)
async def quiet_endpoints(system: RunningSystem) -> AsyncIterator[None]:
    """Each test's subscriptions are disabled afterwards: the shared system's other tests register petitions too."""
    yield
    async with system.runtime("notify").session_factory() as session, session.begin():
        await session.execute(update(Subscription).values(enabled=False))


def admin(system: RunningSystem) -> dict[str, str]:
    return system.token("admin", sub="admin-01", jurisdiction=None)


def partner(system: RunningSystem, owner: str) -> dict[str, str]:
    return system.token("partner", sub=f"client-{owner}", jurisdiction=owner)


async def create(system: RunningSystem, headers: dict[str, str], **body) -> dict:
    values = {"owner": "D-HOUSING", "url": "http://127.0.0.1:9/hook", "event_types": [REGISTERED]} | body
    response = await system.clients["notify"].post(SUBSCRIPTIONS, json=values, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def subscription_count(system: RunningSystem) -> int:
    async with system.runtime("notify").session_factory() as session:
        return await session.scalar(select(func.count()).select_from(Subscription))


@pytest.mark.parametrize("role", ["handler", "department", "supervisor", "petitioner", "reception"])
async def test_only_admins_and_partners_manage_webhooks(system: RunningSystem, role: str) -> None:
    response = await system.clients["notify"].get(SUBSCRIPTIONS, headers=system.token(role))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


async def test_webhooks_need_a_token(system: RunningSystem) -> None:
    assert (await system.clients["notify"].get(SUBSCRIPTIONS)).status_code == 401


async def test_event_types_lists_what_notify_consumes(system: RunningSystem) -> None:
    response = await system.clients["notify"].get("/notify/v1/webhooks/event-types", headers=admin(system))
    items = response.json()["items"]
    assert REGISTERED in items and "xinfang.case.assigned.v1" in items
    assert not [t for t in items if t.startswith(("xinfang.webhook.", "xinfang.notification."))]


async def test_the_secret_is_shown_once_and_stored_encrypted(system: RunningSystem) -> None:
    created = await create(system, admin(system), description="住建局工单系统")
    assert created["secret"].startswith("whsec_") and created["enabled"] is True
    standardwebhooks.Webhook(created["secret"])  # a secret the reference implementation accepts
    read = await system.clients["notify"].get(f"{SUBSCRIPTIONS}/{created['id']}", headers=admin(system))
    assert read.status_code == 200 and "secret" not in read.json()
    assert read.json()["description"] == "住建局工单系统"
    async with system.runtime("notify").session_factory() as session:
        stored = await session.get(Subscription, UUID(created["id"]))
    assert created["secret"].encode() not in stored.secret
    assert created["secret"].removeprefix("whsec_").encode() not in stored.secret


REFUSED = [
    ("https://169.254.169.254/latest/meta-data/", "url_address_metadata"),
    ("https://metadata.google.internal/computeMetadata/v1/", "url_address_metadata"),
    ("https://[fe80::1]/hook", "url_address_link_local"),
    ("https://169.254.10.10/hook", "url_address_link_local"),
    ("https://10.20.30.40/hook", "url_address_private"),
    ("https://192.168.1.10/hook", "url_address_private"),
    ("https://[::ffff:169.254.169.254]/hook", "url_address_metadata"),
    ("http://hooks.partner.example.cn/hook", "url_not_https"),
    ("http://10.20.30.40/hook", "url_not_https"),
    ("ftp://127.0.0.1/hook", "url_not_https"),
    ("https://user:pass@127.0.0.1/hook", "url_userinfo_forbidden"),
    ("https://0x7f.1/hook", "url_host_invalid"),
    ("https://2130706433/hook", "url_host_invalid"),
    ("https://0.0.0.0/hook", "url_address_unspecified"),
    ("not a url", "url_invalid"),
]


@pytest.mark.parametrize(("url", "code"), REFUSED)
async def test_refused_addresses_are_422_on_url_and_store_nothing(system: RunningSystem, url: str, code: str) -> None:
    before = await subscription_count(system)
    response = await system.clients["notify"].post(
        SUBSCRIPTIONS, json={"owner": "D-HOUSING", "url": url, "event_types": [REGISTERED]}, headers=admin(system)
    )
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "webhook_url_refused"
    assert [(e["pointer"], e["code"]) for e in problem["errors"]] == [("/url", code)]
    assert await subscription_count(system) == before


async def test_a_changed_url_is_checked_again(system: RunningSystem) -> None:
    created = await create(system, admin(system))
    response = await system.clients["notify"].patch(
        f"{SUBSCRIPTIONS}/{created['id']}", json={"url": "https://169.254.169.254/"}, headers=admin(system)
    )
    assert response.status_code == 422 and response.json()["errors"][0]["pointer"] == "/url"
    read = await system.clients["notify"].get(f"{SUBSCRIPTIONS}/{created['id']}", headers=admin(system))
    assert read.json()["url"] == created["url"]


async def test_unknown_and_repeated_event_types_are_refused(system: RunningSystem) -> None:
    before = await subscription_count(system)
    body = {
        "owner": "D-HOUSING",
        "url": "http://127.0.0.1:9/x",
        "event_types": [REGISTERED, "xinfang.nope.v1", REGISTERED],
    }
    response = await system.clients["notify"].post(SUBSCRIPTIONS, json=body, headers=admin(system))
    assert response.status_code == 422
    errors = [(e["pointer"], e["code"]) for e in response.json()["errors"]]
    assert errors == [("/event_types/1", "event_type_unknown"), ("/event_types/2", "event_type_repeated")]
    empty = await system.clients["notify"].post(SUBSCRIPTIONS, json=body | {"event_types": []}, headers=admin(system))
    assert empty.status_code == 422 and empty.json()["errors"][0]["pointer"] == "/event_types"
    assert await subscription_count(system) == before


async def test_a_partner_manages_only_its_own_subscriptions(system: RunningSystem) -> None:
    owner, other = unique("P-"), unique("P-")
    mine = await create(system, partner(system, owner), owner=None)
    assert mine["owner"] == owner
    theirs = await create(system, partner(system, other), owner=other)
    client = system.clients["notify"]
    listed = await client.get(SUBSCRIPTIONS, headers=partner(system, owner))
    assert [s["id"] for s in listed.json()["items"]] == [mine["id"]]
    for method, suffix in (("GET", ""), ("PATCH", ""), ("POST", "/rotate"), ("GET", "/deliveries")):
        response = await client.request(
            method, f"{SUBSCRIPTIONS}/{theirs['id']}{suffix}", headers=partner(system, owner),
            json={"enabled": False} if method == "PATCH" else None,
        )  # fmt: skip
        assert response.status_code == 404, (method, suffix)
    forbidden = await client.post(
        SUBSCRIPTIONS, json={"owner": other, "url": "http://127.0.0.1:9/x", "event_types": [REGISTERED]},
        headers=partner(system, owner),
    )  # fmt: skip
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "webhook_owner_forbidden"
    admin_list = await client.get(SUBSCRIPTIONS, params={"owner": other}, headers=admin(system))
    assert [s["id"] for s in admin_list.json()["items"]] == [theirs["id"]]


async def test_an_admin_must_name_the_owner(system: RunningSystem) -> None:
    response = await system.clients["notify"].post(
        SUBSCRIPTIONS, json={"url": "http://127.0.0.1:9/x", "event_types": [REGISTERED]}, headers=admin(system)
    )
    assert response.status_code == 403


async def test_creation_is_idempotent_and_the_replay_carries_the_secret(system: RunningSystem) -> None:
    headers = admin(system) | {"Idempotency-Key": str(uuid4())}
    body = {"owner": "D-EDU", "url": "http://127.0.0.1:9/idem", "event_types": [REGISTERED]}
    before = await subscription_count(system)
    first = await system.clients["notify"].post(SUBSCRIPTIONS, json=body, headers=headers)
    again = await system.clients["notify"].post(SUBSCRIPTIONS, json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotency-replayed"] == "true"
    assert again.json() == first.json()
    assert await subscription_count(system) == before + 1


async def test_rotation_gives_a_new_secret_and_an_overlap(system: RunningSystem) -> None:
    created = await create(system, admin(system))
    response = await system.clients["notify"].post(f"{SUBSCRIPTIONS}/{created['id']}/rotate", headers=admin(system))
    assert response.status_code == 200
    rotated = response.json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != created["secret"]
    expires = datetime.fromisoformat(rotated["previous_secret_expires_at"])
    assert abs(expires - (datetime.now(UTC) + timedelta(hours=24))) < timedelta(minutes=1)


async def test_disabling_and_enabling_by_hand(system: RunningSystem) -> None:
    created = await create(system, admin(system))
    url = f"{SUBSCRIPTIONS}/{created['id']}"
    disabled = await system.clients["notify"].patch(url, json={"enabled": False}, headers=admin(system))
    assert (disabled.json()["enabled"], disabled.json()["disabled_reason"]) == (False, "manual")
    enabled = await system.clients["notify"].patch(url, json={"enabled": True}, headers=admin(system))
    assert (enabled.json()["enabled"], enabled.json()["disabled_reason"]) == (True, None)


async def test_unknown_subscription_and_delivery_are_404(system: RunningSystem) -> None:
    client, missing = system.clients["notify"], uuid4()
    assert (await client.get(f"{SUBSCRIPTIONS}/{missing}", headers=admin(system))).status_code == 404
    created = await create(system, admin(system))
    response = await client.post(
        f"{SUBSCRIPTIONS}/{created['id']}/deliveries/{missing}/redeliver", headers=admin(system)
    )
    assert response.status_code == 404 and response.json()["code"] == "webhook_delivery_not_found"


async def test_a_registered_petition_reaches_the_subscriber_signed(system: RunningSystem, receiver: Receiver) -> None:
    tag = unique("e2e-")
    created = await create(system, admin(system), url=receiver.url(tag))
    response = await system.clients["intake"].post(
        "/intake/v1/petitions", json=PETITION, headers=system.token("reception")
    )
    assert response.status_code == 201, response.text
    petition = response.json()

    def arrived():
        return [r for r in receiver.to(tag) if json.loads(r.body)["data"].get("petition_id") == petition["id"]]

    (request,) = await eventually(arrived)
    payload = standardwebhooks.Webhook(created["secret"]).verify(request.body, request.headers)
    assert payload["type"] == REGISTERED
    assert payload["data"]["links"]["petition"].endswith(f"/intake/v1/petitions/{petition['id']}")
    for personal in (PETITION["petitioner"]["phone"], PETITION["petitioner"]["name"], PETITION["content"]):
        assert personal not in request.body.decode()
