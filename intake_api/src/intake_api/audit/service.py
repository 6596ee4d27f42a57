"""The read audit of petitioner data (``services.audit``) on intake's own table."""

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from intake_api.audit.models import PiiAccess
from services.audit import Action, AuditTrail, Outcome

__all__ = ["Action", "AuditTrail", "Outcome", "trail"]


def trail(session_factory: async_sessionmaker[AsyncSession]) -> AuditTrail:
    return AuditTrail(session_factory, PiiAccess)
