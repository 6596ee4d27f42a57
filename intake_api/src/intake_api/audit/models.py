from intake_api.db import Base
from services.audit import PiiAccessColumns


class PiiAccess(PiiAccessColumns, Base):
    """One read of petitioner data: who, which record, which fields, when, why, outcome — never the values."""
