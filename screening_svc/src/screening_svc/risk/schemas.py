from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.http.models import RequestModel

Stage = Literal["drafting", "before_implementation", "after_implementation"]
Level = Literal["low", "medium", "high"]
Rate = Field(default=None, ge=0, le=100, description="百分比 0–100")
HouseholdStatus = Literal["open", "explained", "agreed", "disputed", "closed"]


def _config(example: dict) -> ConfigDict:
    return ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [example]})


class PolicyCreate(RequestModel):
    """登记需进行社会稳定风险评估的重大政策或项目（从起草阶段开始）。"""

    model_config = _config(
        {
            "title": "柳岸社区老旧小区改造",
            "kind": "old_community_renovation",
            "description": "加装电梯、管网改造",
            "lead_department": "D-HOUSING",
            "co_departments": ["D-CIVIL"],
            "jurisdiction_code": "320599001",
            "community_codes": ["320599001001"],
        }
    )

    title: str = Field(min_length=2, max_length=200)
    kind: Literal["old_community_renovation", "land_acquisition", "demolition", "public_service", "other"] = Field(
        description="老旧小区改造、征地、征收拆迁、公共服务调整、其他"
    )
    description: str = Field(min_length=2, max_length=5000)
    lead_department: str = Field(min_length=2, max_length=32, description="牵头部门")
    co_departments: list[str] = Field(default_factory=list, max_length=20, description="配合部门")
    jurisdiction_code: str = Field(pattern=r"^\d{6}(\d{3}(\d{3})?)?$", description="政策所属辖区（区或街道）")
    community_codes: list[str] = Field(min_length=1, max_length=200, description="受影响的社区")


class RiskItemCreate(RequestModel):
    """登记风险点：类型与等级。"""

    model_config = _config(
        {
            "type": "compensation",
            "level": "medium",
            "description": "部分住户对费用分摊有异议",
            "measure": "逐户解释分摊标准",
        }
    )

    type: Literal["compensation", "legality", "procedure", "livelihood", "environment", "safety", "other"]
    level: Level
    description: str = Field(min_length=2, max_length=2000)
    measure: str = Field(default="", max_length=2000, description="化解措施")


class ReviewCreate(RequestModel):
    """专家（信访、法律、社会学）或居民代表评审意见（起草阶段）。"""

    model_config = _config(
        {
            "reviewer_kind": "expert",
            "field": "law",
            "reviewer": "王律师",
            "conclusion": "conditional",
            "opinion": "费用分摊条款需明确依据",
            "reviewed_on": "2026-03-02",
        }
    )

    reviewer_kind: Literal["expert", "resident_representative"]
    field: Literal["petition_work", "law", "sociology"] | None = Field(default=None, description="专家领域")
    reviewer: str = Field(min_length=1, max_length=64)
    conclusion: Literal["support", "conditional", "oppose"]
    opinion: str = Field(min_length=2, max_length=5000)
    reviewed_on: date


class ConsultationCreate(RequestModel):
    """征求意见（社区公示、网上问卷、入户走访）及其结果（实施前阶段）。"""

    model_config = _config(
        {
            "method": "online_survey",
            "held_on": "2026-03-10",
            "respondents": 200,
            "awareness_rate": 96.5,
            "approval_rate": 91.0,
            "summary": "多数住户支持",
        }
    )

    method: Literal["community_notice", "online_survey", "household_interview"]
    held_on: date
    respondents: int = Field(ge=0, le=1_000_000)
    awareness_rate: float | None = Rate
    approval_rate: float | None = Rate
    summary: str = Field(default="", max_length=5000)


class ClauseChangeCreate(RequestModel):
    """对有争议条款的修改。"""

    model_config = _config(
        {"clause": "第五条 费用分摊", "before": "按户均摊", "after": "按楼层系数分摊", "reason": "低层住户意见集中"}
    )

    clause: str = Field(min_length=1, max_length=200)
    before: str = Field(min_length=1, max_length=5000)
    after: str = Field(min_length=1, max_length=5000)
    reason: str = Field(min_length=2, max_length=5000)


class AssessmentCreate(RequestModel):
    """得出当前阶段的评估结论（风险等级）；起草、实施前阶段的结论使政策进入下一阶段。"""

    model_config = _config({"risk_level": "medium", "conclusion": "风险可控，落实逐户解释后可进入下一阶段"})

    risk_level: Level
    conclusion: str = Field(min_length=2, max_length=5000)


class HouseholdCreate(RequestModel):
    """一户一档：受影响住户的诉求、政策解读员与状态（户主姓名、地址加密保存）。"""

    model_config = _config(
        {
            "community_code": "320599001001",
            "head_name": "张建国",
            "address": "柳岸社区 3 号楼 201 室",
            "demands": ["希望明确电梯费用分摊"],
            "interpreter": "李敏",
        }
    )

    community_code: str = Field(pattern=r"^\d{12}$")
    head_name: str = Field(min_length=1, max_length=64)
    address: str = Field(min_length=2, max_length=200)
    demands: list[str] = Field(default_factory=list, max_length=50)
    interpreter: str = Field(min_length=1, max_length=64, description="指定的政策解读员")
    status: HouseholdStatus = "open"


class HouseholdUpdate(RequestModel):
    """更新户档案的诉求、解读员或状态。"""

    model_config = _config({"status": "agreed", "demands": ["希望明确电梯费用分摊", "已解释，同意方案"]})

    demands: list[str] | None = Field(default=None, max_length=50)
    interpreter: str | None = Field(default=None, min_length=1, max_length=64)
    status: HouseholdStatus | None = None


class MonitoringCreate(RequestModel):
    """实施后监测台账：新出现的问题（预警条目）。"""

    model_config = _config(
        {"problem": "施工噪声引发 3 号楼住户不满", "community_code": "320599001001", "level": "medium"}
    )

    problem: str = Field(min_length=2, max_length=5000)
    community_code: str | None = Field(default=None, pattern=r"^\d{12}$")
    level: Level


class Recorded(BaseModel):
    model_config = ConfigDict(from_attributes=True, extra="allow")

    id: UUID


class Rates(BaseModel):
    awareness: float | None = Field(description="知晓率（%，按受访人数加权）")
    approval: float | None = Field(description="支持率（%，按受访人数加权）")
    target: float
    awareness_met: bool | None
    approval_met: bool | None


class PolicyRead(BaseModel):
    id: UUID
    title: str
    kind: str
    description: str
    lead_department: str
    co_departments: list[str]
    jurisdiction_code: str
    community_codes: list[str]
    stage: Stage
    risk_level: Level = Field(description="最近一次评估结论的风险等级（尚未评估时为风险点的最高等级）")
    created_at: datetime
    rates: Rates
    items: list[dict]
    reviews: list[dict]
    consultations: list[dict]
    clause_changes: list[dict]
    assessments: list[dict]
    households: int = Field(description="户档案数")


class HouseholdRead(BaseModel):
    id: UUID
    policy_id: UUID
    community_code: str
    head_name: str = Field(description="户主姓名（脱敏）")
    address: str
    demands: list[str]
    interpreter: str
    status: HouseholdStatus
    created_at: datetime
    updated_at: datetime


class MonitoringRead(BaseModel):
    id: UUID
    policy_id: UUID
    problem: str
    community_code: str | None
    level: Level
    recorded_by: str
    recorded_at: datetime
