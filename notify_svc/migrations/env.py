from notify_svc.db import Base
from services.db.migrate import run_env
from services.db.tables import platform_metadata

run_env([Base.metadata, platform_metadata])
