"""Bearer JWT authentication: roles and a jurisdiction scope, verified against configured keys or a JWKS URL."""

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

import jwt
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPBearer

from services.http.errors import Forbidden, Unauthorized
from services.http.models import is_storable_text
from services.settings import ServiceSettings

Role = Literal[
    "reception", "handler", "department", "supervisor", "leader", "grid_worker",
    "informant", "volunteer", "petitioner", "partner", "admin",
]  # fmt: skip
ROLES: tuple[str, ...] = Role.__args__  # type: ignore[attr-defined]

MAX_SUBJECT_LENGTH = 128
"""The subject is stored as who registered or sent something (``registered_by``, ``idempotency_keys.principal``:
``varchar(128)``); a longer one would fail the insert on PostgreSQL."""

_VERIFIED_CACHE_SIZE = 4096
_ASYMMETRIC = ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256", "EdDSA"]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: subject, roles, and the jurisdiction code or department id they act for."""

    sub: str
    roles: frozenset[str]
    jurisdiction: str | None

    def has_any(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


class TokenVerifier:
    def __init__(self, settings: ServiceSettings) -> None:
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience
        self._secret = None if (settings.jwt_public_keys or settings.jwks_url) else settings.jwt_secret
        self._public_keys = settings.jwt_public_keys
        self._jwks = jwt.PyJWKClient(settings.jwks_url, cache_keys=True, lifespan=300) if settings.jwks_url else None

        self._verified: dict[str, tuple[Principal, float]] = {}

    @property
    def fetches_keys(self) -> bool:
        return self._jwks is not None

    def verify(self, token: str) -> Principal:
        """A token verified before is taken from a bounded cache until it expires: clients send the same
        token with every request, and decoding it each time cost about 7% of a registration's CPU."""
        cached = self._verified.get(token)
        if cached is not None and cached[1] > time.time():
            return cached[0]
        principal, expires = self._verify(token)
        if len(self._verified) >= _VERIFIED_CACHE_SIZE:
            self._verified.pop(next(iter(self._verified)))
        self._verified[token] = (principal, expires)
        return principal

    def _verify(self, token: str) -> tuple[Principal, float]:
        claims = self._decode(token)
        roles = claims.get("roles", [])
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise Unauthorized("令牌中的 roles 必须是字符串数组")
        jurisdiction = claims.get("jurisdiction")
        if jurisdiction is not None and not isinstance(jurisdiction, str):
            raise Unauthorized("令牌中的 jurisdiction 必须是字符串")
        sub = str(claims["sub"])
        if not all(is_storable_text(text) for text in (sub, jurisdiction or "", *roles)):
            raise Unauthorized("令牌中的 sub、roles 与 jurisdiction 不得含有 NUL 等无法存储的字符")
        if len(sub) > MAX_SUBJECT_LENGTH:
            raise Unauthorized(f"令牌中的 sub 不得超过 {MAX_SUBJECT_LENGTH} 个字符")
        return Principal(sub=sub, roles=frozenset(roles), jurisdiction=jurisdiction), float(claims["exp"])

    def _decode(self, token: str) -> dict:
        options = {"require": ["exp", "sub", "iss", "aud"]}
        common = {"audience": self._audience, "issuer": self._issuer, "options": options, "leeway": 30}
        try:
            if self._jwks is not None:
                key = self._jwks.get_signing_key_from_jwt(token).key
                return jwt.decode(token, key, algorithms=_ASYMMETRIC, **common)
            if self._secret is not None:
                return jwt.decode(token, self._secret, algorithms=["HS256"], **common)
            return self._decode_with_public_keys(token, common)
        except (jwt.PyJWTError, ValueError) as exc:
            raise Unauthorized(f"令牌无效：{exc}") from exc

    def _decode_with_public_keys(self, token: str, common: dict) -> dict:
        last: Exception = jwt.InvalidSignatureError("no key")
        for key in self._public_keys:
            try:
                return jwt.decode(token, key, algorithms=_ASYMMETRIC, **common)
            except jwt.InvalidSignatureError as exc:
                last = exc
        raise last


def issue_token(
    *,
    settings: ServiceSettings,
    sub: str,
    roles: list[str],
    jurisdiction: str | None,
    ttl: timedelta = timedelta(hours=8),
) -> str:
    """Sign an HS256 token with the development secret (embedded mode and tests only)."""
    now = datetime.now(UTC)
    claims = {
        "sub": sub,
        "roles": roles,
        "jurisdiction": jurisdiction,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + ttl,
    }
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")


class BearerPrincipal(HTTPBearer):
    """The caller's verified ``Principal``, optionally required to hold one of ``roles``, as one dependency.

    An ``HTTPBearer`` itself (same security scheme, same name, so the OpenAPI documents are unchanged), so that
    reading the header, verifying the token and checking the roles cost one dependency instead of a chain of
    three (roles check → principal → bearer credentials): FastAPI's work per dependency was most of the platform's
    own CPU per request. Async, so verifying a token costs no thread hop; only a JWKS look-up (network, cached)
    runs in a thread.
    """

    def __init__(self, roles: tuple[str, ...] | None = None) -> None:
        super().__init__(
            auto_error=False,
            scheme_name="HTTPBearer",
            description="身份提供方签发的 JWT（含 roles 与 jurisdiction）",
        )
        self.roles = roles

    async def __call__(self, request: Request) -> Principal:  # type: ignore[override]
        credentials = await super().__call__(request)
        if credentials is None:
            raise Unauthorized("缺少 Authorization: Bearer 令牌")
        verifier: TokenVerifier = request.app.state.verifier
        if verifier.fetches_keys:
            principal = await run_in_threadpool(verifier.verify, credentials.credentials)
        else:
            principal = verifier.verify(credentials.credentials)
        if self.roles is not None and not principal.has_any(*self.roles):
            raise Forbidden(f"需要以下角色之一：{', '.join(self.roles)}")
        return principal


current_principal = BearerPrincipal()
CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require_roles(*roles: str):
    return Depends(BearerPrincipal(roles))
