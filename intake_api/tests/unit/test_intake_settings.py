"""intake_api.config.IntakeSettings: the query-code pepper is a secret like the JWT key."""

import pytest
from pydantic import ValidationError

from intake_api.config import IntakeSettings
from services.settings import DEV_CONTACT_KEY, DEV_PII_HASH_KEY, DEV_PII_KEY

REAL_SECRET = "a-real-secret-from-the-vault-8f3a91c2"


@pytest.fixture(autouse=True)
def no_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in IntakeSettings.model_fields:
        monkeypatch.delenv(f"INTAKE_{name.upper()}", raising=False)


def test_production_refuses_the_default_pepper() -> None:
    with pytest.raises(ValidationError, match="query_code_pepper must be set to a real secret"):
        IntakeSettings(environment="production", jwt_secret=REAL_SECRET)


KEYS = {
    "query_code_pepper": REAL_SECRET + "-pepper",
    "pii_key": REAL_SECRET + "-pii",
    "pii_hash_key": REAL_SECRET + "-hash",
    "contact_key": REAL_SECRET + "-contact",
}


def test_production_with_public_keys_still_needs_the_pepper() -> None:
    with pytest.raises(ValidationError, match="query_code_pepper"):
        IntakeSettings(environment="production", jwt_public_keys=["-----BEGIN PUBLIC KEY-----..."])
    settings = IntakeSettings(environment="production", jwt_public_keys=["-----BEGIN PUBLIC KEY-----..."], **KEYS)
    assert settings.secret_fields() == ("query_code_pepper", "pii_key", "pii_hash_key", "contact_key")


def test_production_with_all_secrets() -> None:
    settings = IntakeSettings(environment="production", jwt_secret=REAL_SECRET, **KEYS)
    assert settings.secret_fields() == ("jwt_secret", "query_code_pepper", "pii_key", "pii_hash_key", "contact_key")


@pytest.mark.parametrize("missing", ["pii_key", "pii_hash_key", "contact_key"])
def test_production_refuses_each_default_pii_key(missing: str) -> None:
    keys = {name: value for name, value in KEYS.items() if name != missing}
    with pytest.raises(ValidationError, match=f"{missing} must be set to a real secret"):
        IntakeSettings(environment="production", jwt_secret=REAL_SECRET, **keys)


def test_pii_key_defaults_are_the_development_keys() -> None:
    settings = IntakeSettings()
    assert (settings.pii_key, settings.pii_hash_key, settings.contact_key) == (
        DEV_PII_KEY,
        DEV_PII_HASH_KEY,
        DEV_CONTACT_KEY,
    )
    assert settings.attachment_max_bytes < settings.max_body_bytes
    assert settings.bureau_level == "district"


def test_development_defaults() -> None:
    settings = IntakeSettings()
    assert (settings.environment, settings.query_code_pepper, settings.district_code, settings.demo_data) == (
        "development",
        DEV_PII_KEY,
        "320599",
        False,
    )
    assert settings.database_url == "sqlite+aiosqlite:///./data/intake.sqlite3"


def test_prefixed_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTAKE_DISTRICT_CODE", "110105")
    monkeypatch.setenv("DISTRICT_CODE", "999999")
    assert IntakeSettings().district_code == "110105"
