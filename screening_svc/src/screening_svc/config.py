from typing import Literal

from pydantic import BaseModel, Field

from services.settings import DEV_PII_KEY, ServiceSettings, service_config

VisitInterval = Literal["weekly", "monthly"]


class ResidentCategory(BaseModel):
    name: str = Field(description="中文名称")
    interval: VisitInterval = Field(description="走访周期：weekly 每周、monthly 每月")


DEFAULT_RESIDENT_CATEGORIES = {
    "elderly_alone": ResidentCategory(name="独居老人", interval="weekly"),
    "hardship": ResidentCategory(name="困难家庭", interval="monthly"),
    "long_term_petitioner": ResidentCategory(name="信访老户", interval="weekly"),
    "disabled": ResidentCategory(name="残疾人", interval="monthly"),
}


class ScreeningSettings(ServiceSettings):
    model_config = service_config("SCREENING_")

    database_url: str = "sqlite+aiosqlite:///./data/screening.sqlite3"
    demo_data: bool = False
    pii_key: str = DEV_PII_KEY
    resident_categories: dict[str, ResidentCategory] = Field(
        default_factory=lambda: dict(DEFAULT_RESIDENT_CATEGORIES),
        description="重点人员类别及其走访周期；可配置增加类别（JSON）",
    )
    sweep_grace_days: int = Field(default=1, ge=0, le=6, description="周日之后还可补录排查的天数；之后该周关闭")
    week_close_job: bool = True
    week_close_poll_seconds: float = Field(default=3600.0, gt=0)
    warning_cluster_count: int = Field(default=3, ge=2, description="同一社区同类问题达到该件数即预警")
    warning_cluster_days: int = Field(default=7, ge=1, le=31, description="同类问题集中预警的天数窗口")
    warning_rising_weeks: int = Field(default=3, ge=2, le=12, description="网格发现数连续上升的周数")
    warning_rising_minimum: int = Field(default=3, ge=1, description="上升预警与月研判“上升网格”的最少件数")

    def secret_fields(self) -> tuple[str, ...]:
        return (*super().secret_fields(), "pii_key")
