from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from intake_api.dependencies import Settings
from intake_api.reception import rules as shared
from intake_api.reception.quality import report, service
from intake_api.reception.quality.schemas import (
    ComplaintCreate,
    ComplaintRead,
    FollowUpCreate,
    FollowUpRead,
    RatingCreate,
    RatingRead,
    SpotCheckCreate,
    SpotCheckRead,
    StaffQualityReport,
)
from services.http.auth import Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, problem_responses

router = APIRouter(prefix="/quality", tags=["接待质量"], responses=PROBLEM_RESPONSES)

Rater = Annotated[Principal, require_roles("petitioner", "supervisor", "admin")]
Supervisor = Annotated[Principal, require_roles(*shared.SUPERVISING_ROLES)]
Caller = Annotated[Principal, require_roles("reception", *shared.SUPERVISING_ROLES)]
From = Annotated[date, Query(alias="from", description="统计起始日（含，本地日期）")]
To = Annotated[date, Query(alias="to", description="统计截止日（含，本地日期）")]


@router.post(
    "/receptions/{reception_id}/rating",
    status_code=201,
    response_model=RatingRead,
    operation_id="rate_reception",
    responses=problem_responses(404, 409, 415),
    summary="评价接待",
    description="信访人对本人的一次接待（已完成的排队号）评价服务态度与办事效率（1–5）；督查人员可代录纸质评价卡。"
    "每次接待只能评价一次，重复评价或接待未完成返回 409。发布 xinfang.reception.rated.v1。",
)
async def rate_reception(reception_id: UUID, body: RatingCreate, session: SessionDep, principal: Rater) -> RatingRead:
    rating = await service.rate(session=session, ticket_id=reception_id, request=body, principal=principal)
    return RatingRead.model_validate(rating)


@router.post(
    "/receptions/{reception_id}/spot-checks",
    status_code=201,
    response_model=SpotCheckRead,
    operation_id="record_spot_check",
    responses=problem_responses(404, 409, 415),
    summary="记录现场抽查",
    description="督查人员对一次接待（已叫号或已完成）进行现场抽查并打分（0–100）。",
)
async def record_spot_check(
    reception_id: UUID, body: SpotCheckCreate, session: SessionDep, principal: Supervisor
) -> SpotCheckRead:
    check = await service.spot_check(session=session, ticket_id=reception_id, request=body, principal=principal)
    return SpotCheckRead.model_validate(check)


@router.post(
    "/receptions/{reception_id}/follow-up-calls",
    status_code=201,
    response_model=FollowUpRead,
    operation_id="record_follow_up_call",
    responses=problem_responses(404, 409, 415),
    summary="记录回访",
    description="接待完成后的电话回访：是否接通、满意度（接通时必填）与回访情况。接待未完成返回 409。",
)
async def record_follow_up_call(
    reception_id: UUID, body: FollowUpCreate, session: SessionDep, principal: Caller
) -> FollowUpRead:
    call = await service.follow_up(session=session, ticket_id=reception_id, request=body, principal=principal)
    return FollowUpRead.model_validate(call)


@router.post(
    "/complaints",
    status_code=201,
    response_model=ComplaintRead,
    operation_id="record_staff_complaint",
    responses=problem_responses(415),
    summary="登记对工作人员的投诉",
    description="登记群众对接访工作人员的投诉；填写 ticket_id 时被投诉人取该次接待的工作人员。",
)
async def record_staff_complaint(
    body: ComplaintCreate, session: SessionDep, principal: Caller, settings: Settings
) -> ComplaintRead:
    complaint = await service.record_complaint(
        session=session, request=body, principal=principal, district_code=settings.district_code
    )
    return ComplaintRead.model_validate(complaint)


@router.get(
    "/staff",
    response_model=StaffQualityReport,
    operation_id="get_staff_quality_report",
    summary="接访人员质量报表",
    description="按工作人员汇总统计区间内（本地日期，含首尾，最长 366 天）的接待人次与平均等候时间、评价、现场抽查、"
    "回访、投诉，以及登记信访件中当场化解的占比。仅统计本辖区。",
)
async def get_staff_quality_report(
    session: SessionDep, principal: Supervisor, first: From, last: To
) -> StaffQualityReport:
    return await report.staff_report(session=session, first=first, last=last, principal=principal)
