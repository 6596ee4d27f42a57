"""Webhook settings fail fast: a bad allowlist entry, or a claim lease no longer than a request."""

import pytest
from pydantic import ValidationError

from notify_svc.config import NotifySettings
from notify_svc.webhooks.delivery import claim_ahead


@pytest.mark.parametrize("entries", [["10.0.0.0/8", "10.20.30.40", "oa.gov.example", "::1"], []])
def test_a_valid_allowlist_is_kept(entries: list[str]) -> None:
    assert NotifySettings(webhook_allowlist=entries).webhook_allowlist == entries


@pytest.mark.parametrize("entry", ["10.0.0.0/33", "http://oa.gov.example", "0x7f.1", "bad host", "*.gov.example"])
def test_a_bad_allowlist_entry_is_refused(entry: str) -> None:
    with pytest.raises(ValidationError):
        NotifySettings(webhook_allowlist=[entry])


def test_unset_allowlist_and_http_stay_unset_for_the_environment_to_decide() -> None:
    settings = NotifySettings()
    assert (settings.webhook_allowlist, settings.webhook_allow_http) == (None, None)


@pytest.mark.parametrize(
    ("lease", "timeout", "valid"), [(120, 10, True), (10.5, 10, True), (10, 10, False), (5, 10, False)]
)
def test_the_claim_lease_outlasts_a_request(lease: float, timeout: float, valid: bool) -> None:
    values = {"webhook_claim_lease_seconds": lease, "webhook_timeout_seconds": timeout}
    if valid:
        assert NotifySettings(**values).webhook_claim_lease_seconds == lease
    else:
        with pytest.raises(ValidationError):
            NotifySettings(**values)


@pytest.mark.parametrize(
    ("lease", "timeout", "concurrency", "ahead"),
    [(120, 10, 4, 32), (120, 10, 2, 22), (25, 10, 4, 4), (10.5, 10, 4, 4), (120, 60, 1, 1), (600, 1, 64, 64)],
)
def test_a_worker_claims_ahead_only_what_it_can_start_within_the_lease(
    lease: float, timeout: float, concurrency: int, ahead: int
) -> None:
    settings = NotifySettings(
        webhook_claim_lease_seconds=lease, webhook_timeout_seconds=timeout, webhook_endpoint_concurrency=concurrency
    )
    assert claim_ahead(settings) == ahead
    rounds = -(-ahead // concurrency)  # the last one claimed starts after this many rounds of whole timeouts
    assert rounds * timeout < lease
