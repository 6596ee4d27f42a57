from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.http.models import RequestModel


class Holiday(BaseModel):
    date: date
    name: str | None = Field(default=None, max_length=32, description="节日名称，如 国庆节")


class YearScheduleWrite(RequestModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "holidays": [
                        {"date": "2027-01-01", "name": "元旦"},
                        {"date": "2027-10-01", "name": "国庆节"},
                        {"date": "2027-10-04", "name": "国庆节"},
                    ],
                    "working_days": ["2027-09-26"],
                }
            ]
        },
    )

    holidays: list[Holiday] = Field(max_length=60, description="放假日期（含与周末重合的放假日）")
    working_days: list[date] = Field(default_factory=list, max_length=20, description="调休上班的周末日期")


class YearScheduleRead(BaseModel):
    year: int
    holidays: list[Holiday]
    working_days: list[date]
    entered_by: str
    entered_at: datetime


class Shift(BaseModel):
    original: date = Field(description="按天数计算的届满日")
    due_date: date = Field(description="顺延后的届满日")
    reason: str = Field(description="顺延原因，如 国庆节假日")
    text: str


class DeadlineRead(BaseModel):
    from_date: date = Field(description="起算事件发生的日期（期限自次日起算）")
    days: int
    kind: Literal["calendar", "working"]
    due_date: date
    due_at: datetime = Field(description="届满时刻：届满日 24 时（北京时间）")
    shift: Shift | None = Field(description="届满日为节假日或休息日时顺延至下一个工作日")
    provisional: bool = Field(description="为真时有年份的节假日安排未知，按周六、周日休息推算")
    calendar_missing_years: list[int]
    explanation: list[str] = Field(description="计算说明（中文，可打印在告知书上）")
