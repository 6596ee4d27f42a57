"""Settings of notify_svc (env prefix ``NOTIFY_``). Other domains of the service append their fields below."""

from pydantic import Field, field_validator, model_validator

from notify_svc.webhooks.addresses import Allowlist
from services.settings import DEV_CONTACT_KEY, DEV_PII_KEY, ServiceSettings, service_config


class NotifySettings(ServiceSettings):
    model_config = service_config("NOTIFY_")

    database_url: str = "sqlite+aiosqlite:///./data/notify.sqlite3"
    demo_data: bool = False
    district_code: str = Field(default="320599", description="本区代码：风险预警等无承办单位的通知发给本区督办人员")

    # contacts
    pii_key: str = Field(default=DEV_PII_KEY, description="联系方式加密密钥（AES-256-GCM）")
    contact_key: str = Field(default=DEV_CONTACT_KEY, description="事件中联系方式密文的密钥，与受理服务共享")

    # notices
    petition_wait_seconds: float = Field(
        default=600.0, gt=0, description="案件事件先于信访件登记事件到达时等待的时长，超时则记录为失败以便人工跟进"
    )
    guide_url: str = Field(default="/intake/v1/guide", description="信访指南链接（发给初次信访人）")
    timezone: str = Field(default="Asia/Shanghai", description="通知正文中时间的时区、夜间免打扰的时区")
    quiet_start: str = Field(default="22:00", pattern=r"^\d{2}:\d{2}$", description="夜间免打扰开始（短信）")
    quiet_end: str = Field(default="08:00", pattern=r"^\d{2}:\d{2}$", description="夜间免打扰结束；与开始相同为不启用")

    # delivery
    dispatcher_enabled: bool = Field(default=True, description="是否在本进程运行通知发送任务")
    dispatch_poll_seconds: float = Field(default=0.2, gt=0, le=60)
    dispatch_batch_size: int = Field(default=100, ge=1, le=1000)
    dispatch_concurrency: int = Field(default=20, ge=1, le=500, description="每个通道同时发送的通知数")
    dispatch_workers: int = Field(
        default=3, ge=1, le=16, description="每个进程同时进行的发送轮数（各自领取，互不重复）"
    )
    dispatch_pool_size: int = Field(
        default=2, ge=0, le=50, description="通知发送任务自用的数据库连接数；0 为与消费者共用连接池"
    )
    send_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    max_attempts: int = Field(default=5, ge=1, le=50, description="发送失败的最多尝试次数")
    retry_base_seconds: float = Field(default=30.0, gt=0, description="首次重试间隔，之后每次翻倍")
    retry_cap_seconds: float = Field(default=3600.0, gt=0, description="重试间隔上限")
    claim_lease_seconds: float = Field(default=120.0, gt=0, description="发送中记录的租约，进程崩溃后到期可被重新领取")

    # channels: SMS through an HTTP gateway (none configured: the recording channel keeps what would be sent)
    sms_gateway_url: str | None = Field(default=None, description="短信网关地址；为空时使用记录型短信通道（嵌入式）")
    sms_api_key: str = Field(default="", description="短信网关 API 密钥")
    sms_sign: str = Field(default="清河区信访局", description="短信签名")
    smtp_host: str | None = Field(default=None, description="SMTP 服务器；为空时不发送电子邮件（记录为失败）")
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_tls_verify: bool = Field(
        default=True, description="STARTTLS 时校验邮件服务器证书（主机名与签发机构）；仅在测试环境关闭"
    )
    smtp_tls_ca_file: str | None = Field(
        default=None, description="校验邮件服务器证书的 CA 文件（PEM），如政务内网自建 CA；为空时用系统信任的 CA"
    )
    mail_from: str = Field(default="noreply@xinfang.example.cn", description="发件人地址")
    smtp_connections: int = Field(
        default=12, ge=1, le=64, description="每个进程同时使用的 SMTP 连接数上限（连接在各轮发送之间保持复用）"
    )

    # webhooks (ADR 0020, 0021)
    public_base_url: str = Field(
        default="http://127.0.0.1:8000", description="Webhook 载荷中 API 链接的前缀（网关或嵌入式地址）"
    )
    webhook_allowlist: list[str] | None = Field(
        default=None,
        description="允许的内网或回环地址（CIDR、单个地址或主机名）；未设置时开发与测试环境为回环地址，其他环境为空",
    )
    webhook_allow_http: bool | None = Field(
        default=None, description="白名单内的地址是否允许 http；未设置时仅开发与测试环境允许"
    )
    webhook_secret_overlap_hours: float = Field(
        default=24.0, ge=0, le=24 * 30, description="轮换密钥后旧密钥的并行签名时长"
    )
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60, description="每次投递请求的总超时")
    webhook_endpoint_concurrency: int = Field(default=4, ge=1, le=64, description="每个订阅端点同时进行的投递数")
    webhook_deliverer_enabled: bool = Field(default=True, description="是否在本进程运行 Webhook 投递任务")
    webhook_poll_seconds: float = Field(default=0.1, gt=0, le=60)
    webhook_pool_size: int = Field(
        default=3, ge=0, le=50, description="Webhook 投递任务自用的数据库连接数；0 为与消费者共用连接池"
    )
    webhook_claim_lease_seconds: float = Field(default=120.0, gt=0, description="投递中记录的租约，须长于请求超时")

    @field_validator("webhook_allowlist")
    @classmethod
    def _parse_webhook_allowlist(cls, value: list[str] | None) -> list[str] | None:
        if value is not None:
            Allowlist.parse(value)  # fail fast on an entry that is neither a CIDR, an address nor a host name
        return value

    @model_validator(mode="after")
    def _lease_outlasts_a_request(self) -> "NotifySettings":
        if self.webhook_claim_lease_seconds <= self.webhook_timeout_seconds:
            raise ValueError("webhook_claim_lease_seconds must exceed webhook_timeout_seconds")
        return self

    def secret_fields(self) -> tuple[str, ...]:
        return (*super().secret_fields(), "pii_key", "contact_key")
