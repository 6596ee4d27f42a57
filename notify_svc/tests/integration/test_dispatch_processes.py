"""Notify as several processes on one database, the cached directory, and the notices that fail or are not events:
dispatchers on separate connection pools send each notification once and a round takes at most its batch; a rule,
template or staff change made elsewhere is used by the next event; a template failing at run time fails its
notices visibly (``notification.failed``) without stopping the round; ``notify_owner`` reaches a unit's staff; the
background dispatcher is woken by the consumer's commit."""

import asyncio
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from notify_svc.contacts import service as staff
from notify_svc.notification_rules import service as rule_book
from notify_svc.notifications import service
from notify_svc.notifications.dispatcher import dispatch_due, run_dispatcher
from notify_svc.notifications.models import Notification
from services.contracts.routing import CaseAssigned
from services.db import make_engine, make_session_factory, outbox

from .test_dispatch import case_event, channels, consume, registered, rows, save_receipt_template, settings, staged


@pytest.fixture
async def other_process(notify_db):
    """A second pool on the same database, as another notify process would have."""
    engine = make_engine(notify_db.kw["bind"].url.render_as_string(hide_password=False), pool_size=5)
    yield make_session_factory(engine)
    await engine.dispose()


async def test_dispatchers_of_two_processes_send_each_notification_once(notify_db, other_process) -> None:
    config = settings(dispatch_batch_size=7)
    for _ in range(15):
        await consume(notify_db, registered(), config)
    shared = channels()
    rounds = []
    for _ in range(4):
        rounds += await asyncio.gather(
            *(dispatch_due(factory, channels=shared, settings=config) for factory in (notify_db, other_process) * 2)
        )
    sent = [m.notification_id for c in shared.values() for m in c.messages]
    assert len(sent) == len(set(sent)) == 30
    assert max(r.total for r in rounds) <= 7  # a round never claims more than its batch
    async with notify_db() as session:
        assert set((await session.scalars(select(Notification.status))).all()) == {"sent"}
    assert (await staged(notify_db)).count("xinfang.notification.sent.v1") == 30


async def test_a_change_made_by_another_process_is_used_by_the_next_event(notify_db, other_process) -> None:
    config = settings()
    await consume(notify_db, registered(), config)  # the directory is cached now
    await save_receipt_template(other_process, "新版本：{{ tracking_no }}")
    async with other_process() as session, session.begin():
        (rule,) = await rule_book.list_rules(session=session, event_type="xinfang.petition.registered.v1")
        await rule_book.update_rule(session=session, rule_id=rule.id, changes={"channels": ["sms"]})
    event = registered()
    await consume(notify_db, event, config)
    assert [(n.channel, n.template_version, n.body) for n in await rows(notify_db, event.id)] == [
        ("sms", 2, "新版本：2026-320599-000001")
    ]


async def test_a_staff_member_added_elsewhere_is_told_of_the_next_case(notify_db, other_process) -> None:
    config, first = settings(), registered()
    await consume(notify_db, first, config)
    unit = "320599002003"
    async with other_process() as session, session.begin():
        await staff.add_staff_member(
            session=session,
            values={"unit_code": unit, "role": "handler", "name": "新承办人", "inbox_id": "new-handler"},
        )
    event = case_event(CaseAssigned, first.data.petition_id, unit_code=unit, co_unit_codes=[])
    await consume(notify_db, event, config)
    owners = {n.inbox_owner for n in await rows(notify_db, event.id) if n.channel == "inbox"}
    assert "new-handler" in owners


async def test_a_template_failing_at_run_time_fails_its_notices_visibly_and_the_round_goes_on(notify_db) -> None:
    config = settings()
    await save_receipt_template(notify_db, "{{ repeat_of|abs }}")  # valid; abs() of a first petition's null fails
    broken, fine = registered(), case_event(CaseAssigned, None, co_unit_codes=[])
    await consume(notify_db, broken, config)
    await consume(notify_db, fine, config)
    failed = await rows(notify_db, broken.id)
    assert {(n.channel, n.status) for n in failed} == {("sms", "failed"), ("email", "failed")}
    assert all(n.last_error.startswith("模板渲染失败") and n.attempts == 0 for n in failed)
    async with notify_db() as session:
        subjects = (
            await session.scalars(
                select(outbox.c.aggregate_id).where(outbox.c.event_type == "xinfang.notification.failed.v1")
            )
        ).all()
    assert sorted(subjects) == sorted(str(n.id) for n in failed)
    report = await dispatch_due(notify_db, channels=channels(), settings=config)
    assert report.sent == len(await rows(notify_db, fine.id)) > 0 and report.failed == 0
    assert {n.status for n in await rows(notify_db, broken.id)} == {"failed"}


async def test_notify_owner_tells_the_units_handlers_by_inbox_and_email(notify_db) -> None:
    config = settings()
    data = {"subscription_id": "s-1", "url": "https://hooks.example.cn/x", "disabled_reason": "gone"}
    async with notify_db() as session, session.begin():
        recorded = await service.notify_owner(
            session, "320599001001", "webhook_disabled", data, settings=config, source_id="disable-1"
        )
        again = await service.notify_owner(
            session, "320599001001", "webhook_disabled", data, settings=config, source_id="disable-1"
        )
    notices = await rows(notify_db, "disable-1")
    assert recorded == again == len(notices) > 0  # the same occurrence is recorded once
    assert {n.channel for n in notices} <= {"inbox", "email"} and "inbox" in {n.channel for n in notices}
    (body,) = {n.body for n in notices}
    assert "https://hooks.example.cn/x" in body and "已失效" in body and "重新启用" in body
    assert {n.scope_code for n in notices} == {"320599001001"}
    shared = channels()
    assert (await dispatch_due(notify_db, channels=shared, settings=config)).sent == len(notices)
    assert {m.address for m in shared["inbox"].messages} == {n.inbox_owner for n in notices if n.inbox_owner}


async def test_notify_owner_without_handlers_reaches_the_supervisors_above(notify_db) -> None:
    async with notify_db() as session, session.begin():
        await service.notify_owner(session, "DEPT-UNKNOWN", "webhook_disabled", {}, settings=settings(), source_id="x")
        with pytest.raises(ValueError):
            await service.notify_owner(session, "320599", "no_such_notice", {}, settings=settings())
    notices = await rows(notify_db, "x")
    assert notices and {n.recipient_kind for n in notices} == {"supervisor"}


async def test_the_background_dispatcher_is_woken_by_the_consumers_commit(notify_db) -> None:
    url = notify_db.kw["bind"].url.render_as_string(hide_password=False)
    config = settings(database_url=url, smtp_host=None, dispatch_poll_seconds=30)
    runtime = SimpleNamespace(settings=config, session_factory=notify_db, relay=None)
    task = asyncio.create_task(run_dispatcher(runtime))
    try:
        await asyncio.sleep(0.3)  # its first (empty) round is done: it now waits up to 30 s unless woken
        event = registered()
        await consume(notify_db, event, config)
        for _ in range(100):
            if {n.status for n in await rows(notify_db, event.id)} == {"sent"}:
                break
            await asyncio.sleep(0.05)
        assert {n.status for n in await rows(notify_db, event.id)} == {"sent"}
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
