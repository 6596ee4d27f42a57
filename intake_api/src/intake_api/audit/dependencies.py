from typing import Annotated

from fastapi import Depends, Request

from intake_api.audit.service import AuditTrail, trail


async def get_audit_trail(request: Request) -> AuditTrail:
    return trail(request.app.state.runtime.session_factory)


Audit = Annotated[AuditTrail, Depends(get_audit_trail)]
