from services.settings import ServiceSettings, service_config


class ScreeningSettings(ServiceSettings):
    model_config = service_config("SCREENING_")

    database_url: str = "sqlite+aiosqlite:///./data/screening.sqlite3"
    demo_data: bool = False
