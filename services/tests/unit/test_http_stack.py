"""The shared HTTP stack's per-request shortcuts answer exactly what the longer way answered."""

import asyncio
import enum
import inspect
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, Field

from services.http.app import ServiceDefinition, create_service_app
from services.http.auth import CurrentPrincipal, Principal, issue_token, require_roles
from services.http.idempotency import _json_ready
from services.settings import ServiceSettings

SETTINGS = ServiceSettings(environment="test")


class Colour(enum.StrEnum):
    RED = "red"


class Inner(BaseModel):
    at: datetime
    day: date
    tags: set[str]


class Created(BaseModel):
    id: uuid.UUID
    amount: Decimal
    colour: Colour
    inner: Inner
    items: list[Inner]
    extra: dict[str, object]
    missing: str | None = None
    aliased: str = Field(alias="aliasedName")


def test_a_created_model_is_encoded_as_jsonable_encoder_did() -> None:
    inner = Inner(at=datetime(2026, 11, 29, 6, 0, tzinfo=UTC), day=date(2026, 11, 29), tags={"a"})
    created = Created(
        id=uuid.uuid4(), amount=Decimal("1.50"), colour=Colour.RED, inner=inner, items=[inner, inner],
        extra={"n": 1, "t": (1, 2), "f": 0.5}, aliasedName="x",
    )  # fmt: skip
    assert _json_ready(created) == jsonable_encoder(created)


@pytest.mark.parametrize("created", [{"id": uuid.UUID(int=1), "at": date(2026, 1, 1)}, [Colour.RED, Decimal("2")]])
def test_anything_else_still_goes_through_jsonable_encoder(created: object) -> None:
    assert _json_ready(created) == jsonable_encoder(created)


def _app() -> FastAPI:
    router = APIRouter()

    @router.get("/staff")
    async def staff(principal: Principal = require_roles("handler", "admin")) -> dict[str, str]:
        return {"sub": principal.sub}

    @router.get("/anyone")
    async def anyone(principal: CurrentPrincipal) -> dict[str, str]:
        return {"sub": principal.sub}

    definition = ServiceDefinition(
        name="t", settings_class=ServiceSettings, service_root=Path("."), title="t", description="", routers=(router,)
    )
    return create_service_app(definition, settings=SETTINGS)


def test_every_error_handler_is_a_coroutine() -> None:
    """Starlette runs a plain function handler in a worker thread: a thread hop per error response."""
    app = _app()
    assert app.exception_handlers
    for handler in app.exception_handlers.values():
        assert inspect.iscoroutinefunction(handler), handler


def _bearer(*roles: str, sub: str = "u-1") -> dict[str, str]:
    token = issue_token(settings=SETTINGS, sub=sub, roles=list(roles), jurisdiction="320599")
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        ("/t/v1/staff", _bearer("handler"), 200),
        ("/t/v1/staff", _bearer("reception"), 403),
        ("/t/v1/staff", {}, 401),
        ("/t/v1/staff", {"Authorization": "Basic dTpw"}, 401),
        ("/t/v1/staff", {"Authorization": "Bearer not-a-jwt"}, 401),
        ("/t/v1/anyone", _bearer(), 200),
        ("/t/v1/anyone", {}, 401),
    ],
)
def test_roles_and_tokens_are_checked(path: str, headers: dict[str, str], status: int) -> None:
    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.get(path, headers=headers)

    response = asyncio.run(call())
    assert response.status_code == status
    if status == 200:
        assert response.json() == {"sub": "u-1"}
    else:
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == {401: "unauthorized", 403: "forbidden"}[status]
    if status == 401:
        assert response.headers["www-authenticate"] == "Bearer"
    if status == 403:
        assert response.json()["detail"] == "需要以下角色之一：handler, admin"


def test_one_bearer_scheme_in_the_openapi_document() -> None:
    document = _app().openapi()
    description = "身份提供方签发的 JWT（含 roles 与 jurisdiction）"
    assert document["components"]["securitySchemes"] == {
        "HTTPBearer": {"type": "http", "scheme": "bearer", "description": description}
    }
    for path in ("/t/v1/staff", "/t/v1/anyone"):
        assert document["paths"][path]["get"]["security"] == [{"HTTPBearer": []}]
