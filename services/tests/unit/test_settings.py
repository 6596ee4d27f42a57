"""services.settings.ServiceSettings: safe defaults in development, refusal of default secrets elsewhere."""

import pytest
from pydantic import ValidationError

from services.settings import DEV_JWT_SECRET, ServiceSettings

REAL_SECRET = "a-real-secret-from-the-vault-8f3a91c2"


@pytest.fixture(autouse=True)
def no_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ServiceSettings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.mark.parametrize("environment", ["staging", "production"])
def test_default_jwt_secret_is_refused_outside_development(environment: str) -> None:
    with pytest.raises(ValidationError, match="jwt_secret must be set to a real secret outside development"):
        ServiceSettings(environment=environment)


@pytest.mark.parametrize("secret", ["changethis", "secret", ""])
def test_well_known_secrets_are_refused_in_production(secret: str) -> None:
    with pytest.raises(ValidationError, match="jwt_secret"):
        ServiceSettings(environment="production", jwt_secret=secret)


def test_production_with_a_real_secret() -> None:
    settings = ServiceSettings(environment="production", jwt_secret=REAL_SECRET)
    assert (settings.environment, settings.jwt_secret) == ("production", REAL_SECRET)


def test_production_with_public_keys_needs_no_secret() -> None:
    settings = ServiceSettings(environment="production", jwt_public_keys=["-----BEGIN PUBLIC KEY-----..."])
    assert settings.jwt_secret == DEV_JWT_SECRET
    assert settings.secret_fields() == ()


def test_production_with_a_jwks_url_needs_no_secret() -> None:
    settings = ServiceSettings(environment="production", jwks_url="https://idp.example/jwks.json")
    assert settings.secret_fields() == ()


@pytest.mark.parametrize("environment", ["development", "test"])
def test_development_and_test_accept_the_defaults(environment: str) -> None:
    settings = ServiceSettings(environment=environment)
    assert settings.jwt_secret == DEV_JWT_SECRET
    assert settings.secret_fields() == ("jwt_secret",)
    assert (settings.bus, settings.bus_namespace, settings.is_postgres) == ("memory", "xinfang", False)


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("JWT_SECRET", REAL_SECRET)
    assert ServiceSettings().jwt_secret == REAL_SECRET


@pytest.mark.parametrize("namespace", ["xinfang", "test-1a2b", "a", "a.b_c-d", "0" + "x" * 63])
def test_valid_bus_namespaces(namespace: str) -> None:
    assert ServiceSettings(bus_namespace=namespace).bus_namespace == namespace


@pytest.mark.parametrize("namespace", ["", "Xinfang", "-leading", ".leading", "has space", "a/b", "0" + "x" * 64])
def test_invalid_bus_namespaces(namespace: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ServiceSettings(bus_namespace=namespace)
    assert [(e["loc"], e["type"]) for e in caught.value.errors()] == [(("bus_namespace",), "string_pattern_mismatch")]


def test_is_postgres_follows_the_url() -> None:
    assert ServiceSettings(database_url="postgresql+asyncpg://u@h/db").is_postgres is True
    assert ServiceSettings(database_url="sqlite+aiosqlite:///x.db").is_postgres is False
