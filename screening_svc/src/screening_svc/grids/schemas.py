from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field

from services.http.models import RequestModel

_GRID_EXAMPLE = {"community_code": "320599001003", "name": "南苑社区第1网格", "households": 210, "sweeps_per_week": 1}


class GridCreate(RequestModel):
    """新建网格：网格编码由社区代码加两位序号自动生成。"""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [_GRID_EXAMPLE]}
    )

    community_code: str = Field(pattern=r"^\d{12}$", description="所在社区的 12 位区划代码（须在辖区树副本中）")
    name: str = Field(min_length=1, max_length=64)
    households: int = Field(ge=0, le=100_000, description="户数")
    sweeps_per_week: int = Field(default=1, ge=1, le=7, description="每周应完成的拉网式排查次数（至少 1 次）")
    active_from: date | None = Field(default=None, description="从哪天起纳入排查考核（默认今天）")


class GridUpdate(RequestModel):
    """修改网格名称、户数或每周排查次数；未给出的字段不变。"""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [{"sweeps_per_week": 2}]}
    )

    name: str | None = Field(default=None, min_length=1, max_length=64)
    households: int | None = Field(default=None, ge=0, le=100_000)
    sweeps_per_week: int | None = Field(default=None, ge=1, le=7)


class GridRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str = Field(description="网格编码（社区代码 + 两位序号）")
    id: UUID = Field(description="网格 ID（事件中的 grid_id）")
    name: str
    community_code: str = Field(description="所在社区的 12 位区划代码")
    households: int = Field(description="户数")
    sweeps_per_week: int = Field(description="每周应完成的拉网式排查次数")
    active_from: date = Field(description="纳入排查考核的起始日")


class TeamMemberBrief(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    name: str
    role: str
    background: str
    phone_masked: str


class GridDetail(GridRead):
    team: list[TeamMemberBrief] = Field(description="服务本网格的网格员、信息员与志愿者")


GridCode = Annotated[str, Path(pattern=r"^\d{14}$", description="网格编码（14 位）")]
