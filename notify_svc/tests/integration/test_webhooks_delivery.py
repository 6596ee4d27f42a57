"""Webhook deliveries on both backends, driven by ``deliver_due`` with a chosen clock against a local receiver:
Standard Webhooks signatures (checked with the ``standardwebhooks`` package), retries on the plan with a stable
``webhook-id``, 410, 429/503 ``Retry-After``, redirects, timeouts, rotation, redelivery, DNS rebinding, and a slow
endpoint that does not delay the others. The background deliverer is off here: the tests own the clock."""

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
import standardwebhooks
from sqlalchemy import select, update

from notify_svc.webhooks import service
from notify_svc.webhooks.delivery import (
    RECORD_BATCH,
    UNREACHABLE_PAUSE,
    UNREACHABLE_STREAK,
    Deliverer,
    deliver_due,
    sender_config,
)
from notify_svc.webhooks.models import Delivery, Subscription
from notify_svc.webhooks.schemas import SubscriptionCreate
from notify_svc.webhooks.sender import Sender, default_ssl_context
from notify_svc.webhooks.testing import Receiver, serve_receiver
from services.db.tables import outbox
from services.http.auth import Principal
from services.testing import (
    Databases,
    RunningSystem,
    delete_bus_namespace,
    petition_registered_event,
    require_real_services,
    run_system,
    unique,
)


@pytest.fixture(scope="module")
async def receiver() -> AsyncIterator[Receiver]:
    async with serve_receiver() as running:
        yield running


SUBSCRIPTIONS = "/notify/v1/webhooks/subscriptions"
REGISTERED = "xinfang.petition.registered.v1"
ADMIN = Principal(sub="admin-01", roles=frozenset({"admin"}), jurisdiction=None)


