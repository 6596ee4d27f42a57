"""Use cases of notifications: record what is owed; delivery by SMS/e-mail comes with the providers."""

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.notifications import repository, rules
from notify_svc.notifications.models import Notification
from services.contracts.intake import PetitionRegistered
from services.contracts.routing import CaseOpened
from services.ids import uuid7
from services.messaging import RetryLater


async def notify_petition_received(*, session: AsyncSession, event: PetitionRegistered) -> None:
    data = event.data
    body = rules.render("petition.received", tracking_no=data.tracking_no)
    repository.add(
        session,
        _sms(data.petition_id, str(data.petitioner_ref), data.phone_masked, "petition.received", body, event.id),
    )


async def notify_case_routed(*, session: AsyncSession, event: CaseOpened) -> None:
    receipt = await repository.recipient_of_petition(session, event.data.petition_id)
    if receipt is None:
        raise RetryLater(f"no receipt yet for petition {event.data.petition_id}")
    body = rules.render("case.routed", tracking_no=event.data.tracking_no, unit_name=event.data.unit_name)
    repository.add(
        session,
        _sms(event.data.petition_id, receipt.recipient_ref, receipt.recipient_masked, "case.routed", body, event.id),
    )


def _sms(petition_id: UUID, ref: str, masked: str, template: str, body: str, event_id: str) -> Notification:
    return Notification(
        id=uuid7(),
        petition_id=petition_id,
        recipient_ref=ref,
        recipient_masked=masked,
        channel="sms",
        template=template,
        body=body,
        status="recorded",
        source_event_id=event_id,
        created_at=datetime.now(UTC),
    )


async def list_notifications(*, session: AsyncSession, petition_id: UUID | None, after: UUID | None, limit: int):
    return await repository.list_notifications(session, petition_id=petition_id, after=after, limit=limit)
