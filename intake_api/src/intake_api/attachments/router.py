from typing import Annotated
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter, Depends, File, Request, Response, UploadFile

from intake_api.attachments import service
from intake_api.attachments.schemas import AttachmentRead
from intake_api.attachments.storage import Storage
from intake_api.audit.dependencies import Audit
from intake_api.dependencies import Settings
from intake_api.petitions import rules as petition_rules
from services.http.auth import Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, problem_responses

router = APIRouter(prefix="/petitions/{petition_id}/attachments", tags=["附件"], responses=PROBLEM_RESPONSES)

Uploader = Annotated[Principal, require_roles("reception", "admin", "petitioner")]
Reader = Annotated[Principal, require_roles(*petition_rules.STAFF_ROLES, "petitioner")]


async def get_storage(request: Request) -> Storage:
    return request.app.state.attachment_storage


StorageDep = Annotated[Storage, Depends(get_storage)]


@router.post(
    "",
    status_code=201,
    response_model=AttachmentRead,
    operation_id="upload_attachment",
    responses=problem_responses(404, 415),
    summary="上传附件",
    description="以 multipart/form-data 上传一个文件（字段名 file）。按文件内容识别类型，只接受 PDF、JPEG、PNG、"
    "Word（docx）；超过大小上限返回 413，类型不符返回 415，均不保存任何内容。",
)
async def upload_attachment(
    petition_id: UUID,
    file: Annotated[UploadFile, File(description="附件文件")],
    session: SessionDep,
    principal: Uploader,
    settings: Settings,
    storage: StorageDep,
) -> AttachmentRead:
    data = await file.read(settings.attachment_max_bytes + 1)
    attachment = await service.upload(
        session=session, storage=storage, petition_id=petition_id, name=file.filename, data=data,
        max_bytes=settings.attachment_max_bytes, principal=principal,
    )  # fmt: skip
    return AttachmentRead.model_validate(attachment)


@router.get(
    "",
    response_model=list[AttachmentRead],
    operation_id="list_attachments",
    responses=problem_responses(404),
    summary="附件列表",
    description="能查看信访件的人可以查看其附件列表。",
)
async def list_attachments(petition_id: UUID, session: SessionDep, principal: Reader) -> list[AttachmentRead]:
    rows = await service.list_attachments(session=session, petition_id=petition_id, principal=principal)
    return [AttachmentRead.model_validate(row) for row in rows]


@router.get(
    "/{attachment_id}",
    operation_id="download_attachment",
    responses=problem_responses(404) | {200: {"content": {"application/octet-stream": {}}, "description": "文件内容"}},
    summary="下载附件",
    description="能查看信访件的人可以下载其附件；每次下载写入访问审计。",
)
async def download_attachment(
    petition_id: UUID, attachment_id: UUID, session: SessionDep, principal: Reader, storage: StorageDep, audit: Audit
) -> Response:
    attachment, data = await service.download(
        session=session, storage=storage, petition_id=petition_id, attachment_id=attachment_id, principal=principal
    )
    await audit.record(
        principal=principal, action="download", record_type="attachment", record_id=attachment_id, fields=("file",),
        outcome="granted",
    )  # fmt: skip
    disposition = f"attachment; filename*=UTF-8''{quote(attachment.name)}"
    headers = {"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff"}
    return Response(content=data, media_type=attachment.content_type, headers=headers)