@pytest.fixture(scope="module", params=["memory", "real"])
async def notify(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[RunningSystem]:
    """notify_svc alone, its deliverer and dispatcher off, a 3 s request timeout, 2 requests per endpoint at once."""
    if request.param == "real":
        await require_real_services()
    namespace = unique("test-wh-")
    databases = await Databases.create(request.param, tmp_path_factory.mktemp("webhooks"), names=("notify",))
    try:
        await databases.migrate()
        async with run_system(
            databases, namespace=namespace, webhook_deliverer_enabled=False, dispatcher_enabled=False,
            webhook_timeout_seconds=3.0, webhook_endpoint_concurrency=2,
        ) as running:  # fmt: skip
            yield running
    finally:
        await databases.drop()
        if request.param == "real":
            await delete_bus_namespace(namespace)


@pytest.fixture(autouse=True)
async def quiet_endpoints(notify: RunningSystem) -> AsyncIterator[None]:
    """Each test's subscriptions are disabled afterwards, so a later ``deliver_due`` never sends to them."""
    yield
    async with notify.runtime("notify").session_factory() as session, session.begin():
        await session.execute(update(Subscription).values(enabled=False))


def admin(system: RunningSystem) -> dict[str, str]:
    return system.token("admin", sub="admin-01", jurisdiction=None)


async def subscribe(system: RunningSystem, url: str) -> dict:
    body = {"owner": "D-HOUSING", "url": url, "event_types": [REGISTERED]}
    response = await system.clients["notify"].post(SUBSCRIPTIONS, json=body, headers=admin(system))
    assert response.status_code == 201, response.text
    return response.json()


async def publish(system: RunningSystem, count: int = 1) -> list[str]:
    """Fan ``count`` events out as the consumer would (inside one transaction)."""
    events = [petition_registered_event() for _ in range(count)]
    async with system.runtime("notify").session_factory() as session, session.begin():
        for event in events:
            await service.fan_out(session=session, event=event, base_url="https://xinfang.example.cn")
    return [str(event.data.petition_id) for event in events]


async def deliveries(system: RunningSystem, subscription_id: str) -> list[Delivery]:
    async with system.runtime("notify").session_factory() as session:
        statement = select(Delivery).where(Delivery.subscription_id == UUID(subscription_id)).order_by(Delivery.id)
        return list((await session.scalars(statement)).all())


async def subscription(system: RunningSystem, subscription_id: str) -> Subscription:
    async with system.runtime("notify").session_factory() as session:
        return await session.get(Subscription, UUID(subscription_id))


async def staged(system: RunningSystem, event_type: str, subscription_id: str) -> list[dict]:
    async with system.runtime("notify").session_factory() as session:
        rows = await session.execute(
            select(outbox.c.payload).where(outbox.c.event_type == event_type).order_by(outbox.c.seq)
        )
    data = [json.loads(row.payload)["data"] for row in rows]
    return [item for item in data if item["subscription_id"] == subscription_id]


async def test_a_delivery_is_signed_thin_and_logged(notify: RunningSystem, receiver: Receiver) -> None:
    tag = unique("ok-")
    created = await subscribe(notify, receiver.url(tag))
    (petition_id,) = await publish(notify)
    outcome = await deliver_due(notify.runtime("notify"))
    assert outcome["delivered"] == 1
    (request,) = receiver.to(tag)
    payload = standardwebhooks.Webhook(created["secret"]).verify(request.body, request.headers)
    (delivery,) = await deliveries(notify, created["id"])
    assert request.headers["webhook-id"] == str(delivery.id)
    assert abs(int(request.headers["webhook-timestamp"]) - time.time()) < 5
    assert payload["type"] == REGISTERED and payload["data"]["petition_id"] == petition_id
    assert payload["data"]["links"] == {"petition": f"https://xinfang.example.cn/intake/v1/petitions/{petition_id}"}
    assert set(payload["data"]) == {"event_id", "subject", "petition_id", "links"}
    assert len(request.body) < 20_000
    detail = await notify.clients["notify"].get(
        f"{SUBSCRIPTIONS}/{created['id']}/deliveries/{delivery.id}", headers=admin(notify)
    )
    assert detail.json()["status"] == "delivered" and detail.json()["payload"] == payload
    assert [(a["attempt_no"], a["status_code"], a["outcome"]) for a in detail.json()["attempt_log"]] == [
        (1, 204, "delivered")
    ]
    attempts = await notify.clients["notify"].get(f"{SUBSCRIPTIONS}/{created['id']}/attempts", headers=admin(notify))
    assert [(a["delivery_id"], a["status_code"]) for a in attempts.json()["items"]] == [(str(delivery.id), 204)]
    listed = await notify.clients["notify"].get(
        f"{SUBSCRIPTIONS}/{created['id']}/deliveries", params={"status": "delivered"}, headers=admin(notify)
    )
    assert [d["id"] for d in listed.json()["items"]] == [str(delivery.id)]
    (event,) = await staged(notify, "xinfang.webhook.delivered.v1", created["id"])
    assert (event["delivery_id"], event["status_code"], event["owner"]) == (str(delivery.id), 204, "D-HOUSING")


async def test_failures_retry_on_the_plan_with_one_webhook_id_until_the_endpoint_is_disabled(
    notify: RunningSystem, receiver: Receiver
) -> None:
    tag = unique("fail-")
    created = await subscribe(notify, receiver.url(tag, status=500))
    await publish(notify)
    first = datetime.now(UTC)
    now = first
    for attempt in range(1, 11):
        outcome = await deliver_due(notify.runtime("notify"), now)
        assert sum(outcome.values()) == 1, (attempt, outcome)
        (delivery,) = await deliveries(notify, created["id"])
        assert delivery.attempts == attempt
        if delivery.next_attempt_at is not None:
            assert await deliver_due(notify.runtime("notify"), delivery.next_attempt_at - timedelta(seconds=1)) == {}
            now = delivery.next_attempt_at
    assert (delivery.status, delivery.last_status_code, delivery.last_error) == ("failed", 500, "HTTP 500")
    assert timedelta(days=2.4) < now - first < timedelta(days=3.8)
    requests = receiver.to(tag)
    assert len(requests) == 10 and {r.headers["webhook-id"] for r in requests} == {str(delivery.id)}
    for request in requests:
        standardwebhooks.Webhook(created["secret"]).verify(request.body, request.headers)
    disabled = await subscription(notify, created["id"])
    assert (disabled.enabled, disabled.disabled_reason) == (False, "attempts_exhausted")
    failed = await staged(notify, "xinfang.webhook.failed.v1", created["id"])
    assert [f["final"] for f in failed] == [False] * 9 + [True]
    assert [d["reason"] for d in await staged(notify, "xinfang.webhook.disabled.v1", created["id"])] == [
        "attempts_exhausted"
    ]


async def test_410_disables_the_endpoint_at_once(notify: RunningSystem, receiver: Receiver) -> None:
    tag = unique("gone-")
    created = await subscribe(notify, receiver.url(tag, status=410))
    await publish(notify)
    assert (await deliver_due(notify.runtime("notify")))["endpoint_gone"] == 1
    (delivery,) = await deliveries(notify, created["id"])
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 1, None)
    gone = await subscription(notify, created["id"])
    assert (gone.enabled, gone.disabled_reason) == (False, "gone")
    await publish(notify)
    assert len(await deliveries(notify, created["id"])) == 1  # a disabled endpoint gets no new deliveries
    redeliver = await notify.clients["notify"].post(
        f"{SUBSCRIPTIONS}/{created['id']}/deliveries/{delivery.id}/redeliver", headers=admin(notify)
    )
    assert redeliver.status_code == 409 and redeliver.json()["code"] == "webhook_subscription_disabled"


