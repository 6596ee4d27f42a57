from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from notify_svc.channels import repository
from notify_svc.channels.schemas import RecordedSmsRead
from services.http.auth import Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES
from services.http.pagination import Cursor, Limit, Page, cursor_uuid, page_of

router = APIRouter(prefix="/sms-outbox", tags=["通知"], responses=PROBLEM_RESPONSES)

Admin = Annotated[Principal, require_roles("admin")]


@router.get("", response_model=Page[RecordedSmsRead], operation_id="list_recorded_sms", summary="记录型短信发件箱")
async def list_recorded_sms(
    session: SessionDep,
    _: Admin,
    notification_id: Annotated[UUID | None, Query(description="通知 ID")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[RecordedSmsRead]:
    """嵌入式模式未配置短信网关时，短信不真正发出，而是记录在此（手机号脱敏），新的在前（仅管理员）。"""
    rows = await repository.recorded_sms(
        session, notification_id=notification_id, after=cursor_uuid(cursor), limit=limit + 1
    )
    return page_of([RecordedSmsRead.model_validate(row) for row in rows], limit=limit)
