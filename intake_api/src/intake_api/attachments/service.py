"""Use cases of attachments: upload (size and type checked before anything is stored), list, download; who may
do so follows who may see the petition."""

import hashlib
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.attachments import repository, rules
from intake_api.attachments.exceptions import AttachmentNotFound, AttachmentTooLarge, UnsupportedAttachmentType
from intake_api.attachments.models import Attachment
from intake_api.attachments.storage import Storage
from intake_api.petitions import service as petitions
from services.http.auth import Principal
from services.ids import uuid7


async def upload(
    *,
    session: AsyncSession,
    storage: Storage,
    petition_id: UUID,
    name: str | None,
    data: bytes,
    max_bytes: int,
    principal: Principal,
) -> Attachment:
    await petitions.get_petition(session=session, petition_id=petition_id, principal=principal)
    content_type = _checked(data, max_bytes=max_bytes)
    attachment_id = uuid7()
    key = f"{attachment_id.hex[-2:]}/{attachment_id}"
    attachment = Attachment(
        id=attachment_id, petition_id=petition_id, name=rules.safe_name(name), content_type=content_type,
        size=len(data), sha256=hashlib.sha256(data).hexdigest(), storage_key=key,
        uploaded_by=principal.sub, created_at=datetime.now(UTC),
    )  # fmt: skip
    await storage.put(attachment.storage_key, data)
    repository.add(session, attachment)
    return attachment


def _checked(data: bytes, *, max_bytes: int) -> str:
    if len(data) > max_bytes:
        raise AttachmentTooLarge(f"附件不得超过 {max_bytes} 字节")
    content_type = rules.sniff(data)
    if content_type is None:
        allowed = "、".join(rules.ALLOWED_TYPES.values())
        raise UnsupportedAttachmentType(f"只接受 {allowed}（按文件内容识别）")
    return content_type


async def list_attachments(*, session: AsyncSession, petition_id: UUID, principal: Principal) -> list[Attachment]:
    await petitions.get_petition(session=session, petition_id=petition_id, principal=principal)
    return await repository.of_petition(session, petition_id)


async def download(
    *, session: AsyncSession, storage: Storage, petition_id: UUID, attachment_id: UUID, principal: Principal
) -> tuple[Attachment, bytes]:
    await petitions.get_petition(session=session, petition_id=petition_id, principal=principal)
    attachment = await repository.get(session, petition_id=petition_id, attachment_id=attachment_id)
    data = None if attachment is None else await storage.get(attachment.storage_key)
    if attachment is None or data is None:
        raise AttachmentNotFound()
    return attachment, data
