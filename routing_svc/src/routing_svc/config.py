from services.settings import ServiceSettings, service_config


class RoutingSettings(ServiceSettings):
    model_config = service_config("ROUTING_")

    database_url: str = "sqlite+aiosqlite:///./data/routing.sqlite3"
    district_code: str = "320599"
    district_name: str = "清河区"
    demo_data: bool = False
