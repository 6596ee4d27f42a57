from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.http.models import RequestModel

Severity = Literal["minor", "general", "complex", "difficult"]
Kind = Literal["micro_demand", "micro_conflict"]

_EXAMPLE = {
    "grid_code": "32059900100101",
    "category_code": "0301",
    "kind": "micro_conflict",
    "severity": "general",
    "summary": "3 号楼 6 户居民与物业就电梯维修费用分摊产生纠纷",
    "description": "电梯停运两周，物业要求业主分摊维修费用，6 户居民不同意，情绪较大。",
    "people_count": 6,
}


class FindingCreate(RequestModel):
    """上报微诉求或微矛盾：轻微的当场化解并记录措施，其余按分级原则上交（一般→社区、复杂→街道、疑难→区）。"""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [_EXAMPLE]})

    grid_code: str = Field(pattern=r"^\d{14}$")
    category_code: str = Field(pattern=r"^\d{2}(\d{2})?$", description="分类目录中的代码")
    kind: Kind = Field(description="micro_demand 微诉求、micro_conflict 微矛盾")
    severity: Severity = Field(description="minor 轻微、general 一般、complex 复杂、difficult 疑难")
    summary: str = Field(min_length=2, max_length=200, description="事项摘要（不写个人信息）")
    description: str = Field(min_length=2, max_length=5000, description="情况描述")
    people_count: int = Field(ge=0, le=100_000, description="涉及人数（只计数，除非确需不写姓名）")
    occurred_at: datetime | None = Field(default=None, description="发现时间（默认当前，不得晚于当前）")
    measure: str | None = Field(default=None, max_length=2000, description="就地化解措施与结果（轻微矛盾必填）")


class CaseView(BaseModel):
    case_id: UUID
    status: str = Field(description="案件当前状态（来自案件事件）")
    unit_code: str
    unit_name: str
    tier: str
    updated_at: datetime
    closed_how: str | None = Field(default=None, description="办结方式（案件办结后）")
    closed_at: datetime | None = None


class FindingRead(BaseModel):
    id: UUID
    grid_code: str
    community_code: str
    category_code: str
    kind: Kind
    severity: Severity
    summary: str
    description: str
    people_count: int
    occurred_at: datetime
    reported_by: str
    reported_at: datetime
    outcome: Literal["resolved_on_spot", "escalated"]
    measure: str | None
    tier: str | None = Field(description="上交层级：community 社区、street 街道、district 区级统筹")
    case: CaseView | None = Field(description="上交后 routing_svc 立案的办理情况；尚未立案为空")
