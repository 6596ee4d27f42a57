from datetime import date

from pydantic import BaseModel, Field


class Rate(BaseModel):
    value: float | None = Field(description="比率（0–1，保留 4 位小数）；分母为 0 时为空")
    numerator: int
    denominator: int


class GrassrootsRate(Rate):
    goal: float = Field(description="工作目标（2026 年工作方案：基层化解率不低于 90%）")
    meets_goal: bool | None


class KpiRead(BaseModel):
    period: str = Field(description="统计期间，如 2026-Q1")
    start: date
    end: date = Field(description="期间结束（不含）")
    unit: str = Field(description="统计单位代码（区、街道、社区或部门）")
    unit_name: str
    cases_received: int = Field(description="期间内收到的案件数（以下比率均以此批案件为基数）")
    cases_closed: int
    grassroots_resolution_rate: GrassrootsRate = Field(description="基层化解率：已化解办结案件中由社区、街道化解的比例")
    timely_acceptance_rate: Rate = Field(description="及时受理率：15 日内登记转送并告知的比例")
    on_time_handling_rate: Rate = Field(description="按期办结率：60 日（含批准延期）内办结的比例")
    satisfaction_rate: Rate = Field(description="满意率：满意与基本满意占已评价的比例")
    repeat_petition_rate: Rate = Field(description="重复信访率：重复信访件占全部信访件（案件加重复件）的比例")
    skip_level_rate: Rate = Field(description="越级信访率")
    escalations: int = Field(description="期间内提级办理次数")
    overdue_cases: int = Field(description="期间内有时限届满未办的案件数")
    supervision_orders: int = Field(description="期间内发出的督办单数")
    listed_supervision_orders: int = Field(description="其中挂牌督办数")
    answered_supervision_orders: int = Field(description="其中已书面答复数")


class CategoryFigure(BaseModel):
    code: str = Field(description="一级分类代码")
    name: str | None
    cases: int
    repeats: int


class UnitFigure(BaseModel):
    unit_code: str
    unit_name: str
    cases: int
    petitions: int = Field(description="信访件数（案件加关联的重复件）")
    closed: int


class AnnualRead(BaseModel):
    """《信访工作条例》第四十一条：年度信访情况统计。"""

    year: int
    unit: str
    unit_name: str
    cases_received: int
    cases_closed: int
    transfers: int = Field(description="转送件数")
    assignments: int = Field(description="交办件数")
    escalations: int
    supervision_orders: int
    listed_supervision_orders: int
    by_category: list[CategoryFigure] = Field(description="按一级分类统计，件数多者在前")
    by_unit: list[UnitFigure] = Field(description="按承办单位统计，信访件数多者在前")
    most_petitioned_units: list[UnitFigure] = Field(description="信访件数最多的前 10 个单位")
