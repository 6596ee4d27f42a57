"""Use cases of the petitions domain: keyword-only, flush only, events into the outbox."""

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.petitions import repository, rules
from intake_api.petitions.exceptions import PetitionNotFound, ReceivedInFuture
from intake_api.petitions.models import Petition, TimelineEntry
from intake_api.petitions.schemas import PetitionCreate, PetitionCreated
from services.contracts.intake import PetitionRegistered, PetitionRegisteredData
from services.contracts.routing import CaseOpened
from services.db import add_event
from services.http.auth import Principal
from services.ids import uuid7


async def register_petition(
    *, session: AsyncSession, request: PetitionCreate, registered_by: str, district_code: str, pepper: str
) -> PetitionCreated:
    now = datetime.now(UTC)
    received_at = request.received_at or now
    if rules.received_in_future(received_at, now):
        raise ReceivedInFuture()
    sequence = await repository.next_sequence(session, year=received_at.year, district_code=district_code)
    query_code = rules.new_query_code()
    petition = _new_petition(request, received_at=received_at, now=now, district_code=district_code)
    petition.tracking_no = rules.tracking_number(year=received_at.year, district_code=district_code, sequence=sequence)
    petition.query_code_hash = rules.hash_query_code(query_code, pepper=pepper)
    petition.registered_by = registered_by
    repository.add(session, petition, _step(petition.id, at=now, step="registered", title="信访事项已登记"))
    await add_event(session, _registered_event(petition))
    return PetitionCreated(id=petition.id, tracking_no=petition.tracking_no, query_code=query_code, status="registered")


def _new_petition(request: PetitionCreate, *, received_at: datetime, now: datetime, district_code: str) -> Petition:
    return Petition(
        id=uuid7(),
        channel=request.channel,
        petitioner_name=request.petitioner.name,
        petitioner_phone=request.petitioner.phone,
        category_code=request.category_code,
        content=request.content,
        address=request.address,
        community_code=request.community_code,
        jurisdiction_code=request.community_code or district_code,
        status="registered",
        received_at=received_at,
        created_at=now,
        updated_at=now,
    )


def _step(
    petition_id: UUID, *, at: datetime, step: str, title: str, source_event_id: str | None = None
) -> TimelineEntry:
    return TimelineEntry(
        id=uuid7(), petition_id=petition_id, at=at, step=step, title=title, source_event_id=source_event_id
    )


def _registered_event(petition: Petition) -> PetitionRegistered:
    data = PetitionRegisteredData(
        petition_id=petition.id,
        tracking_no=petition.tracking_no,
        channel=petition.channel,
        category_code=petition.category_code,
        content=petition.content,
        address=petition.address,
        community_code=petition.community_code,
        petitioner_ref=petition.id,
        phone_masked=rules.mask_phone(petition.petitioner_phone),
        received_at=petition.received_at,
    )
    return PetitionRegistered.create(subject=str(petition.id), data=data)


async def get_petition(*, session: AsyncSession, petition_id: UUID, principal: Principal) -> Petition:
    petition = await repository.get_with_timeline(session, petition_id)
    if petition is None or not rules.can_see(
        principal, registered_by=petition.registered_by, jurisdiction_code=petition.jurisdiction_code
    ):
        raise PetitionNotFound()
    return petition


async def record_case_opened(*, session: AsyncSession, event: CaseOpened) -> None:
    petition_id = event.data.petition_id
    if not await repository.set_status(session, petition_id, status="routed", at=datetime.now(UTC)):
        raise PetitionNotFound(f"case event {event.id} names unknown petition {petition_id}")
    title = f"已转交{event.data.unit_name}办理"
    repository.add(
        session, _step(petition_id, at=event.data.occurred_at, step="routed", title=title, source_event_id=event.id)
    )
