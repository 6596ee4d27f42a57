"""Concurrent events of one petitioner on both backends: storing the contact (and the petition's recipient) is one
upsert, so consumers handling them at once never fail on a primary key and leave exactly one row."""

import asyncio
import uuid

from sqlalchemy import func, select

from notify_svc.config import NotifySettings
from notify_svc.contacts.models import PetitionerContact, PetitionRecipient
from notify_svc.contacts.service import petitioner_address
from notify_svc.notifications import service
from services.contracts.intake import PetitionRegistered
from services.pii import seal
from services.settings import DEV_CONTACT_KEY

CONFIG = NotifySettings(environment="test")
CONCURRENT = 6


def registered(ref: str, *, petition_id: str | None = None, phone: str = "13955550123") -> PetitionRegistered:
    sealed = seal({"name": "张三", "phone": phone, "email": None}, key=DEV_CONTACT_KEY, bind=f"contact:{ref}")
    data = PetitionRegistered.example | {
        "petition_id": petition_id or str(uuid.uuid4()),
        "petitioner_ref": ref,
        "contact_sealed": sealed,
    }
    model = PetitionRegistered.model_fields["data"].annotation(**data)
    return PetitionRegistered.create(subject=data["petition_id"], data=model)


async def consume(factory, event: PetitionRegistered) -> None:
    async with factory() as session, session.begin():
        await service.when_event_arrived(session=session, event=event, settings=CONFIG)


async def count(factory, model, **where: object) -> int:
    async with factory() as session:
        statement = select(func.count()).select_from(model).filter_by(**where)
        return await session.scalar(statement)


async def test_concurrent_events_of_one_petitioner_store_one_contact(notify_db) -> None:
    ref = str(uuid.uuid4())
    await asyncio.gather(*(consume(notify_db, registered(ref)) for _ in range(CONCURRENT)))
    assert await count(notify_db, PetitionerContact, petitioner_ref=uuid.UUID(ref)) == 1
    assert await count(notify_db, PetitionRecipient, petitioner_ref=uuid.UUID(ref)) == CONCURRENT


async def test_concurrent_events_of_one_petition_store_one_recipient(notify_db) -> None:
    ref, petition_id = str(uuid.uuid4()), str(uuid.uuid4())
    events = [registered(ref, petition_id=petition_id) for _ in range(CONCURRENT)]
    await asyncio.gather(*(consume(notify_db, event) for event in events))
    assert await count(notify_db, PetitionRecipient, petition_id=uuid.UUID(petition_id)) == 1
    assert await count(notify_db, PetitionerContact, petitioner_ref=uuid.UUID(ref)) == 1


async def test_a_later_contact_replaces_the_stored_one(notify_db) -> None:
    ref = str(uuid.uuid4())
    await consume(notify_db, registered(ref))
    await consume(notify_db, registered(ref, phone="13700001111"))
    async with notify_db() as session:
        stored = await session.get(PetitionerContact, uuid.UUID(ref))
        address = await petitioner_address(
            session=session, settings=CONFIG, petitioner_ref=uuid.UUID(ref), channel="sms"
        )
    assert (stored.phone_masked, address) == ("137****1111", "13700001111")
    assert await count(notify_db, PetitionerContact, petitioner_ref=uuid.UUID(ref)) == 1
