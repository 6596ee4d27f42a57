"""Department callback secrets: configured ones win; the development secret only in development and test."""

import pytest

from routing_svc.callbacks.service import DEV_CALLBACK_SECRET, require_json, secrets_of
from routing_svc.config import RoutingSettings
from services.http.webhook_signature import decode_secret

SECRET = "whsec_" + "A" * 32
REAL_JWT = "a-real-secret-of-enough-length-0123456789"


@pytest.mark.parametrize("environment", ["development", "test"])
def test_development_falls_back_to_the_development_secret(environment: str) -> None:
    settings = RoutingSettings(environment=environment, callback_secrets={"D-HOUSING": [SECRET]})
    assert secrets_of(settings, "D-HOUSING") == [SECRET]
    assert secrets_of(settings, "D-URBAN") == [DEV_CALLBACK_SECRET]


@pytest.mark.parametrize("environment", ["staging", "production"])
def test_elsewhere_a_department_without_a_secret_has_none(environment: str) -> None:
    settings = RoutingSettings(environment=environment, jwt_secret=REAL_JWT, callback_secrets={"D-HOUSING": [SECRET]})
    assert secrets_of(settings, "D-HOUSING") == [SECRET]
    assert secrets_of(settings, "D-URBAN") == []


def test_the_development_secret_is_a_valid_secret() -> None:
    assert 24 <= len(decode_secret(DEV_CALLBACK_SECRET)) <= 64


@pytest.mark.parametrize("secret", ["whsec_bad", "whsec_!!!!", ""])
def test_malformed_secrets_are_refused_at_start(secret: str) -> None:
    with pytest.raises(ValueError, match="callback secret of D-HOUSING"):
        RoutingSettings(callback_secrets={"D-HOUSING": [secret]})


@pytest.mark.parametrize("leads", [[-1], [61]])
def test_reminder_leads_out_of_range_are_refused(leads: list[int]) -> None:
    with pytest.raises(ValueError):
        RoutingSettings(reminder_lead_days=leads)


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8", "Application/JSON"])
def test_json_callbacks_are_accepted(content_type: str) -> None:
    require_json(content_type)


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_other_content_types_are_415(content_type: str | None) -> None:
    with pytest.raises(Exception) as raised:
        require_json(content_type)
    assert getattr(raised.value, "status", None) == 415
