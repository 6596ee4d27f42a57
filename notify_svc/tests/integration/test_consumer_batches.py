"""Events handled together (group commit) on both backends: a batch records what handling its events one by one
records (a later event finds the petition and contact an earlier one stored, a booking's reminder is cancelled by
its cancellation, each event's own contact and correlation id), with one statement per table however many events
the batch holds; the webhook outcomes of several endpoints recorded together, each endpoint with its own."""

import json
import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import event as sa_event
from sqlalchemy import select

from notify_svc.config import NotifySettings
from notify_svc.contacts import service as contacts
from notify_svc.contacts.models import PetitionerContact
from notify_svc.main import batch_handler
from notify_svc.notifications import service
from notify_svc.notifications.models import Notification
from notify_svc.templates import service as templates
from notify_svc.webhooks import outcomes
from notify_svc.webhooks import repository as webhook_repository
from notify_svc.webhooks import service as webhooks
from notify_svc.webhooks.models import Delivery, Subscription
from notify_svc.webhooks.outcomes import Finished
from notify_svc.webhooks.sender import AttemptResult
from services.contracts.intake import AppointmentBooked, AppointmentCancelled, PetitionRegistered
from services.contracts.routing import CaseAssigned, CaseOverdue
from services.db import outbox
from services.logging import correlation_id
from services.pii import seal
from services.settings import DEV_CONTACT_KEY

PHONE, EMAIL = "13955550123", "zhang.san@example.cn"
LATER_PHONE, LATER_EMAIL = "13800001111", "li.si@example.cn"
SETTINGS = dict(environment="test", quiet_start="00:00", quiet_end="00:00", max_attempts=3, retry_base_seconds=10)
FAILED = "xinfang.notification.failed.v1"
DELIVERED = "xinfang.webhook.delivered.v1"
BASE_URL = "https://xinfang.example.cn"


def settings(**changes) -> NotifySettings:
    return NotifySettings(**(SETTINGS | {"smtp_host": "127.0.0.1"} | changes))


def sealed(ref: str, phone: str = PHONE, email: str = EMAIL) -> str:
    return seal({"name": "张三", "phone": phone, "email": email}, key=DEV_CONTACT_KEY, bind=f"contact:{ref}")


def registered(*, ref: str | None = None, phone: str = PHONE, email: str = EMAIL, **changes) -> PetitionRegistered:
    ref = ref or str(uuid.uuid4())
    data = PetitionRegistered.example | {
        "petition_id": str(uuid.uuid4()),
        "petitioner_ref": ref,
        "contact_sealed": sealed(ref, phone, email),
        **changes,
    }
    return PetitionRegistered.create(
        subject=data["petition_id"], data=PetitionRegistered.model_fields["data"].annotation(**data)
    )


def assigned(petition: PetitionRegistered) -> CaseAssigned:
    """The assignment of the petition's case: it names the petition, not the petitioner."""
    data = CaseAssigned.example | {"case_id": str(uuid.uuid4()), "petition_id": str(petition.data.petition_id)}
    assert "petitioner_ref" not in data
    return CaseAssigned.create(subject=data["case_id"], data=CaseAssigned.model_fields["data"].annotation(**data))


def appointment(cls, appointment_id: str, *, starts_at: datetime, **changes):
    ref = str(uuid.uuid4())
    data = cls.example | {
        "appointment_id": appointment_id,
        "petitioner_ref": ref,
        "starts_at": starts_at.isoformat(),
        "contact_sealed": seal({"phone": PHONE}, key=DEV_CONTACT_KEY, bind=f"contact:{ref}"),
        **changes,
    }
    return cls.create(subject=appointment_id, data=cls.model_fields["data"].annotation(**data))


def overdue() -> CaseOverdue:
    data = CaseOverdue.example | {"case_id": str(uuid.uuid4()), "petition_id": None, "source": "conflict"}
    return CaseOverdue.create(subject=data["case_id"], data=CaseOverdue.model_fields["data"].annotation(**data))


async def one_by_one(factory, events, config: NotifySettings) -> None:
    for event in events:
        async with factory() as session, session.begin():
            await service.when_events_arrived(session=session, events=[event], settings=config)


