import asyncio
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Request, Response

from intake_api.audit.dependencies import Audit
from intake_api.dependencies import Settings
from intake_api.onsite.rules import ACTORS
from intake_api.onsite.transfer_forms import service
from intake_api.onsite.transfer_forms.models import TransferForm
from intake_api.onsite.transfer_forms.schemas import TransferFormCreate, TransferFormRead
from intake_api.petitions.exceptions import PetitionNotFound
from intake_api.petitions.models import Petition
from intake_api.petitions.rules import STAFF_ROLES
from intake_api.transfers.pdf import render_transfer_form
from services.http.auth import Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, problem_responses
from services.http.idempotency import IdempotencyKey, idempotent_create

router = APIRouter(prefix="/petitions", tags=["四个当场"], responses=PROBLEM_RESPONSES)

Actor = Annotated[Principal, require_roles(*ACTORS)]
Staff = Annotated[Principal, require_roles(*STAFF_ROLES)]
PDF_RESPONSE = {200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}
PRINTED_FIELDS = ("name:masked", "phone:masked")


@router.post(
    "/{petition_id}/transfer-form",
    status_code=201,
    response_model=TransferFormRead,
    operation_id="issue_transfer_form",
    responses=problem_responses(404, 409, 415),
    summary="出具信访事项转送单",
    description="对需转办的事项当场出具《信访事项转送单》，写明接收单位与办理时限。"
    "接收单位须在区划或部门目录中（否则 422）；"
    "办理时限不填时为出具之日（北京时间）起 15 日（《信访工作条例》第二十三条），填写时须晚于出具日期且不超过 90 日。"
    "每件信访件出具一次（再次出具返回 409）；已办结、撤回、不予受理或并入原件的返回 409。"
    "打印用 PDF 见 GET …/transfer-form.pdf。支持 Idempotency-Key。",
)
async def issue_transfer_form(
    petition_id: UUID,
    body: TransferFormCreate,
    session: SessionDep,
    principal: Actor,
    request: Request,
    key: IdempotencyKey = None,
):
    async def create() -> TransferFormRead:
        form, petition = await service.issue_transfer_form(
            session=session, petition_id=petition_id, request=body, principal=principal
        )
        return read_model(form, petition, request)

    return await idempotent_create(session, key=key, principal=principal.sub, request=request, body=body, create=create)


@router.get(
    "/{petition_id}/transfer-form",
    response_model=TransferFormRead,
    operation_id="get_transfer_form",
    responses=problem_responses(404),
    summary="查看转送单",
    description="返回该信访件转送单的接收单位、办理时限与出具信息；尚未出具或无权查看时返回 404。",
)
async def get_transfer_form(
    petition_id: UUID, session: SessionDep, principal: Staff, request: Request
) -> TransferFormRead:
    form, petition = await service.get_transfer_form(session=session, petition_id=petition_id, principal=principal)
    return read_model(form, petition, request)


@router.get(
    "/{petition_id}/transfer-form.pdf",
    response_class=Response,
    operation_id="print_transfer_form",
    responses=problem_responses(404) | PDF_RESPONSE,
    summary="打印转送单（PDF）",
    description="A4 版式的《信访事项转送单》PDF（内嵌中文字体）：信访件编号、信访人（姓名与电话脱敏）、事项摘要与内容、"
    "接收单位、办理时限及依据、出具日期与接访人员。每次下载写入个人信息访问审计。",
)
async def print_transfer_form(
    petition_id: UUID, session: SessionDep, principal: Staff, settings: Settings, audit: Audit
) -> Response:
    try:
        form, petition = await service.get_transfer_form(session=session, petition_id=petition_id, principal=principal)
    except PetitionNotFound:
        await _audit(audit, principal, petition_id, fields=(), outcome="not_found")
        raise
    printable = await service.printable(session=session, form=form, petition=petition, settings=settings)
    content = await asyncio.to_thread(render_transfer_form, printable)
    await _audit(audit, principal, petition_id, fields=PRINTED_FIELDS, outcome="granted")
    filename = f"transfer-form-{petition.tracking_no}.pdf"
    return Response(
        content, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{filename}"'}
    )


async def _audit(audit: Audit, principal: Principal, petition_id: UUID, *, fields: tuple[str, ...], outcome) -> None:
    await audit.record(
        principal=principal, action="download", record_type="transfer_form", record_id=petition_id, fields=fields,
        outcome=outcome,
    )  # fmt: skip


def read_model(form: TransferForm, petition: Petition, request: Request) -> TransferFormRead:
    pdf_url = str(request.url_for("print_transfer_form", petition_id=str(form.petition_id)).path)
    return TransferFormRead(
        id=form.id, petition_id=form.petition_id, tracking_no=petition.tracking_no,
        receiving_unit_code=form.receiving_unit_code, receiving_unit_name=form.receiving_unit_name,
        deadline=form.deadline, deadline_basis=form.deadline_basis, issued_on=form.issued_on,
        issued_by=form.issued_by, created_at=form.created_at, pdf_url=pdf_url,
    )  # fmt: skip