@pytest.mark.parametrize("status", [429, 503])
async def test_retry_after_is_honoured(notify: RunningSystem, receiver: Receiver, status: int) -> None:
    tag = unique("busy-")
    created = await subscribe(notify, receiver.url(tag, status=status, retry_after=3600))
    await publish(notify)
    now = datetime.now(UTC)
    await deliver_due(notify.runtime("notify"), now)
    (delivery,) = await deliveries(notify, created["id"])
    assert delivery.status == "pending" and delivery.last_status_code == status
    assert delivery.next_attempt_at >= now + timedelta(seconds=3600)


async def test_a_redirect_is_a_failure_and_is_not_followed(notify: RunningSystem, receiver: Receiver) -> None:
    tag = unique("moved-")
    created = await subscribe(notify, receiver.url(tag, status=302))
    await publish(notify)
    assert (await deliver_due(notify.runtime("notify")))["retry_scheduled"] == 1
    (delivery,) = await deliveries(notify, created["id"])
    assert delivery.last_status_code == 302 and "302" in delivery.last_error
    assert len(receiver.to(tag)) == 1 and not [r for r in receiver.requests if r.path == f"/hook/{tag}/redirected"]


async def test_a_request_times_out(notify: RunningSystem, receiver: Receiver) -> None:
    tag = unique("slow-")
    created = await subscribe(notify, receiver.url(tag, sleep=6))
    await publish(notify)
    started = time.monotonic()
    assert (await deliver_due(notify.runtime("notify")))["retry_scheduled"] == 1
    assert time.monotonic() - started < 5.0
    (delivery,) = await deliveries(notify, created["id"])
    assert delivery.last_status_code is None and delivery.last_error.startswith("timeout")


async def test_a_slow_endpoint_does_not_delay_the_others(notify: RunningSystem, receiver: Receiver) -> None:
    slow, fast = unique("slow-"), unique("fast-")
    await subscribe(notify, receiver.url(slow, sleep=2))
    await subscribe(notify, receiver.url(fast))
    await publish(notify, count=4)
    default_ssl_context()  # built once per process (about 0.5 s); not what this test measures
    started = time.monotonic()
    outcome = await deliver_due(notify.runtime("notify"))
    assert outcome["delivered"] == 8, outcome
    assert max(r.at for r in receiver.to(fast)) - started < 1.5  # all 4 before the slow one answered once
    assert max(r.at for r in receiver.to(slow)) - started > 1.9  # its 3rd waited for a free slot (2 at a time)


