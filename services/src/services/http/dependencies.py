"""``Annotated`` dependency aliases every service router uses."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.outbox import staged_events
from services.http.errors import Conflict


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request, committed by the edge after the handler returned, before the response."""
    runtime = request.app.state.runtime
    async with runtime.session_factory() as session:
        yield session
        try:
            await session.commit()
        except IntegrityError as exc:
            raise Conflict("并发请求修改了同一记录，请重试") from exc
        if staged_events(session):
            runtime.relay.kick()


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
