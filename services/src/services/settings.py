"""Settings base: one class per service, one env prefix each, fail fast on unsafe values.

A service subclasses ``ServiceSettings`` and sets ``model_config = service_config("INTAKE_")``.
"""

from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_JWT_SECRET = "dev-only-secret-change-me-please-0000"
DEV_PII_KEY = "dev-only-pii-key-change-me-please-0000"
DEV_PII_HASH_KEY = "dev-only-pii-hash-key-change-me-please-0000"
DEV_CONTACT_KEY = "dev-only-contact-seal-key-change-me-please-0000"  # shared by intake (seals) and notify (opens)
_DEFAULT_SECRETS = {DEV_JWT_SECRET, DEV_PII_KEY, DEV_PII_HASH_KEY, DEV_CONTACT_KEY, "changethis", "secret", ""}

Environment = Literal["development", "test", "staging", "production"]
BusKind = Literal["memory", "rabbitmq"]


def service_config(prefix: str) -> SettingsConfigDict:
    return SettingsConfigDict(env_prefix=prefix, env_file=None, extra="ignore")


class ServiceSettings(BaseSettings):
    """What every service needs; each service adds its own fields."""

    environment: Environment = "development"
    database_url: str = "sqlite+aiosqlite:///./data/service.sqlite3"
    db_pool_size: int = Field(default=20, ge=1, le=200)
    bus: BusKind = "memory"
    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    bus_namespace: str = Field(default="xinfang", pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")
    bus_prefetch: int = Field(default=32, ge=1, le=1000)
    bus_delivery_limit: int = Field(default=5, ge=1, le=100)
    relay_batch_size: int = Field(default=200, ge=1, le=5000)
    relay_poll_seconds: float = Field(default=0.25, gt=0, le=60)
    jwt_secret: str = DEV_JWT_SECRET
    jwt_public_keys: list[str] = Field(default_factory=list)
    jwks_url: str | None = None
    jwt_issuer: str = "xinfang-idp"
    jwt_audience: str = "xinfang"
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    log_level: str = "INFO"

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> "ServiceSettings":
        if self.environment in ("development", "test"):
            return self
        for name in self.secret_fields():
            if getattr(self, name) in _DEFAULT_SECRETS:
                raise ValueError(f"{name} must be set to a real secret outside development")
        return self

    def secret_fields(self) -> tuple[str, ...]:
        if self.jwt_public_keys or self.jwks_url:
            return ()
        return ("jwt_secret",)

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith("postgresql")