async def together(factory, events, config: NotifySettings) -> None:
    async with factory() as session, session.begin():
        await service.when_events_arrived(session=session, events=events, settings=config)


async def rows(factory, event_id: str) -> list[Notification]:
    async with factory() as session:
        statement = select(Notification).where(Notification.source_event_id == event_id).order_by(Notification.id)
        return list((await session.scalars(statement)).all())


def summary(notices: list[Notification]) -> list[tuple]:
    """What a notification says and to whom, without its ids (the petitioner's reference differs per test event)."""
    return sorted(
        (n.recipient_kind, n.channel, n.recipient_masked, n.status, n.urgent, n.title, n.body) for n in notices
    )


def engine_of(factory):
    return factory.kw["bind"].sync_engine


@contextmanager
def statements(factory) -> Iterator[list[tuple[str, bool]]]:
    """Every statement the engine sends while the block runs: ``(sql, executemany)``."""
    seen: list[tuple[str, bool]] = []

    def before(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append((" ".join(statement.split()), executemany))

    engine = engine_of(factory)
    sa_event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        sa_event.remove(engine, "before_cursor_execute", before)


def inserts_into(seen: list[tuple[str, bool]], table: str) -> int:
    return sum(1 for sql, _ in seen if sql.upper().startswith(f"INSERT INTO {table.upper()} "))


async def subscribe(factory, *event_types: str) -> uuid.UUID:
    now, subscription_id = datetime.now(UTC), uuid.uuid4()
    async with factory() as session, session.begin():
        session.add(
            Subscription(
                id=subscription_id, owner="D-HOUSING", url="https://hooks.example.cn/x", description="测试",
                event_types=list(event_types), enabled=True, disabled_reason=None, disabled_at=None,
                secret=b"not-used", previous_secret=None, previous_secret_expires_at=None, created_by="admin-01",
                created_at=now, updated_at=now,
            )
        )  # fmt: skip
    return subscription_id


async def test_an_assignment_finds_the_petition_registered_earlier_in_its_batch(notify_db) -> None:
    config = settings()
    alone = registered()
    alone_assigned = assigned(alone)
    await one_by_one(notify_db, [alone, alone_assigned], config)
    batched = registered()
    batched_assigned = assigned(batched)
    await together(notify_db, [batched, batched_assigned], config)

    assert summary(await rows(notify_db, batched.id)) == summary(await rows(notify_db, alone.id))
    expected = summary(await rows(notify_db, alone_assigned.id))
    assert summary(await rows(notify_db, batched_assigned.id)) == expected
    notices = await rows(notify_db, batched_assigned.id)
    petitioner = {
        (n.channel, n.recipient_masked, n.recipient_ref, n.status) for n in notices if n.recipient_kind == "petitioner"
    }
    ref = str(batched.data.petitioner_ref)
    assert petitioner == {("sms", "139****0123", ref, "pending"), ("email", "z***@example.cn", ref, "pending")}
    assert any(kind == "handler" for kind, *_ in expected)


async def test_the_later_contact_of_a_petitioner_is_stored_and_each_event_uses_its_own(notify_db) -> None:
    config, ref = settings(), str(uuid.uuid4())
    first = registered(ref=ref)
    later = registered(ref=ref, phone=LATER_PHONE, email=LATER_EMAIL)
    await together(notify_db, [first, later], config)

    async with notify_db() as session:
        (stored,) = (
            await session.scalars(select(PetitionerContact).where(PetitionerContact.petitioner_ref == uuid.UUID(ref)))
        ).all()
        phone = await contacts.petitioner_address(
            session=session, settings=config, petitioner_ref=uuid.UUID(ref), channel="sms"
        )
    assert (stored.phone_masked, stored.email_masked, phone) == ("138****1111", "l***@example.cn", LATER_PHONE)
    assert {(n.channel, n.recipient_masked) for n in await rows(notify_db, first.id)} == {
        ("sms", "139****0123"),
        ("email", "z***@example.cn"),
    }
    assert {(n.channel, n.recipient_masked) for n in await rows(notify_db, later.id)} == {
        ("sms", "138****1111"),
        ("email", "l***@example.cn"),
    }


async def test_a_booking_and_its_cancellation_in_one_batch_leave_the_reminder_cancelled(notify_db) -> None:
    config, starts_at = settings(), datetime.now(UTC) + timedelta(days=3)
    appointment_id, other_id = str(uuid.uuid4()), str(uuid.uuid4())
    booked = appointment(AppointmentBooked, appointment_id, starts_at=starts_at)
    other = appointment(AppointmentBooked, other_id, starts_at=starts_at)
    cancelled = appointment(
        AppointmentCancelled,
        appointment_id,
        starts_at=starts_at,
        petitioner_ref=str(booked.data.petitioner_ref),
        contact_sealed=booked.data.contact_sealed,
        cancelled_by="staff",
        reason="接访领导临时公务",
    )
    await together(notify_db, [booked, other, cancelled], config)

    (reminder,) = await rows(notify_db, booked.id)
    assert (reminder.channel, reminder.not_before) == ("sms", starts_at - timedelta(days=1))
    assert (reminder.status, reminder.last_error) == ("cancelled", "预约已取消")
    (kept,) = await rows(notify_db, other.id)
    assert kept.status == "pending" and kept.not_before > datetime.now(UTC)
    notices = await rows(notify_db, cancelled.id)
    assert notices and {(n.recipient_kind, n.status) for n in notices} == {("appointment_holder", "pending")}


async def test_a_notice_failing_to_render_fails_alone_under_its_own_events_correlation(notify_db) -> None:
    config = settings()
    async with notify_db() as session, session.begin():
        await templates.save_version(
            session=session,
            key="petition.receipt",
            event_type="xinfang.petition.registered.v1",
            title="回执",
            body="重复信访，原件 {{ repeat_of.hex }}。",  # fails on a first petition: its repeat_of is null
            created_by="admin-1",
        )
    before = registered(repeat_of=str(uuid.uuid4()))
    failing = registered()
    after = registered(repeat_of=str(uuid.uuid4()))
    for event, name in ((before, "corr-before"), (failing, "corr-failing"), (after, "corr-after")):
        event.correlationid = name
    token = correlation_id.set("corr-of-the-batch")
    try:
        await together(notify_db, [before, failing, after], config)
    finally:
        correlation_id.reset(token)

    failed = await rows(notify_db, failing.id)
    assert {(n.channel, n.status) for n in failed} == {("sms", "failed"), ("email", "failed")}
    assert all(n.last_error.startswith("模板渲染失败") for n in failed)
    for event in (before, after):
        notices = await rows(notify_db, event.id)
        assert {(n.channel, n.status) for n in notices} == {("sms", "pending"), ("email", "pending")}
        assert all(n.body == f"重复信访，原件 {uuid.UUID(str(event.data.repeat_of)).hex}。" for n in notices)
    async with notify_db() as session:
        statement = select(outbox.c.correlation_id, outbox.c.payload).where(outbox.c.event_type == FAILED)
        staged = (await session.execute(statement)).all()
    staged_for = sorted((row.correlation_id, json.loads(row.payload)["data"]["notification_id"]) for row in staged)
    assert staged_for == sorted(("corr-failing", str(n.id)) for n in failed)
    assert {json.loads(row.payload)["data"]["source_event_id"] for row in staged} == {failing.id}


async def test_fan_out_all_records_each_events_deliveries_in_one_insert(notify_db) -> None:
    first = await subscribe(notify_db, PetitionRegistered.event_type, CaseAssigned.event_type)
    second = await subscribe(notify_db, PetitionRegistered.event_type)
    petition = registered()
    events = [petition, assigned(petition), overdue()]
    with statements(notify_db) as seen:
        async with notify_db() as session, session.begin():
            count = await webhooks.fan_out_all(session=session, events=events, base_url=BASE_URL)
    assert count == 3
    assert inserts_into(seen, "webhook_deliveries") == 1
    async with notify_db() as session:
        found = (await session.execute(select(Delivery.source_event_id, Delivery.subscription_id))).all()
    assert sorted((event_id, str(s)) for event_id, s in found) == sorted(
        [(petition.id, str(first)), (petition.id, str(second)), (events[1].id, str(first))]
    )


def kinds_of_events(starts_at: datetime) -> list:
    """One of each kind: a registration, its assignment, a booking."""
    petition = registered()
    return [petition, assigned(petition), appointment(AppointmentBooked, str(uuid.uuid4()), starts_at=starts_at)]


async def test_a_batch_costs_one_statement_per_table_however_many_events_it_holds(notify_db) -> None:
    config, starts_at = settings(), datetime.now(UTC) + timedelta(days=3)
    await subscribe(notify_db, PetitionRegistered.event_type, AppointmentBooked.event_type)
    handle = batch_handler(config)

    async def handled(events) -> list[tuple[str, bool]]:
        with statements(notify_db) as seen:
            async with notify_db() as session, session.begin():
                await handle(session, events)
        return seen

    await handled(kinds_of_events(starts_at))  # the directory and the subscribers are cached from now on
    three = kinds_of_events(starts_at)
    six = kinds_of_events(starts_at) + kinds_of_events(starts_at)
    for_three, for_six = await handled(three), await handled(six)

    assert len(for_three) == len(for_six), (for_three, for_six)
    assert len({sql for sql, _ in for_six}) == len(for_six), for_six  # no statement repeated per event
    for table in ("petitioner_contacts", "petition_recipients", "notifications", "webhook_deliveries"):
        assert inserts_into(for_three, table) == inserts_into(for_six, table) == 1, table
    async with notify_db() as session:
        recorded = await session.scalars(
            select(Notification.source_event_id).where(Notification.source_event_id.in_([e.id for e in six]))
        )
        deliveries = await session.scalars(
            select(Delivery.source_event_id).where(Delivery.source_event_id.in_([e.id for e in six]))
        )
        assert set(recorded.all()) == {e.id for e in six}
        assert len(deliveries.all()) == 4  # two registrations and two bookings


async def claimed(factory, subscription_id: uuid.UUID, now: datetime) -> list[Finished]:
    """The subscription's due deliveries, claimed, each with a 200 answer."""
    token = uuid.uuid4()
    async with factory() as session, session.begin():
        rows, _ = await webhook_repository.claim(
            session, subscription_id=subscription_id, now=now, lease_until=now + timedelta(minutes=1), token=token,
            limit=10,
        )  # fmt: skip
    return [Finished(row, token, AttemptResult(200, None, None, 3), now) for row in rows]


async def test_webhook_outcomes_of_several_endpoints_are_recorded_together_each_with_its_own(notify_db) -> None:
    """What the deliverer's endpoints finish meanwhile goes into one transaction (``outcomes.record_all``): one
    insert of attempts for all of them; a 410 disables its own endpoint only, a lost claim is ``lost`` for its own."""
    gone, fine = [await subscribe(notify_db, PetitionRegistered.event_type) for _ in range(2)]
    async with notify_db() as session, session.begin():
        await webhooks.fan_out_all(session=session, events=[registered(), registered()], base_url=BASE_URL)
    now = datetime.now(UTC)
    gone_attempts = [
        replace(f, result=AttemptResult(410, "HTTP 410", None, 3)) for f in await claimed(notify_db, gone, now)
    ]
    kept, stolen = await claimed(notify_db, fine, now)
    stolen = replace(stolen, token=uuid.uuid4())  # its claim no longer holds
    endpoint = {
        s: SimpleNamespace(id=s, owner="D-HOUSING", url="https://hooks.example.cn/x", description="")
        for s in (gone, fine)
    }
    groups = [(endpoint[gone], gone_attempts, now), (endpoint[fine], [kept, stolen], now)]

    with statements(notify_db) as seen:
        async with notify_db() as session, session.begin():
            results = await outcomes.record_all(session, groups, rng=random.Random(1), settings=settings())

    assert results == [["endpoint_gone", "endpoint_gone"], ["delivered", "lost"]]
    assert inserts_into(seen, "webhook_attempts") == 1
    async with notify_db() as session:
        assert [(await session.get(Subscription, s)).enabled for s in (gone, fine)] == [False, True]
        statuses = (await session.scalars(select(Delivery.status).where(Delivery.subscription_id == fine))).all()
        staged = (await session.scalars(select(outbox.c.payload).where(outbox.c.event_type == DELIVERED))).all()
    assert sorted(statuses) == ["delivered", "pending"]
    assert [json.loads(p)["data"]["delivery_id"] for p in staged] == [str(kept.delivery.id)]
