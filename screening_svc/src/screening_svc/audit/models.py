from screening_svc.db import Base
from services.audit import PiiAccessColumns


class PiiAccess(PiiAccessColumns, Base):
    """One read of a special resident's data: who, which record, which fields, when, why, outcome — never the values."""
