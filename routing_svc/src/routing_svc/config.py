from pydantic import Field, field_validator

from services.http.webhook_signature import decode_secret
from services.settings import ServiceSettings, service_config


class RoutingSettings(ServiceSettings):
    model_config = service_config("ROUTING_")

    database_url: str = "sqlite+aiosqlite:///./data/routing.sqlite3"
    district_code: str = "320599"
    district_name: str = "清河区"
    demo_data: bool = False
    publish_reference_on_start: bool = False  # demo mode always publishes; set it where copies may be empty
    # cases (ADR 0014/0015): reminders before a statutory deadline, supervision answers, the deadline scheduler
    reminder_lead_days: list[int] = Field(default_factory=lambda: [3, 1], description="到期前几日发送临期提醒")
    supervision_answer_days: int = Field(default=10, ge=1, le=60)
    scheduler_enabled: bool = True
    scheduler_interval_seconds: float = Field(default=60.0, gt=0, le=3600)
    scheduler_batch_size: int = Field(default=500, ge=1, le=10000)
    # department code -> Standard Webhooks secrets (whsec_…; two during a rotation) for its signed callbacks
    callback_secrets: dict[str, list[str]] = Field(default_factory=dict)

    @field_validator("reminder_lead_days")
    @classmethod
    def _leads_in_range(cls, leads: list[int]) -> list[int]:
        if any(not 0 <= lead <= 60 for lead in leads):
            raise ValueError("reminder lead days must lie between 0 and 60")
        return leads

    @field_validator("callback_secrets")
    @classmethod
    def _secrets_decode(cls, secrets: dict[str, list[str]]) -> dict[str, list[str]]:
        """Fail at start, not at the first callback, on a secret that is not whsec_ + base64 of 24-64 bytes."""
        for department, values in secrets.items():
            for value in values:
                try:
                    decode_secret(value)
                except ValueError as exc:
                    raise ValueError(f"callback secret of {department}: {exc}") from exc
        return secrets
