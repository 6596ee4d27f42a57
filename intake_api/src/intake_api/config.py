from services.settings import DEV_PII_KEY, ServiceSettings, service_config


class IntakeSettings(ServiceSettings):
    model_config = service_config("INTAKE_")

    database_url: str = "sqlite+aiosqlite:///./data/intake.sqlite3"
    district_code: str = "320599"
    query_code_pepper: str = DEV_PII_KEY
    demo_data: bool = False

    def secret_fields(self) -> tuple[str, ...]:
        return (*super().secret_fields(), "query_code_pepper")
