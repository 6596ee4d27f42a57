"""``Idempotency-Key`` on creating endpoints: a retry with the same key returns the first response.

The key and the response are stored in the same transaction as the effect, so a request that failed
left no key behind and may be retried; the same key with a different body is refused (422).
"""

import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Header
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.tables import idempotency_keys
from services.http.errors import FieldError, ProblemError

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=128,
        pattern=r"^[A-Za-z0-9._:-]+$",
        description="幂等键（建议使用 UUID）：同一键的重试返回首次的响应",
    ),
]


class IdempotencyKeyReused(ProblemError):
    status, code, title = 422, "idempotency_key_reused", "幂等键已用于不同的请求"


def fingerprint(*, method: str, path: str, body: BaseModel) -> str:
    canonical = json.dumps([method, path, body.model_dump(mode="json")], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def idempotent_create(
    session: AsyncSession,
    *,
    key: str | None,
    principal: str,
    request_fingerprint: str,
    create: Callable[[], Awaitable[Any]],
    status_code: int = 201,
) -> JSONResponse:
    """Run ``create`` once per ``(principal, key)``; later calls replay the stored response."""
    if key is not None:
        stored = await session.execute(
            select(idempotency_keys).where(idempotency_keys.c.principal == principal, idempotency_keys.c.key == key)
        )
        row = stored.first()
        if row is not None:
            return _replay(row, request_fingerprint)
    body = jsonable_encoder(await create())
    if key is not None:
        await session.execute(
            insert(idempotency_keys).values(
                principal=principal,
                key=key,
                request_fingerprint=request_fingerprint,
                status_code=status_code,
                response_body=json.dumps(body, ensure_ascii=False),
                created_at=datetime.now(UTC),
            )
        )
    return JSONResponse(body, status_code=status_code)


def _replay(row: Any, request_fingerprint: str) -> JSONResponse:
    if row.request_fingerprint != request_fingerprint:
        raise IdempotencyKeyReused(
            "同一幂等键只能用于同一请求",
            errors=[
                FieldError(parameter="Idempotency-Key", code="idempotency_key_reused", detail="请为新请求使用新键")
            ],
        )
    return JSONResponse(
        json.loads(row.response_body), status_code=row.status_code, headers={"Idempotency-Replayed": "true"}
    )
