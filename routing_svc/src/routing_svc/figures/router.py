from typing import Annotated

from fastapi import APIRouter, Query

from routing_svc.dependencies import Settings
from routing_svc.figures import rules, service
from routing_svc.figures.schemas import AnnualRead, KpiRead
from services.http.auth import Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, problem_responses

router = APIRouter(prefix="/figures", tags=["统计"], responses=PROBLEM_RESPONSES)

Reader = Annotated[Principal, require_roles(*rules.FIGURE_ROLES)]
Unit = Annotated[
    str | None,
    Query(max_length=32, pattern=r"^[0-9A-Z-]+$", description="单位代码（区、街道、社区或部门）；缺省为本人辖区"),
]


@router.get(
    "/kpi",
    response_model=KpiRead,
    operation_id="get_kpi",
    responses=problem_responses(404),
    summary="考核指标",
    description="某期间（年 2026、季度 2026-Q1、月 2026-03）某单位的考核指标：基层化解率（目标不低于 90%）、"
    "及时受理率、按期办结率、满意率、重复信访率、越级信访率，以及提级、超期、督办数。比率以期间内收到的案件为基数；"
    "提级、超期、督办按发生时间统计。督查、领导、管理员可查；单位不在本人辖区时 404。",
)
async def get_kpi(
    session: SessionDep,
    principal: Reader,
    settings: Settings,
    period: Annotated[str, Query(max_length=7, description="统计期间：2026、2026-Q1 或 2026-03")],
    unit: Unit = None,
) -> KpiRead:
    return await service.kpi(
        session=session, period=period, unit=unit, principal=principal, district=settings.district_code
    )


@router.get(
    "/annual",
    response_model=AnnualRead,
    operation_id="get_annual_statistics",
    responses=problem_responses(404),
    summary="年度信访情况统计",
    description="《信访工作条例》第四十一条要求的年度统计：按分类、按承办单位、信访最多的单位、转送与交办件数、"
    "提级与督办情况。督查、领导、管理员可查；单位不在本人辖区时 404。",
)
async def get_annual_statistics(
    session: SessionDep,
    principal: Reader,
    settings: Settings,
    year: Annotated[int, Query(ge=2000, le=2100, description="年度")],
    unit: Unit = None,
) -> AnnualRead:
    return await service.annual(
        session=session, year=year, unit=unit, principal=principal, district=settings.district_code
    )
