from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.http.models import RequestModel

_EXAMPLE = {
    "grid_code": "32059900100101",
    "households_visited": 186,
    "resident_ids": [],
    "findings": 1,
    "notes": "3 号楼楼道堆放杂物，已提醒清理；5 号楼居民反映路灯不亮，已上报。",
}


class SweepCreate(RequestModel):
    """登记一次拉网式排查：谁、何时、走访了多少户、走访了哪些重点人员、发现了什么。"""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [_EXAMPLE]})

    grid_code: str = Field(pattern=r"^\d{14}$")
    swept_at: datetime | None = Field(default=None, description="排查完成时间（默认当前；决定所属 ISO 周）")
    households_visited: int = Field(ge=0, le=100_000, description="走访户数")
    resident_ids: list[UUID] = Field(default_factory=list, max_length=500, description="走访的本网格重点人员")
    findings: int = Field(default=0, ge=0, le=1000, description="发现问题数")
    notes: str = Field(default="", max_length=5000, description="发现情况（不写重点人员姓名）")


class SweepRead(BaseModel):
    id: UUID
    grid_code: str
    week: str = Field(description="ISO 周（北京时间）")
    swept_by: str
    swept_at: datetime
    households_visited: int
    resident_ids: list[UUID]
    findings: int
    notes: str
    created_at: datetime


class GridGap(BaseModel):
    grid_code: str
    grid_id: UUID
    community_code: str
    name: str
    sweeps_required: int
    sweeps_done: int


class ResidentGap(BaseModel):
    resident_id: UUID = Field(description="重点人员引用 ID（报告不含个人信息）")
    grid_code: str
    grid_id: UUID
    community_code: str
    category: str
    visit_interval: str
    window_from: date = Field(description="应在此日至本周日之间走访")


class ComplianceReport(BaseModel):
    week: str
    closes_at: datetime = Field(description="该周关闭时间：此后不能补录，缺口发出 sweep.missed 事件")
    closed: bool
    grids_due: int = Field(description="本周应排查的网格数")
    grids_compliant: int
    residents_due: int = Field(description="本周应在周期内走访的重点人员数")
    residents_visited: int
    grids_not_swept: list[GridGap]
    residents_not_visited: list[ResidentGap]
