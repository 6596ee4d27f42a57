from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from notify_svc.notifications import service
from notify_svc.notifications.schemas import NotificationRead
from services.http.auth import Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES
from services.http.pagination import Cursor, Limit, Page, cursor_uuid, page_of

router = APIRouter(prefix="/notifications", tags=["通知"], responses=PROBLEM_RESPONSES)

Reader = Annotated[Principal, require_roles("reception", "supervisor", "leader", "admin")]


@router.get(
    "",
    response_model=Page[NotificationRead],
    operation_id="list_notifications",
    summary="通知记录",
    description="已记录的通知（按时间先后，游标分页），可按 petition_id 查看某信访件的全部通知。接收方已脱敏。",
)
async def list_notifications(
    session: SessionDep,
    _: Reader,
    petition_id: Annotated[UUID | None, Query(description="信访件 ID")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[NotificationRead]:
    rows = await service.list_notifications(
        session=session, petition_id=petition_id, after=cursor_uuid(cursor), limit=limit + 1
    )
    return page_of([NotificationRead.model_validate(n) for n in rows], limit=limit)
