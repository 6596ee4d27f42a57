from typing import Literal

from pydantic import Field

from services.settings import DEV_CONTACT_KEY, DEV_PII_HASH_KEY, DEV_PII_KEY, ServiceSettings, service_config

Level = Literal["community", "street", "district", "city"]


class IntakeSettings(ServiceSettings):
    model_config = service_config("INTAKE_")

    database_url: str = "sqlite+aiosqlite:///./data/intake.sqlite3"
    district_code: str = "320599"
    bureau_level: Level = Field(default="district", description="本受理机关所在层级（越级判断）")
    query_code_pepper: str = DEV_PII_KEY
    pii_key: str = Field(default=DEV_PII_KEY, description="身份证号、手机号加密密钥（AES-256-GCM）")
    pii_hash_key: str = Field(default=DEV_PII_HASH_KEY, description="身份证号、手机号检索哈希密钥（HMAC，另一把密钥）")
    contact_key: str = Field(default=DEV_CONTACT_KEY, description="事件中联系方式密文的密钥，仅与通知服务共享")
    repeat_threshold: float = Field(default=0.4, gt=0, le=1, description="重复信访相似度阈值")
    reference_recheck_seconds: float = Field(
        default=1.0,
        ge=0,
        le=60,
        description="登记时参考副本（分类目录、行政区划）版本复核间隔（秒）；0 为每次登记都复核",
    )
    attachments_dir: str = "./data/attachments"
    attachment_max_bytes: int = Field(default=8 * 1024 * 1024, ge=1024)
    max_body_bytes: int = Field(default=9 * 1024 * 1024, ge=1024)
    status_query_per_minute: int = Field(default=10, ge=1, description="进度查询：每个客户端 IP 每分钟次数")
    status_query_per_tracking_no: int = Field(default=5, ge=1, description="进度查询：每个编号每分钟次数")
    demo_data: bool = False

    def secret_fields(self) -> tuple[str, ...]:
        return (*super().secret_fields(), "query_code_pepper", "pii_key", "pii_hash_key", "contact_key")
