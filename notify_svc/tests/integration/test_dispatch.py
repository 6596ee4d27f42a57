"""Recording and sending notifications on both backends, with a controlled clock and scripted channels:
one notification per event, recipient and channel; retries with backoff; failed kept and retried by hand;
quiet hours; the appointment reminder the day before; staff recipients; concurrent dispatchers."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from notify_svc.channels.base import Channel, Message, SendResult
from notify_svc.channels.models import RecordedSms
from notify_svc.config import NotifySettings
from notify_svc.notifications import repository, service
from notify_svc.notifications.dispatcher import dispatch_due
from notify_svc.notifications.models import Notification
from notify_svc.templates import service as templates
from services.contracts.intake import AppointmentBooked, AppointmentCancelled, PetitionRegistered
from services.contracts.routing import CaseAssigned, CaseOverdue
from services.db import outbox
from services.messaging import RetryLater
from services.pii import seal
from services.settings import DEV_CONTACT_KEY

PHONE, EMAIL = "13955550123", "zhang.san@example.cn"
SETTINGS = dict(environment="test", quiet_start="00:00", quiet_end="00:00", max_attempts=3, retry_base_seconds=10)


def settings(**changes) -> NotifySettings:
    return NotifySettings(**(SETTINGS | {"smtp_host": "127.0.0.1"} | changes))


class ScriptedChannel(Channel):
    """Answers each send with the next scripted result (the last one repeats); remembers every message."""

    def __init__(self, *results: SendResult) -> None:
        self.results, self.messages = list(results) or [SendResult.sent()], []

    async def send(self, message: Message) -> SendResult:
        self.messages.append(message)
        return self.results.pop(0) if len(self.results) > 1 else self.results[0]


def channels(**overrides: ScriptedChannel) -> dict[str, Channel]:
    return {"sms": ScriptedChannel(), "email": ScriptedChannel(), "inbox": ScriptedChannel()} | overrides


def registered(*, sealed: bool = True, **changes) -> PetitionRegistered:
    ref = uuid.uuid4()
    contact = seal({"name": "张三", "phone": PHONE, "email": EMAIL}, key=DEV_CONTACT_KEY, bind=f"contact:{ref}")
    data = PetitionRegistered.example | {
        "petition_id": str(uuid.uuid4()),
        "petitioner_ref": str(ref),
        "contact_sealed": contact if sealed else None,
        **changes,
    }
    return PetitionRegistered.create(
        subject=data["petition_id"], data=PetitionRegistered.model_fields["data"].annotation(**data)
    )


def case_event(cls, petition_id: str | None, **changes):
    data_model = cls.model_fields["data"].annotation
    data = cls.example | {"case_id": str(uuid.uuid4()), "petition_id": petition_id, **changes}
    return cls.create(subject=data["case_id"], data=data_model(**data))


async def consume(factory, event, config: NotifySettings) -> None:
    async with factory() as session, session.begin():
        await service.when_event_arrived(session=session, event=event, settings=config)


async def rows(factory, event_id: str) -> list[Notification]:
    async with factory() as session:
        statement = select(Notification).where(Notification.source_event_id == event_id).order_by(Notification.id)
        return list((await session.scalars(statement)).all())


async def save_receipt_template(factory, body: str, *, title: str = "回执") -> None:
    """A new version of the receipt template, saved as an admin would."""
    async with factory() as session, session.begin():
        await templates.save_version(
            session=session,
            key="petition.receipt",
            event_type="xinfang.petition.registered.v1",
            title=title,
            body=body,
            created_by="admin-1",
        )


async def staged(factory) -> list[str]:
    async with factory() as session:
        return list((await session.scalars(select(outbox.c.event_type))).all())


async def test_a_receipt_goes_by_sms_and_email_with_the_plain_address_only_in_the_message(notify_db) -> None:
    config, sent_by = settings(), channels()
    event = registered()
    await consume(notify_db, event, config)
    assert {(n.channel, n.status, n.recipient_masked) for n in await rows(notify_db, event.id)} == {
        ("sms", "pending", "139****0123"),
        ("email", "pending", "z***@example.cn"),
    }
    report = await dispatch_due(notify_db, channels=sent_by, settings=config)
    assert (report.sent, report.retrying, report.failed) == (2, 0, 0)
    assert [m.address for m in sent_by["sms"].messages] == [PHONE]
    assert [m.address for m in sent_by["email"].messages] == [EMAIL]
    assert sent_by["email"].messages[0].title == "信访事项登记回执"
    assert {n.status for n in await rows(notify_db, event.id)} == {"sent"}
    assert (await staged(notify_db)).count("xinfang.notification.sent.v1") == 2


async def test_an_event_delivered_twice_is_recorded_once(notify_db) -> None:
    config, event = settings(), registered()
    await consume(notify_db, event, config)
    await consume(notify_db, event, config)
    assert sorted(n.channel for n in await rows(notify_db, event.id)) == ["email", "sms"]


async def test_failures_retry_with_backoff_then_stay_failed_until_retried_by_hand(notify_db) -> None:
    config, event = settings(), registered()
    sms = ScriptedChannel(SendResult.failed("短信网关返回 503"))
    await consume(notify_db, event, config)
    now = datetime.now(UTC)
    for attempt, wait in ((1, 10), (2, 20)):
        report = await dispatch_due(notify_db, now, channels=channels(sms=sms), settings=config)
        assert report.retrying == 1
        (row,) = [n for n in await rows(notify_db, event.id) if n.channel == "sms"]
        assert (row.status, row.attempts, row.last_error) == ("pending", attempt, "短信网关返回 503")
        assert row.next_attempt_at == now + timedelta(seconds=wait)
        assert (await dispatch_due(notify_db, now, channels=channels(sms=sms), settings=config)).total == 0
        now = row.next_attempt_at
    assert (await dispatch_due(notify_db, now, channels=channels(sms=sms), settings=config)).failed == 1
    (row,) = [n for n in await rows(notify_db, event.id) if n.channel == "sms"]
    assert (row.status, row.attempts) == ("failed", 3)
    assert "xinfang.notification.failed.v1" in await staged(notify_db)
    async with notify_db() as session, session.begin():
        await service.retry(session=session, notification_id=row.id, readable=None, settings=config)
    assert (await dispatch_due(notify_db, channels=channels(), settings=config)).sent == 1


async def test_a_refused_message_fails_at_once(notify_db) -> None:
    config, event = settings(), registered()
    await consume(notify_db, event, config)
    sms = ScriptedChannel(SendResult.failed("短信网关返回 400", retryable=False))
    report = await dispatch_due(notify_db, channels=channels(sms=sms), settings=config)
    assert (report.sent, report.failed) == (1, 1)


async def test_without_contact_data_the_sms_fails_visibly(notify_db) -> None:
    config, event = settings(), registered(sealed=False)
    await consume(notify_db, event, config)
    (row,) = await rows(notify_db, event.id)
    assert (row.channel, row.recipient_masked) == ("sms", "139****0001")
    await dispatch_due(notify_db, channels=channels(), settings=config)
    (row,) = await rows(notify_db, event.id)
    assert (row.status, row.last_error) == ("failed", "没有可用的联系方式")


async def test_case_events_reach_the_petitioner_through_the_petition(notify_db) -> None:
    config, petition = settings(), registered()
    await consume(notify_db, petition, config)
    assigned = case_event(CaseAssigned, str(petition.data.petition_id))
    await consume(notify_db, assigned, config)
    notices = await rows(notify_db, assigned.id)
    petitioner = {n.channel: n for n in notices if n.recipient_kind == "petitioner"}
    assert petitioner["sms"].body == "您的信访事项（编号 2026-320599-000001）已交办柳岸社区办理。"
    handlers = {(n.channel, n.recipient_masked) for n in notices if n.recipient_kind == "handler"}
    assert ("inbox", "handler-320599001001") in handlers
    assert ("inbox", "handler-D-HOUSING") in handlers  # the co-unit hears too


async def test_a_case_event_before_its_petition_waits(notify_db) -> None:
    with pytest.raises(RetryLater):
        await consume(notify_db, case_event(CaseAssigned, str(uuid.uuid4())), settings())


async def test_a_case_event_of_a_petition_never_registered_here_fails_visibly_without_holding_staff_back(
    notify_db,
) -> None:
    config = settings(petition_wait_seconds=60)
    assigned = case_event(CaseAssigned, str(uuid.uuid4()))
    assigned.time = datetime.now(UTC) - timedelta(minutes=2)
    await consume(notify_db, assigned, config)
    await dispatch_due(notify_db, channels=channels(), settings=config)
    outcome = {(n.recipient_kind, n.channel): (n.status, n.last_error) for n in await rows(notify_db, assigned.id)}
    assert outcome[("petitioner", "sms")] == ("failed", "没有可用的联系方式")
    assert outcome[("handler", "inbox")] == ("sent", None)


async def test_overdue_alerts_reach_supervisors_up_the_chain_urgently(notify_db) -> None:
    config = settings(quiet_start="00:00", quiet_end="23:59")  # almost always night: only urgent SMS go now
    overdue = case_event(CaseOverdue, None, source="conflict", tracking_no=None)
    await consume(notify_db, overdue, config)
    notices = await rows(notify_db, overdue.id)
    supervisors = {(n.channel, n.recipient_masked) for n in notices if n.recipient_kind == "supervisor"}
    assert ("inbox", "supervisor-320599001") in supervisors and ("inbox", "supervisor-320599") in supervisors
    urgent_sms = [n for n in notices if n.channel == "sms"]
    assert urgent_sms and all(n.urgent and n.not_before <= datetime.now(UTC) for n in urgent_sms)
    assert any(n.recipient_kind == "handler" and n.channel == "inbox" for n in notices)


async def test_quiet_hours_defer_a_petitioners_sms_to_the_morning(notify_db) -> None:
    local = datetime.now(ZoneInfo("Asia/Shanghai"))
    start, end = (local - timedelta(hours=1)).strftime("%H:%M"), (local + timedelta(hours=1)).strftime("%H:%M")
    config, event = settings(quiet_start=start, quiet_end=end), registered()
    await consume(notify_db, event, config)
    by_channel = {n.channel: n for n in await rows(notify_db, event.id)}
    assert by_channel["sms"].not_before > datetime.now(UTC) + timedelta(minutes=55)
    assert by_channel["email"].not_before <= datetime.now(UTC)
    sent_by = channels()
    assert (await dispatch_due(notify_db, channels=sent_by, settings=config)).sent == 1
    assert (len(sent_by["email"].messages), len(sent_by["sms"].messages)) == (1, 0)


async def test_an_appointment_reminder_goes_the_day_before_unless_cancelled(notify_db) -> None:
    config, starts_at = settings(), datetime.now(UTC) + timedelta(days=3)
    data = AppointmentBooked.example | {"appointment_id": str(uuid.uuid4()), "starts_at": starts_at.isoformat()}
    ref = data["petitioner_ref"]
    data["contact_sealed"] = seal({"phone": PHONE}, key=DEV_CONTACT_KEY, bind=f"contact:{ref}")
    booked = AppointmentBooked.create(
        subject=data["appointment_id"], data=AppointmentBooked.model_fields["data"].annotation(**data)
    )
    await consume(notify_db, booked, config)
    (reminder,) = await rows(notify_db, booked.id)
    assert reminder.not_before == starts_at - timedelta(days=1)
    assert (await dispatch_due(notify_db, channels=channels(), settings=config)).total == 0
    second = data | {"appointment_id": str(uuid.uuid4())}
    booked_again = AppointmentBooked.create(
        subject="x", data=AppointmentBooked.model_fields["data"].annotation(**second)
    )
    await consume(notify_db, booked_again, config)
    cancelled = data | {"cancelled_by": "staff", "reason": "接访领导临时公务"}
    event = AppointmentCancelled.create(
        subject="x", data=AppointmentCancelled.model_fields["data"].annotation(**cancelled)
    )
    await consume(notify_db, event, config)
    assert (await rows(notify_db, booked.id))[0].status == "cancelled"
    assert (await rows(notify_db, booked_again.id))[0].status == "pending"
    report = await dispatch_due(notify_db, starts_at - timedelta(hours=23), channels=channels(), settings=config)
    assert report.sent == 2  # the other appointment's reminder and the cancellation notice


async def test_concurrent_dispatchers_send_each_notification_once(notify_db) -> None:
    config = settings(dispatch_batch_size=5)
    events = [registered() for _ in range(6)]
    for event in events:
        await consume(notify_db, event, config)
    shared = channels()
    for _ in range(3):
        await asyncio.gather(*(dispatch_due(notify_db, channels=shared, settings=config) for _ in range(3)))
    sent = [m.notification_id for c in shared.values() for m in c.messages]
    assert len(sent) == len(set(sent)) == 12


async def test_a_crashed_dispatchers_claim_is_taken_again_when_its_lease_runs_out(notify_db) -> None:
    config, event = settings(claim_lease_seconds=60), registered(sealed=False)
    await consume(notify_db, event, config)
    (row,) = await rows(notify_db, event.id)
    now = datetime.now(UTC)
    async with notify_db() as session, session.begin():  # claimed, then the process died before sending
        assert await repository.claim(session, row.id, now=now, lease_until=now + timedelta(seconds=60))
    assert (await dispatch_due(notify_db, now + timedelta(seconds=59), channels=channels(), settings=config)).total == 0
    report = await dispatch_due(notify_db, now + timedelta(seconds=61), channels=channels(), settings=config)
    assert report.total == 1
    (row,) = await rows(notify_db, event.id)
    assert row.attempts == 2


async def test_the_configured_channels_record_the_sms_and_mail_the_email(notify_db, smtp_server) -> None:
    controller, mailbox = smtp_server
    config, event = settings(smtp_host="127.0.0.1", smtp_port=controller.port), registered()
    await consume(notify_db, event, config)
    assert (await dispatch_due(notify_db, settings=config)).sent == 2
    (mail,) = mailbox.messages
    assert mail["To"] == EMAIL
    async with notify_db() as session:
        (recorded,) = (await session.scalars(select(RecordedSms))).all()
    assert recorded.phone_masked == "139****0123"
    assert recorded.text.startswith("【清河区信访局】您的信访事项已于")


async def test_a_new_template_version_is_used_and_recorded(notify_db) -> None:
    config = settings()
    await save_receipt_template(notify_db, "已登记，编号 {{ tracking_no }}。")
    event = registered()
    await consume(notify_db, event, config)
    assert {(n.template_version, n.body) for n in await rows(notify_db, event.id)} == {
        (2, "已登记，编号 2026-320599-000001。")
    }


async def test_a_template_failing_on_an_events_values_fails_that_notice_only(notify_db) -> None:
    config = settings()
    await save_receipt_template(notify_db, "{{ repeat_of.hex }}")  # valid when saved; null for a first petition
    event = registered()
    await consume(notify_db, event, config)
    notices = await rows(notify_db, event.id)
    assert {n.status for n in notices} == {"failed"}
    assert all(n.last_error.startswith("模板渲染失败") for n in notices)