async def test_sends_go_on_while_the_finished_attempts_are_recorded(
    notify: RunningSystem, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker records what finished beside its sends (ADR 0037): with the first record held back, the endpoint
    still receives the deliveries after that record's; each is recorded once ``deliver_due`` returns."""
    tag, count = unique("records-"), 2 * RECORD_BATCH + 4
    created = await subscribe(notify, receiver.url(tag))
    await publish(notify, count=count)
    record, held = Deliverer._record_groups, asyncio.Event()

    async def first_record_held(self: Deliverer, groups: list) -> list[list[str]]:
        if not held.is_set():
            held.set()
            await release.wait()
        return await record(self, groups)

    release = asyncio.Event()
    monkeypatch.setattr(Deliverer, "_record_groups", first_record_held)
    delivering = asyncio.create_task(deliver_due(notify.runtime("notify")))
    async with asyncio.timeout(10):
        while len(receiver.to(tag)) < count:
            await asyncio.sleep(0.02)
    assert held.is_set() and not delivering.done()  # every delivery sent while the first record waited
    release.set()
    assert (await delivering)["delivered"] == count
    assert {d.status for d in await deliveries(notify, created["id"])} == {"delivered"}


async def test_an_endpoint_that_does_not_answer_is_paused_and_the_others_go_on(
    notify: RunningSystem, receiver: Receiver
) -> None:
    """Nothing listens on the dead endpoint's port: after ``UNREACHABLE_STREAK`` attempts in a row without an answer
    its remaining deliveries are not attempted but given back, due at the end of the pause, untouched (ADR 0035)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]  # closed again at once: connections are refused
    dead = await subscribe(notify, f"http://127.0.0.1:{dead_port}/hooks")
    healthy = unique("alive-")
    await subscribe(notify, receiver.url(healthy))
    await publish(notify, count=30)
    now = datetime.now(UTC)

    outcome = await deliver_due(notify.runtime("notify"), now)

    assert outcome["delivered"] == 30 and len(receiver.to(healthy)) == 30
    rows = await deliveries(notify, dead["id"])
    attempted = [row for row in rows if row.attempts]
    assert UNREACHABLE_STREAK <= len(attempted) < UNREACHABLE_STREAK + 2 * 2  # at most the in-flight ones after it
    assert all(row.status == "pending" and row.next_attempt_at > now for row in attempted)  # retried on the plan
    waiting = [row for row in rows if not row.attempts]
    assert len(waiting) == 30 - len(attempted)
    assert {row.next_attempt_at for row in waiting} == {now + UNREACHABLE_PAUSE}
    assert all(row.status == "pending" and row.claim_token is None for row in waiting)


async def test_during_a_rotation_both_secrets_sign(notify: RunningSystem, receiver: Receiver) -> None:
    tag = unique("rotate-")
    created = await subscribe(notify, receiver.url(tag))
    rotated = await notify.clients["notify"].post(f"{SUBSCRIPTIONS}/{created['id']}/rotate", headers=admin(notify))
    new_secret = rotated.json()["secret"]
    await publish(notify)
    await deliver_due(notify.runtime("notify"))
    (request,) = receiver.to(tag)
    assert len(request.headers["webhook-signature"].split()) == 2
    for secret in (created["secret"], new_secret):
        standardwebhooks.Webhook(secret).verify(request.body, request.headers)
    await publish(notify)
    await deliver_due(notify.runtime("notify"), datetime.now(UTC) + timedelta(hours=25))
    later = receiver.to(tag)[1]
    assert len(later.headers["webhook-signature"].split()) == 1
    standardwebhooks.Webhook(new_secret).verify(later.body, later.headers)
    with pytest.raises(standardwebhooks.WebhookVerificationError):
        standardwebhooks.Webhook(created["secret"]).verify(later.body, later.headers)


async def test_redeliver_sends_again_with_the_same_webhook_id(notify: RunningSystem, receiver: Receiver) -> None:
    tag = unique("again-")
    created = await subscribe(notify, receiver.url(tag))
    await publish(notify)
    await deliver_due(notify.runtime("notify"))
    (delivery,) = await deliveries(notify, created["id"])
    url = f"{SUBSCRIPTIONS}/{created['id']}/deliveries/{delivery.id}/redeliver"
    response = await notify.clients["notify"].post(url, headers=admin(notify))
    assert response.status_code == 202 and response.json()["status"] == "pending"
    assert (await deliver_due(notify.runtime("notify")))["delivered"] == 1
    assert [r.headers["webhook-id"] for r in receiver.to(tag)] == [str(delivery.id)] * 2
    other = await subscribe(notify, receiver.url(unique("other-")))
    foreign = f"{SUBSCRIPTIONS}/{other['id']}/deliveries/{delivery.id}/redeliver"
    assert (await notify.clients["notify"].post(foreign, headers=admin(notify))).status_code == 404


async def test_the_address_is_checked_again_before_each_attempt(notify: RunningSystem) -> None:
    """DNS rebinding: a name that was public when subscribed resolves to the metadata address at delivery."""
    settings = notify.settings["notify"]

    async def public(host: str, port: int):
        return [(2, 1, 6, "", ("93.184.216.34", port))]

    async def rebound(host: str, port: int):
        return [(2, 1, 6, "", ("169.254.169.254", port))]

    body = SubscriptionCreate(owner="D-HOUSING", url="https://hooks.partner.example.cn/x", event_types=[REGISTERED])
    async with notify.runtime("notify").session_factory() as session, session.begin():
        created, _ = await service.create_subscription(
            session=session, principal=ADMIN, body=body, settings=settings, resolve=public
        )
    await publish(notify)
    sender = Sender(sender_config(settings), resolve=rebound)
    try:
        assert (await deliver_due(notify.runtime("notify"), sender=sender))["retry_scheduled"] == 1
    finally:
        await sender.close()
    (delivery,) = await deliveries(notify, str(created.id))
    assert delivery.last_status_code is None and delivery.last_error.startswith("url_address_metadata")


@pytest.mark.parametrize(
    ("url", "code"), [("https://127.0.0.1/x", "url_address_loopback"), ("http://127.0.0.1/x", "url_not_https")]
)
async def test_loopback_is_refused_without_the_allowlist(notify: RunningSystem, url: str, code: str) -> None:
    settings = notify.settings["notify"].model_copy(update={"webhook_allowlist": [], "webhook_allow_http": False})
    body = SubscriptionCreate(owner="D-HOUSING", url=url, event_types=[REGISTERED])
    async with notify.runtime("notify").session_factory() as session:
        with pytest.raises(Exception) as refused:
            await service.create_subscription(session=session, principal=ADMIN, body=body, settings=settings)
        assert refused.value.errors[0].code == code and refused.value.errors[0].pointer == "/url"


async def test_two_deliverers_never_send_a_delivery_twice(notify: RunningSystem, receiver: Receiver) -> None:
    tag = unique("race-")
    created = await subscribe(notify, receiver.url(tag))
    await publish(notify, count=10)
    first, second = await asyncio.gather(deliver_due(notify.runtime("notify")), deliver_due(notify.runtime("notify")))
    assert first["delivered"] + second["delivered"] == 10
    ids = [r.headers["webhook-id"] for r in receiver.to(tag)]
    assert len(ids) == len(set(ids)) == 10
    assert {d.status for d in await deliveries(notify, created["id"])} == {"delivered"}
