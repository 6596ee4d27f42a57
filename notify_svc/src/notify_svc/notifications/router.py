from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request

from notify_svc.notifications import rules, service
from notify_svc.notifications.schemas import ChannelName, NotificationRead, NotificationStatus
from services.http.auth import Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, problem_responses
from services.http.pagination import Cursor, Limit, Page, cursor_uuid, page_of

router = APIRouter(prefix="/notifications", tags=["通知"], responses=PROBLEM_RESPONSES)

Reader = Annotated[Principal, require_roles("reception", "supervisor", "leader", "admin")]
Operator = Annotated[Principal, require_roles("supervisor", "admin")]


def _readable(principal: Principal) -> str | None:
    return rules.readable_scope(is_admin=principal.has_any("admin"), jurisdiction=principal.jurisdiction)


@router.get("", response_model=Page[NotificationRead], operation_id="list_notifications", summary="通知记录")
async def list_notifications(
    session: SessionDep,
    principal: Reader,
    petition_id: Annotated[UUID | None, Query(description="信访件 ID")] = None,
    status: Annotated[NotificationStatus | None, Query(description="状态，如 failed 查看发送失败的通知")] = None,
    channel: Annotated[ChannelName | None, Query(description="通道")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[NotificationRead]:
    """调用者辖区内已记录的通知（按时间先后，游标分页），可按信访件、状态、通道筛选。
    接收方已脱敏，不含联系方式明文。"""
    rows = await service.list_notifications(
        session=session,
        petition_id=petition_id,
        status=status,
        channel=channel,
        readable=_readable(principal),
        after=cursor_uuid(cursor),
        limit=limit + 1,
    )
    return page_of([NotificationRead.model_validate(n) for n in rows], limit=limit)


@router.get(
    "/{notification_id}",
    response_model=NotificationRead,
    operation_id="get_notification",
    summary="查看通知",
    responses=problem_responses(404),
)
async def get_notification(notification_id: UUID, session: SessionDep, principal: Reader) -> NotificationRead:
    """一条通知及其发送情况（尝试次数、下次尝试时间、最后一次错误）。未知或辖区外的通知返回 404。"""
    notification = await service.get_notification(
        session=session, notification_id=notification_id, readable=_readable(principal)
    )
    return NotificationRead.model_validate(notification)


@router.post(
    "/{notification_id}/retry",
    response_model=NotificationRead,
    operation_id="retry_notification",
    summary="重试发送失败的通知",
    responses=problem_responses(404, 409),
)
async def retry_notification(
    notification_id: UUID, request: Request, session: SessionDep, principal: Operator
) -> NotificationRead:
    """把发送失败（failed）的通知重新置为待发送，重新计算尝试次数（短信仍遵守夜间免打扰）。
    未知或辖区外的通知返回 404；不是失败状态的通知返回 409。"""
    settings = request.app.state.runtime.settings
    notification = await service.retry(
        session=session, notification_id=notification_id, readable=_readable(principal), settings=settings
    )
    return NotificationRead.model_validate(notification)
