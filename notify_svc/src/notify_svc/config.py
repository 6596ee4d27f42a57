from services.settings import ServiceSettings, service_config


class NotifySettings(ServiceSettings):
    model_config = service_config("NOTIFY_")

    database_url: str = "sqlite+aiosqlite:///./data/notify.sqlite3"
