from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.http.models import RequestModel

_EXAMPLE = {
    "grid_code": "32059900100101",
    "category": "elderly_alone",
    "name": "周桂兰",
    "address": "柳岸社区 5 号楼 2 单元 301 室",
    "phone": "13905171234",
}


class ResidentCreate(RequestModel):
    """登记一名重点人员（最少必要信息，加密保存）。"""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [_EXAMPLE]})

    grid_code: str = Field(pattern=r"^\d{14}$", description="所在网格")
    category: str = Field(
        max_length=32,
        description="类别：elderly_alone 独居老人、hardship 困难家庭、long_term_petitioner 信访老户、disabled 残疾人，"
        "以及配置增加的类别；走访周期随类别确定",
    )
    name: str = Field(min_length=1, max_length=64)
    address: str = Field(min_length=2, max_length=200, description="住址")
    phone: str | None = Field(default=None, pattern=r"^1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$", description="联系电话")


class ResidentRead(BaseModel):
    id: UUID = Field(description="重点人员引用 ID（事件中只出现此 ID）")
    grid_code: str
    category: str
    category_name: str
    visit_interval: str = Field(description="走访周期：weekly 每周、monthly 每月")
    name: str = Field(description="列表中脱敏；详情中为全名")
    address: str
    phone_masked: str | None
    registered_on: date
    last_visited_on: date | None = Field(default=None, description="最近一次走访日期")
    created_at: datetime


class PhoneRevealRequest(RequestModel):
    """查看重点人员的完整联系电话：须说明理由，留痕审计。"""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"reason": "独居老人连续两日未应门，网格员电话联系本人"}]},
    )

    reason: str = Field(min_length=4, max_length=500, description="查看理由（写入个人信息访问审计，不记录电话本身）")


class ResidentPhone(BaseModel):
    id: UUID
    phone: str | None = Field(description="完整联系电话；登记时未留电话则为 null")
