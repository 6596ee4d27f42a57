from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query

from routing_svc.calendar import service
from routing_svc.calendar.schemas import DeadlineRead, YearScheduleRead, YearScheduleWrite
from routing_svc.cases import recalendar
from routing_svc.cases.router import PolicyDep
from routing_svc.clocks import DayCount
from services.http.auth import CurrentPrincipal, Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, problem_responses

router = APIRouter(prefix="/calendar", tags=["法定节假日"], responses=PROBLEM_RESPONSES)

Admin = Annotated[Principal, require_roles("admin")]
Year = Annotated[int, Path(ge=2000, le=2100, description="年度")]


@router.get(
    "/deadline",
    response_model=DeadlineRead,
    operation_id="compute_deadline",
    summary="计算期限届满日",
    description="自 from 日的次日起算 days 个自然日（calendar）或工作日（working）的届满日：按官方节假日安排"
    "（含调休上班日），自然日期限届满日为节假日或休息日的顺延至下一个工作日，并给出顺延原因。"
    "期限跨入节假日安排未知的年度时返回 422（calendar_year_unknown），除非 allow_provisional=true，"
    "此时按周六、周日休息推算并标明 provisional。供接待人员在告知书上打印日期。",
)
async def compute_deadline(
    session: SessionDep,
    _: CurrentPrincipal,
    start: Annotated[date, Query(alias="from", description="起算事件的日期，如收到信访事项之日")],
    days: Annotated[int, Query(ge=1, le=366, description="期限天数")],
    kind: Annotated[DayCount, Query(description="calendar 自然日或 working 工作日")] = DayCount.CALENDAR,
    allow_provisional: Annotated[bool, Query(description="节假日安排未知时是否接受推算结果")] = False,
) -> DeadlineRead:
    return await service.deadline(
        session=session, start=start, days=days, kind=kind, allow_provisional=allow_provisional
    )


@router.get(
    "/{year}",
    response_model=YearScheduleRead,
    operation_id="get_calendar_year",
    responses=problem_responses(404),
    summary="查看录入的节假日安排",
    description="通过接口录入的某年度节假日与调休上班日；未录入时 404（内置日历已知的年度无需录入）。",
)
async def get_calendar_year(year: Year, session: SessionDep, _: CurrentPrincipal) -> YearScheduleRead:
    return await service.get_year(session=session, year=year)


@router.put(
    "/{year}",
    response_model=YearScheduleRead,
    responses=problem_responses(404, 415),
    operation_id="put_calendar_year",
    summary="录入年度节假日安排",
    description="录入或替换某年度的官方节假日安排（放假日期及名称、调休上班的周末），仅管理员。"
    "用于 chinese-calendar 尚未收录的年度（每年的安排在上一年年底公布），录入后优先于内置日历，"
    "所有期限按它计算，进行中且跨入该年度的案件时限随即重新计算（已发出的提醒不重复发送）。"
    "日期须在该年度内，调休上班日须为周末，同一日期不能既放假又上班（422）。",
)
async def put_calendar_year(
    year: Year, body: YearScheduleWrite, session: SessionDep, principal: Admin, policy: PolicyDep
) -> YearScheduleRead:
    saved = await service.put_year(session=session, year=year, request=body, by=principal.sub)
    await recalendar.follow_year(session, year=year, policy=policy)  # running clocks follow, in this transaction
    return saved
