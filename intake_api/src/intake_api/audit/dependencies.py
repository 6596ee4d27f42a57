from typing import Annotated

from fastapi import Depends, Request

from intake_api.audit.service import AuditTrail


async def get_audit_trail(request: Request) -> AuditTrail:
    return AuditTrail(request.app.state.runtime.session_factory)


Audit = Annotated[AuditTrail, Depends(get_audit_trail)]
