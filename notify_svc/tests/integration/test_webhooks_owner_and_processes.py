"""Webhooks beyond one deliverer: the owner of an endpoint that gets disabled finds a notice in the inbox (410 and
the last failed attempt), deliverers of several processes on one PostgreSQL database send each delivery once, and a
subscription changed by another process is used by the next event (ADR 0029)."""

# ruff: noqa: F811 - the fixtures of test_webhooks_delivery (one notify system per backend) are used by name here

import asyncio
from collections import Counter
from uuid import UUID

import pytest
from sqlalchemy import select, update

from notify_svc.notifications.dispatcher import dispatch_due
from notify_svc.notifications.models import Notification
from notify_svc.webhooks.delivery import deliver_due
from notify_svc.webhooks.models import Attempt, Delivery, Subscription
from services.db import make_engine, make_session_factory
from services.db.tables import outbox
from services.testing import RunningSystem, unique

from .test_webhooks_delivery import (  # noqa: F401 - fixtures (``notify``, ``receiver``, ``quiet_endpoints``)
    REGISTERED,
    SUBSCRIPTIONS,
    admin,
    deliveries,
    notify,
    publish,
    quiet_endpoints,
    receiver,
)

UNIT = "320599001001"  # a demo community with handlers in the staff directory


async def subscribe_as(system: RunningSystem, url: str, owner: str) -> dict:
    body = {"owner": owner, "url": url, "event_types": [REGISTERED], "description": "住建部门接收端"}
    response = await system.clients["notify"].post(SUBSCRIPTIONS, json=body, headers=admin(system))
    assert response.status_code == 201, response.text
    return response.json()


async def owner_notices(system: RunningSystem, subscription_id: str) -> list[Notification]:
    async with system.runtime("notify").session_factory() as session:
        statement = select(Notification).where(
            Notification.source_event_type == "notify.webhook_disabled", Notification.subject_id == subscription_id
        )
        return list((await session.scalars(statement)).all())


@pytest.mark.parametrize(("status", "reason"), [(410, "gone"), (500, "attempts_exhausted")])
async def test_the_owner_of_a_disabled_endpoint_finds_it_in_the_inbox(
    notify: RunningSystem, receiver, status: int, reason: str
) -> None:
    tag = unique("told-")
    created = await subscribe_as(notify, receiver.url(tag, status=status), UNIT)
    await publish(notify)
    if status == 500:  # nine attempts failed already: the next one is the last of the plan
        async with notify.runtime("notify").session_factory() as session, session.begin():
            await session.execute(
                update(Delivery).where(Delivery.subscription_id == UUID(created["id"])).values(attempts=9)
            )
    assert sum((await deliver_due(notify.runtime("notify"))).values()) == 1
    async with notify.runtime("notify").session_factory() as session:
        disabled = await session.get(Subscription, UUID(created["id"]))
    assert (disabled.enabled, disabled.disabled_reason) == (False, reason)
    recorded = await owner_notices(notify, created["id"])  # committed with the disabling
    assert recorded and {n.scope_code for n in recorded} == {UNIT}
    assert {n.source_event_id for n in recorded} == set(await staged_disabled(notify, created["id"]))
    await dispatch_due(notify.runtime("notify"))
    (handler,) = {n.inbox_owner for n in recorded if n.channel == "inbox"}
    response = await notify.clients["notify"].get(
        "/notify/v1/inbox", headers=notify.token("handler", sub=handler, jurisdiction=UNIT)
    )
    told = [item for item in response.json()["items"] if item["source_event_type"] == "notify.webhook_disabled"]
    assert any(created["url"] in item["body"] for item in told), response.json()


async def staged_disabled(system: RunningSystem, subscription_id: str) -> list:
    async with system.runtime("notify").session_factory() as session:
        rows = await session.execute(
            select(outbox.c.event_id).where(
                outbox.c.event_type == "xinfang.webhook.disabled.v1", outbox.c.aggregate_id == subscription_id
            )
        )
    return [str(row.event_id) for row in rows]


@pytest.mark.parametrize("notify", ["real"], indirect=True)  # SQLite runs one deliverer per database
async def test_deliverers_of_several_processes_send_each_delivery_once(notify: RunningSystem, receiver) -> None:
    """Two more connection pools on the same database, as other notify processes have; four deliverers race."""
    settings = notify.settings["notify"]
    tags = [unique("multi-"), unique("multi-")]
    created = [await subscribe_as(notify, receiver.url(tag), "D-HOUSING") for tag in tags]
    await publish(notify, count=40)
    engines = [make_engine(settings.database_url, pool_size=5) for _ in range(2)]
    try:
        factories = [make_session_factory(engine) for engine in engines]
        results = await asyncio.gather(*(deliver_due(f, settings=settings) for f in factories * 2))
    finally:
        await asyncio.gather(*(engine.dispose() for engine in engines))
    assert sum(r["delivered"] for r in results) == 80 and sum(r["lost"] for r in results) == 0
    delivery_ids = []
    for tag, subscription in zip(tags, created, strict=True):
        ids = [request.headers["webhook-id"] for request in receiver.to(tag)]
        assert len(ids) == len(set(ids)) == 40
        rows = await deliveries(notify, subscription["id"])
        assert {d.status for d in rows} == {"delivered"} and {str(d.id) for d in rows} == set(ids)
        delivery_ids += ids
    async with notify.runtime("notify").session_factory() as session:
        logged = await session.scalars(
            select(Attempt.delivery_id).where(Attempt.delivery_id.in_(map(UUID, delivery_ids)))
        )
        events = await session.scalars(
            select(outbox.c.aggregate_id).where(
                outbox.c.event_type == "xinfang.webhook.delivered.v1", outbox.c.aggregate_id.in_(delivery_ids)
            )
        )
        assert Counter(map(str, logged.all())) == Counter(events.all()) == Counter(delivery_ids)  # once each


async def test_a_subscription_disabled_by_another_process_gets_no_new_deliveries(
    notify: RunningSystem, receiver
) -> None:
    settings = notify.settings["notify"]
    created = await subscribe_as(notify, receiver.url(unique("elsewhere-")), "D-HOUSING")
    await publish(notify)  # the subscribers are cached in this process now
    engine = make_engine(settings.database_url, pool_size=2)
    try:
        async with make_session_factory(engine)() as session, session.begin():
            await session.execute(
                update(Subscription).where(Subscription.id == UUID(created["id"])).values(enabled=False)
            )
    finally:
        await engine.dispose()
    await publish(notify)
    assert len(await deliveries(notify, created["id"])) == 1


async def test_deliveries_claimed_ahead_are_not_sent_once_the_endpoint_is_gone(notify: RunningSystem, receiver) -> None:
    tag = unique("gone-many-")
    created = await subscribe_as(notify, receiver.url(tag, status=410), "D-HOUSING")
    await publish(notify, count=6)
    await deliver_due(notify.runtime("notify"))
    sent = receiver.to(tag)
    assert 1 <= len(sent) <= 2  # only what was in flight when the first 410 came (2 at a time here)
    rows = await deliveries(notify, created["id"])
    assert sum(d.status == "failed" for d in rows) == len(sent)
    waiting = [d for d in rows if d.attempts == 0]  # claimed ahead, given back: they wait for a re-enable
    assert len(waiting) == 6 - len(sent) and all(d.status == "pending" and d.claim_token is None for d in waiting)
