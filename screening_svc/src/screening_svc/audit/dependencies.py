from typing import Annotated

from fastapi import Depends, Request

from screening_svc.audit.models import PiiAccess
from services.audit import AuditTrail


async def get_audit_trail(request: Request) -> AuditTrail:
    return AuditTrail(request.app.state.runtime.session_factory, PiiAccess)


Audit = Annotated[AuditTrail, Depends(get_audit_trail)]
