from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from intake_api.petitioners.schemas import PetitionerIn, PetitionerRead
from services.http.models import RequestModel

Channel = Literal["visit", "letter", "online", "phone", "fax", "appointment", "home_visit"]
Kind = Literal["complaint", "suggestion", "report"]
Severity = Literal["minor", "general", "complex", "difficult"]
LegalRoute = Literal["litigation", "arbitration", "administrative_reconsideration", "party_appeal", "other_procedure"]
PetitionStatus = Literal["registered", "repeat", "not_accepted", "routed", "resolved_on_spot", "withdrawn", "closed"]
Outcome = Literal["accepted", "repeat", "not_accepted"]
MAX_REPRESENTATIVES = 5

EXAMPLE = {
    "channel": "visit",
    "kind": "complaint",
    "petitioner": {
        "name": "张三",
        "id_number": "32050219800101123X",
        "phone": "13812345678",
        "address": "清河区长桥街道柳岸社区 5 栋",
        "special_needs": [],
    },
    "category_code": "0304",
    "severity": "general",
    "summary": "东门外道路施工逾期未完工、夜间施工扰民",
    "content": "小区东门外道路施工三个月未完工，夜间施工噪音扰民，请求督促施工单位按期完工并限制夜间施工。",
    "requests": "督促施工单位按期完工，夜间 22 时后停止施工",
    "address": "清河区长桥街道柳岸社区柳岸路 18 号",
    "community_code": "320599001001",
    "truth_declared": True,
}


class PetitionCreate(RequestModel):
    """登记一件信访事项（来访、来信、网上、来电、传真、预约、上门）。"""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [EXAMPLE]})

    channel: Channel = Field(
        description="渠道：visit 来访、letter 来信、online 网上、phone 来电、fax 传真、"
        "appointment 预约、home_visit 上门"
    )
    kind: Kind = Field(
        default="complaint", description="类型：complaint 投诉请求、suggestion 意见建议、report 检举控告"
    )
    petitioner: PetitionerIn
    category_code: str = Field(pattern=r"^\d{2}(\d{2})?$", description="分类代码（两级目录，如 03 或 0301）")
    severity: Severity = Field(default="general", description="minor 轻微、general 一般、complex 复杂、difficult 疑难")
    summary: str = Field(default="", max_length=100, description="事项摘要（不超过 100 字；为空时取内容开头）")
    content: str = Field(min_length=10, max_length=5000, description="信访事项内容（10–5000 字）")
    requests: str = Field(default="", max_length=1000, description="信访请求（不超过 1000 字）")
    occurred_at: datetime | None = Field(default=None, description="事情发生的时间")
    address: str | None = Field(
        default=None, min_length=2, max_length=200, description="事发地址（与社区代码至少填一项；缺省时取社区名称）"
    )
    community_code: str | None = Field(default=None, pattern=r"^\d{12}$", description="事发地社区代码（12 位区划代码）")
    truth_declared: bool = Field(description="信访人承诺所反映情况真实（必须为 true）")
    received_at: datetime | None = Field(default=None, description="收到日期（默认为当前时间，不得晚于当前）")
    group_size: int = Field(default=1, ge=1, le=10000, description="来访人数（集体访大于 1）")
    representatives: list[str] = Field(
        default_factory=list,
        description="集体访推选的代表姓名，最多 5 人（《信访工作条例》第二十条）",
        json_schema_extra={"maxItems": MAX_REPRESENTATIVES},
    )
    legal_route: LegalRoute | None = Field(
        default=None,
        description="接访人员判定应通过的法定途径：litigation 诉讼、arbitration 仲裁、"
        "administrative_reconsideration 行政复议、party_appeal 党员申诉、other_procedure 其他；填写则告知途径",
    )

    @field_validator("truth_declared", mode="after")
    @classmethod
    def _declared(cls, value: bool) -> bool:
        if not value:
            raise PydanticCustomError("truth_not_declared", "信访人须承诺所反映情况属实")
        return value

    @field_validator("representatives", mode="after")
    @classmethod
    def _at_most_five(cls, value: list[str]) -> list[str]:
        if len(value) > MAX_REPRESENTATIVES:
            raise PydanticCustomError("too_many_representatives", "集体访代表不得超过 5 人（《信访工作条例》第二十条）")
        if any(not 1 <= len(name) <= 64 for name in value):
            raise PydanticCustomError("representative_name_invalid", "代表姓名应为 1–64 个字符")
        return value


class PetitionCreated(BaseModel):
    id: UUID
    tracking_no: str = Field(description="信访件编号：年份-区县代码-序号")
    query_code: str = Field(description="查询码：与编号一起用于查询办理进展，仅在登记时返回一次")
    status: PetitionStatus
    outcome: Outcome = Field(
        description="登记核查结果：accepted 已登记、repeat 重复信访并入原件、not_accepted 不予受理"
    )
    notice: str = Field(description="告知信访人的文书正文")
    reason: str | None = Field(default=None, description="不予受理原因")
    repeat_of: UUID | None = None
    related_tracking_no: str | None = None
    skip_level: bool
    first_time: bool = Field(description="是否初次信访")
    guide: str | None = Field(
        default=None, description="初次信访人应获得的《信访指南》地址（当场提供，版本见 GET /intake/v1/guide）"
    )


class TimelineEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    step: str
    title: str


class PetitionSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    tracking_no: str
    channel: Channel
    kind: Kind
    category_code: str
    severity: Severity
    summary: str
    status: PetitionStatus
    received_at: datetime


class PetitionRead(PetitionSummary):
    content: str
    requests: str
    occurred_at: datetime | None
    address: str
    community_code: str | None
    group_size: int
    representatives: list[str]
    legal_route: LegalRoute | None
    outcome: Outcome
    notice: str
    repeat_of: UUID | None
    related_tracking_no: str | None
    first_time: bool
    skip_level: bool
    visited_level: str | None
    proper_level: str
    case_status: str | None
    case_tier: str | None
    created_at: datetime
    petitioner: PetitionerRead
    timeline: list[TimelineEntryRead]


class WithdrawalRequest(RequestModel):
    """撤回信访事项。"""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [{"reason": "问题已由物业自行解决"}]}
    )

    reason: str = Field(min_length=2, max_length=500, description="撤回理由")


class StatusQuery(RequestModel):
    """凭信访件编号与查询码查询办理进展（无需登录）。"""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"tracking_no": "2026-320599-000001", "query_code": "ABCD2345"}]},
    )

    tracking_no: str = Field(max_length=32, pattern=r"^\d{1,4}-\d{6}-\d{6,7}$", description="信访件编号")
    query_code: str = Field(min_length=8, max_length=8, pattern=r"^[A-Za-z0-9]{8}$", description="查询码")


class StatusStep(BaseModel):
    at: datetime
    title: str


class PetitionStatusRead(BaseModel):
    tracking_no: str
    status: PetitionStatus
    status_title: str = Field(description="当前状态（中文）")
    received_at: datetime
    steps: list[StatusStep] = Field(description="办理步骤及日期，按时间先后")
