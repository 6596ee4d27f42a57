"""The staff inbox: the caller's own in-app notifications (assignments, reminders, alerts, supervision orders)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from notify_svc.notifications import service
from notify_svc.notifications.schemas import InboxItem
from services.http.auth import CurrentPrincipal
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, problem_responses
from services.http.pagination import Cursor, Limit, Page, cursor_uuid, page_of

router = APIRouter(prefix="/inbox", tags=["站内信"], responses=PROBLEM_RESPONSES)


@router.get("", response_model=Page[InboxItem], operation_id="list_inbox", summary="我的站内信")
async def list_inbox(
    session: SessionDep,
    principal: CurrentPrincipal,
    unread: Annotated[bool, Query(description="只看未读")] = False,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[InboxItem]:
    """调用者（令牌中的 sub 与通讯录中的站内信收件人一致）收到的站内信，新的在前。"""
    rows = await service.inbox(
        session=session, owner=principal.sub, unread_only=unread, after=cursor_uuid(cursor), limit=limit + 1
    )
    return page_of([InboxItem.model_validate(row) for row in rows], limit=limit)


@router.post(
    "/{notification_id}/read",
    response_model=InboxItem,
    operation_id="mark_inbox_read",
    summary="标记站内信已读",
    responses=problem_responses(404),
)
async def mark_read(notification_id: UUID, session: SessionDep, principal: CurrentPrincipal) -> InboxItem:
    """标记一条站内信为已读（重复标记不改变首次已读时间）。不是调用者的站内信返回 404。"""
    item = await service.mark_read(session=session, owner=principal.sub, notification_id=notification_id)
    return InboxItem.model_validate(item)
