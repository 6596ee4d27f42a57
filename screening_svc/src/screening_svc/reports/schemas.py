from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.http.models import RequestModel

Cadence = Literal["weekly", "monthly", "quarterly"]
Cell = str | int | float | None


class Metric(BaseModel):
    key: str = Field(description="稳定的指标键")
    label: str
    value: int | float | None = Field(description="数值；无可比基数时为空")
    unit: str | None = Field(default=None, description="单位，如 % 或 件")
    target: float | None = Field(default=None, description="目标值（如基层化解率 90%）")
    met: bool | None = Field(default=None, description="是否达到目标")


class Column(BaseModel):
    key: str
    label: str


class Table(BaseModel):
    key: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Cell]]


class Chart(BaseModel):
    key: str
    kind: Literal["bar", "line"]
    title: str
    labels: list[str]
    series: dict[str, list[float]] = Field(description="柱状图只有一个序列")


class ReportRead(BaseModel):
    cadence: Cadence = Field(description="weekly 周排查、monthly 月研判、quarterly 季通报")
    period: str
    jurisdiction_code: str
    jurisdiction_name: str
    title: str
    first_day: date
    last_day: date
    generated_at: datetime
    metrics: list[Metric]
    tables: list[Table]
    charts: list[Chart]
    published_id: UUID | None = Field(default=None, description="已发布快照的 ID（生成中的报告为空）")
    published_at: datetime | None = None


class ReportPublish(RequestModel):
    """发布某一周期的报告：保存快照并发出 xinfang.briefing.published.v1。"""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"period": "2026-W10", "jurisdiction": "320599"}]},
    )

    period: str = Field(pattern=r"^\d{4}-(W\d{2}|\d{2}|Q[1-4])$", description="周期：2026-W10、2026-03 或 2026-Q1")
    jurisdiction: str | None = Field(default=None, pattern=r"^\d{6}(\d{3}(\d{3})?)?$", description="默认调用者辖区")


class WarningRead(BaseModel):
    kind: Literal["category_cluster", "grid_rising"] = Field(
        description="category_cluster 同一社区一周内同类问题集中；grid_rising 网格发现数连续上升"
    )
    place_code: str = Field(description="社区或网格代码（预警只针对事项、地点、类别，不针对人员）")
    place_name: str
    category_code: str | None
    category_name: str | None
    count: int
    window_from: date
    window_to: date
    message: str
    weekly_counts: list[int] | None = Field(default=None, description="逐周发现数（旧→新），仅 grid_rising")


class WarningList(BaseModel):
    jurisdiction_code: str
    generated_at: datetime
    items: list[WarningRead]
