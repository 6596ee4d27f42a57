"""Issue a transfer form (四个当场 ④) and render it as the printed 信访事项转送单 (``intake_api.transfers.pdf``)."""

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.config import IntakeSettings
from intake_api.onsite.transfer_forms import repository, rules
from intake_api.onsite.transfer_forms.exceptions import (
    InvalidDeadline,
    NotTransferable,
    TransferFormExists,
    TransferFormNotFound,
    UnknownReceivingUnit,
)
from intake_api.onsite.transfer_forms.models import TransferForm
from intake_api.onsite.transfer_forms.schemas import TransferFormCreate
from intake_api.petitions import service as petitions
from intake_api.petitions.models import Petition
from intake_api.reference import service as reference
from intake_api.transfers import pdf
from services import pii
from services.http.auth import Principal
from services.ids import uuid7


async def issue_transfer_form(
    *, session: AsyncSession, petition_id: UUID, request: TransferFormCreate, principal: Principal
) -> tuple[TransferForm, Petition]:
    """404 outside the caller's view; 409 for a closed petition or a second form; 422 for an unknown unit or a
    deadline not after today or more than 90 days ahead."""
    petition = await petitions.get_petition(session=session, petition_id=petition_id, principal=principal)
    if not rules.may_transfer(petition.status):
        raise NotTransferable()
    if await repository.for_petition(session, petition_id) is not None:
        raise TransferFormExists()
    unit_name = await reference.receiving_unit_name(session=session, code=request.receiving_unit_code)
    if unit_name is None:
        raise UnknownReceivingUnit()
    now = datetime.now(UTC)
    form = _form(petition_id, request, unit_name=unit_name, issued_on=rules.issue_date(now), now=now, by=principal)
    repository.add(session, form)
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent request issued the form first
        raise TransferFormExists() from exc
    return form, petition


async def get_transfer_form(
    *, session: AsyncSession, petition_id: UUID, principal: Principal
) -> tuple[TransferForm, Petition]:
    petition = await petitions.get_petition(session=session, petition_id=petition_id, principal=principal)
    form = await repository.for_petition(session, petition_id)
    if form is None:
        raise TransferFormNotFound()
    return form, petition


async def printable(
    *, session: AsyncSession, form: TransferForm, petition: Petition, settings: IntakeSettings
) -> pdf.TransferForm:
    """What the PDF prints: the petitioner masked (name and phone), the matter, the unit and the deadline."""
    category = await reference.category_name(session=session, code=petition.category_code)
    district = await reference.receiving_unit_name(session=session, code=settings.district_code)
    return pdf.TransferForm(
        bureau_name=rules.bureau_name(district), tracking_number=petition.tracking_no,
        petitioner_name=pii.mask_name(petition.petitioner.name), petitioner_phone=petition.petitioner.phone_masked,
        category_name=category or petition.category_code, summary=petition.summary, content=petition.content,
        requests=petition.requests, receiving_unit=form.receiving_unit_name, deadline=form.deadline,
        issued_on=form.issued_on, reception_staff=form.issued_by[: pdf.MAX_LENGTHS["reception_staff"]],
        deadline_basis=form.deadline_basis,
    )  # fmt: skip


def _form(
    petition_id: UUID, request: TransferFormCreate, *, unit_name: str, issued_on, now: datetime, by: Principal
) -> TransferForm:
    if request.deadline is not None and (problem := rules.deadline_problem(request.deadline, issued_on=issued_on)):
        raise InvalidDeadline(problem)
    deadline, basis = rules.deadline_and_basis(request.deadline, issued_on=issued_on)
    return TransferForm(
        id=uuid7(), petition_id=petition_id, receiving_unit_code=request.receiving_unit_code,
        receiving_unit_name=unit_name, deadline=deadline, deadline_basis=basis, issued_on=issued_on,
        issued_by=by.sub, created_at=now,
    )  # fmt: skip
