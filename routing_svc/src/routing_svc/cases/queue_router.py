"""`GET /queue`: the caller's unit's work queue, with its running clocks."""

from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from routing_svc.cases import repository, service, views
from routing_svc.cases.router import CaseReader
from routing_svc.cases.schemas import CaseRead
from services.contracts.routing import CaseState
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES
from services.http.pagination import Cursor, Limit, Page, cursor_uuid, page_of

router = APIRouter(prefix="/queue", tags=["案件"], responses=PROBLEM_RESPONSES)


@router.get(
    "",
    response_model=Page[CaseRead],
    operation_id="work_queue",
    summary="本单位工作队列",
    description="调用者所在单位的案件：社区看本社区，街道看所辖社区，区看全部，部门看本部门的案件。"
    "可按状态（可多选）、分类、临期（due=soon，最近的办理义务尚未届满、在 due_within_days 日内届满）、"
    "超期（due=overdue）筛选；"
    "每个案件带有正在运行的法定时限（名称、法律依据、届满时刻、剩余天数、状态，节假日安排缺失时的提示）。游标分页。",
)
async def work_queue(
    session: SessionDep,
    principal: CaseReader,
    state: Annotated[list[CaseState] | None, Query(description="案件状态，可重复")] = None,
    due: Annotated[Literal["soon", "overdue"] | None, Query(description="临期或超期")] = None,
    due_within_days: Annotated[int, Query(ge=0, le=60, description="临期的天数")] = 3,
    category_code: Annotated[str | None, Query(max_length=16, pattern=r"^\d{2}(\d{2})?$")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[CaseRead]:
    now = datetime.now(UTC)
    criteria = repository.QueueFilter(
        scope=None,
        states=tuple(state or ()),
        category_code=category_code,
        due_before=now + timedelta(days=due_within_days) if due == "soon" else None,
        due_after=now if due == "soon" else None,
        overdue_at=now if due == "overdue" else None,
        after=cursor_uuid(cursor),
    )
    cases = await service.list_cases(session=session, principal=principal, criteria=criteria, limit=limit + 1)
    return page_of(await views.case_views(session, cases), limit=limit)
