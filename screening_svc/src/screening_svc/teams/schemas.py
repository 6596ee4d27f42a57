from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.http.models import RequestModel

TeamRole = Literal["grid_worker", "informant", "volunteer"]
Skill = Annotated[str, Field(min_length=1, max_length=32)]
GridCodeItem = Annotated[str, Field(pattern=r"^\d{14}$")]

_EXAMPLE = {
    "community_code": "320599001001",
    "name": "陈晓梅",
    "role": "informant",
    "background": "retired_cadre",
    "skills": ["调解", "政策宣讲"],
    "phone": "13905170001",
    "grid_codes": ["32059900100101"],
}


class TeamMemberCreate(RequestModel):
    """登记一名网格员、信访信息员或志愿者，以及其服务的网格。"""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [_EXAMPLE]})

    community_code: str = Field(pattern=r"^\d{12}$", description="所属社区代码")
    name: str = Field(min_length=1, max_length=64)
    role: TeamRole = Field(description="grid_worker 网格员、informant 信访信息员、volunteer 志愿者")
    background: str = Field(
        max_length=32,
        description="人员来源：网格员 full_time/part_time；信息员 committee_member 两委成员、retired_cadre 退休干部、"
        "veteran_party_member 老党员；志愿者 student 高校学生、lawyer 律师、counsellor 心理咨询师、other",
    )
    skills: list[Skill] = Field(default_factory=list, max_length=20, description="专长，如调解、法律咨询、心理疏导")
    phone: str = Field(pattern=r"^1[3-9]\d{9}$", description="手机号（加密保存，响应中脱敏）")
    grid_codes: list[GridCodeItem] = Field(
        default_factory=list, max_length=20, description="服务的网格（须在所属社区）"
    )


class GridCodesUpdate(RequestModel):
    """替换成员服务的网格。"""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"grid_codes": ["32059900100102"]}]})

    grid_codes: list[GridCodeItem] = Field(max_length=20)


class TeamMemberRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID = Field(description="成员 ID；身份令牌的 sub 为此 ID 时即以该成员身份访问其服务的网格")
    community_code: str
    name: str
    role: TeamRole
    background: str
    skills: list[str]
    phone_masked: str = Field(description="脱敏手机号")
    grid_codes: list[str]
    created_at: datetime
