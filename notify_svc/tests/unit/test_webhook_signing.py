"""notify_svc.webhooks.signing (and services.http.webhook_signature): Standard Webhooks v1, interop both ways."""

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest
import standardwebhooks
import standardwebhooks.webhooks as reference_module

from notify_svc.webhooks import signing
from services.http.webhook_signature import decode_secret, encode_secret

NOW = datetime(2026, 11, 29, 3, 0, 0, tzinfo=UTC)
NOW_TS = int(NOW.timestamp())
OLD = encode_secret(bytes(range(32)))
NEW = encode_secret(bytes(range(100, 132)))
OTHER = encode_secret(b"\xaa" * 32)
BODY = (
    b'{"type":"xinfang.case.routed.v1","data":{"case_id":"0192f0c2-7c1d-7c3e-9d6a-3f1e2b4c5d6e","note":"\xe5\x8a\x9e"}}'
)
MSG_ID = "msg_0192f0c27c1d7c3e"

# The worked example of the Svix/Standard Webhooks documentation ("verifying webhooks manually").
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


class _FrozenDatetime(datetime):
    @classmethod
    def now(cls, tz=None):  # noqa: ANN001, ANN206 - mirrors datetime.now
        return NOW.astimezone(tz)


@pytest.fixture
def frozen_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the reference package read NOW as the current time, like ours does through ``now``."""
    monkeypatch.setattr(reference_module, "datetime", _FrozenDatetime)


def _manual(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def _headers(signature: str, *, msg_id: str = MSG_ID, timestamp: int = NOW_TS) -> dict[str, str]:
    return {"webhook-id": msg_id, "webhook-timestamp": str(timestamp), "webhook-signature": signature}


# --- secrets -----------------------------------------------------------------------------------------------------


def test_generated_secret_has_prefix_and_32_random_bytes() -> None:
    secret = signing.generate_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32
    assert signing.generate_secret() != secret


@pytest.mark.parametrize("nbytes", [24, 48, 64])
def test_generated_secret_length_is_configurable(nbytes: int) -> None:
    assert len(decode_secret(signing.generate_secret(nbytes=nbytes))) == nbytes


@pytest.mark.parametrize("nbytes", [0, 16, 23, 65, 128])
def test_generated_secret_length_out_of_range(nbytes: int) -> None:
    with pytest.raises(ValueError):
        signing.generate_secret(nbytes=nbytes)


def test_generated_secret_is_accepted_by_reference_package() -> None:
    secret = signing.generate_secret()
    assert standardwebhooks.Webhook(secret)._whsecret == decode_secret(secret)


@pytest.mark.parametrize(
    "secret",
    [
        OLD,
        OLD.removeprefix("whsec_"),  # the prefix is optional, as in the reference package
        OLD.rstrip("="),  # missing padding is tolerated, as in the reference package
    ],
)
def test_decode_secret_accepted_forms(secret: str) -> None:
    assert decode_secret(secret) == bytes(range(32))


@pytest.mark.parametrize(
    "secret",
    [
        "",
        "whsec_",
        "whsec_" + base64.b64encode(b"x" * 23).decode(),  # too short
        "whsec_" + base64.b64encode(b"x" * 65).decode(),  # too long
        "whsec_" + "A" * 31 + "!",  # outside the alphabet (the reference package would drop it silently)
        "whsec_" + base64.urlsafe_b64encode(b"\xfb" * 32).decode(),  # URL-safe alphabet is not the spec's
        "whsec_A",  # impossible length
    ],
)
def test_decode_secret_refuses(secret: str) -> None:
    with pytest.raises(ValueError):
        decode_secret(secret)


@pytest.mark.parametrize("key", [b"x" * 23, b"x" * 65, b""])
def test_encode_secret_refuses_wrong_length(key: bytes) -> None:
    with pytest.raises(ValueError):
        encode_secret(key)


# --- signing -----------------------------------------------------------------------------------------------------


def test_published_example_vector() -> None:
    assert (
        signing.sign(msg_id=SPEC_MSG_ID, timestamp=SPEC_TIMESTAMP, body=SPEC_BODY, secrets=[SPEC_SECRET])
        == SPEC_SIGNATURE
    )


def test_signature_is_hmac_of_id_timestamp_body() -> None:
    assert signing.sign(msg_id=MSG_ID, timestamp=NOW_TS, body=BODY, secrets=[NEW]) == _manual(NEW, MSG_ID, NOW_TS, BODY)


def test_one_signature_per_secret_space_separated_in_order() -> None:
    value = signing.sign(msg_id=MSG_ID, timestamp=NOW_TS, body=BODY, secrets=[NEW, OLD])
    assert value.split(" ") == [_manual(NEW, MSG_ID, NOW_TS, BODY), _manual(OLD, MSG_ID, NOW_TS, BODY)]


@pytest.mark.parametrize(
    ("field", "value"),
    [("msg_id", "msg_2"), ("timestamp", NOW_TS + 1), ("body", BODY + b" ")],
)
def test_every_signed_part_changes_the_signature(field: str, value: object) -> None:
    base = {"msg_id": MSG_ID, "timestamp": NOW_TS, "body": BODY, "secrets": [NEW]}
    assert signing.sign(**base) != signing.sign(**{**base, field: value})


@pytest.mark.parametrize(
    "kwargs",
    [
        {"secrets": []},
        {"secrets": NEW},  # a bare string, not a list
        {"secrets": ["whsec_short"]},
        {"msg_id": ""},
        {"msg_id": "msg.1"},  # '.' would make the signed content ambiguous
        {"msg_id": "msg 1"},
        {"timestamp": -1},
        {"timestamp": 1.5},
        {"timestamp": True},
    ],
)
def test_sign_refuses(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        signing.sign(**{"msg_id": MSG_ID, "timestamp": NOW_TS, "body": BODY, "secrets": [NEW], **kwargs})


def test_headers() -> None:
    result = signing.headers(msg_id=MSG_ID, timestamp=NOW_TS, body=BODY, secrets=[NEW, OLD])
    assert result == {
        "webhook-id": MSG_ID,
        "webhook-timestamp": str(NOW_TS),
        "webhook-signature": signing.sign(msg_id=MSG_ID, timestamp=NOW_TS, body=BODY, secrets=[NEW, OLD]),
        "content-type": "application/json",
    }


# --- verifying ---------------------------------------------------------------------------------------------------


def test_verify_returns_the_message_id() -> None:
    headers = signing.headers(msg_id=MSG_ID, timestamp=NOW_TS, body=BODY, secrets=[NEW])
    assert signing.verify(headers=headers, body=BODY, secret=NEW, now=NOW) == MSG_ID


def test_verify_published_example_vector() -> None:
    headers = _headers(SPEC_SIGNATURE, msg_id=SPEC_MSG_ID, timestamp=SPEC_TIMESTAMP)
    now = datetime.fromtimestamp(SPEC_TIMESTAMP, tz=UTC)
    assert signing.verify(headers=headers, body=SPEC_BODY, secret=SPEC_SECRET, now=now) == SPEC_MSG_ID


@pytest.mark.parametrize("secret", [OLD, NEW])
def test_verify_accepts_either_rotated_signature(secret: str) -> None:
    headers = signing.headers(msg_id=MSG_ID, timestamp=NOW_TS, body=BODY, secrets=[OLD, NEW])
    assert signing.verify(headers=headers, body=BODY, secret=secret, now=NOW) == MSG_ID


def test_verify_accepts_a_list_of_secrets_during_rotation() -> None:
    headers = signing.headers(msg_id=MSG_ID, timestamp=NOW_TS, body=BODY, secrets=[OLD])
    assert signing.verify(headers=headers, body=BODY, secret=[NEW, OLD], now=NOW) == MSG_ID


def test_verify_headers_are_case_insensitive() -> None:
    signature = signing.sign(msg_id=MSG_ID, timestamp=NOW_TS, body=BODY, secrets=[NEW])
    headers = {"Webhook-Id": MSG_ID, "WEBHOOK-TIMESTAMP": str(NOW_TS), "Webhook-Signature": signature}
    assert signing.verify(headers=headers, body=BODY, secret=NEW, now=NOW) == MSG_ID


@pytest.mark.parametrize(
    "signature_header",
    [
        "v1a,AAAA {good}",  # another scheme first is skipped
        "garbage {good}",  # an item without a comma is skipped (the reference package crashes on it)
        "v1,not-base64! {good}",
        "v2,{digest} {good}",
        "{good}  v1,AAAA",  # several spaces
        " {good} ",
    ],
)
def test_verify_skips_other_and_malformed_items(signature_header: str) -> None:
    good = signing.sign(msg_id=MSG_ID, timestamp=NOW_TS, body=BODY, secrets=[NEW])
    header = signature_header.format(good=good, digest=good.removeprefix("v1,"))
    assert signing.verify(headers=_headers(header), body=BODY, secret=NEW, now=NOW) == MSG_ID


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [(0, True), (300, True), (-300, True), (301, False), (-301, False), (86_400, False), (-NOW_TS, False)],
)
def test_verify_timestamp_tolerance(offset: int, accepted: bool) -> None:
    timestamp = NOW_TS + offset
    headers = signing.headers(msg_id=MSG_ID, timestamp=timestamp, body=BODY, secrets=[NEW])
    if accepted:
        assert signing.verify(headers=headers, body=BODY, secret=NEW, now=NOW) == MSG_ID
    else:
        with pytest.raises(signing.WebhookTimestampOutOfRange) as caught:
            signing.verify(headers=headers, body=BODY, secret=NEW, now=NOW)
        assert caught.value.code == "webhook_timestamp_out_of_range"


def test_verify_custom_tolerance() -> None:
    headers = signing.headers(msg_id=MSG_ID, timestamp=NOW_TS - 60, body=BODY, secrets=[NEW])
    with pytest.raises(signing.WebhookTimestampOutOfRange):
        signing.verify(headers=headers, body=BODY, secret=NEW, now=NOW, tolerance=timedelta(seconds=59))
    assert signing.verify(headers=headers, body=BODY, secret=NEW, now=NOW, tolerance=timedelta(seconds=60)) == MSG_ID


def test_verify_requires_an_aware_now() -> None:
    headers = signing.headers(msg_id=MSG_ID, timestamp=NOW_TS, body=BODY, secrets=[NEW])
    with pytest.raises(ValueError):
        signing.verify(headers=headers, body=BODY, secret=NEW, now=NOW.replace(tzinfo=None))


@pytest.mark.parametrize(
    ("mutation", "code"),
    [
        ({"body": BODY + b"\n"}, "webhook_signature_invalid"),
        ({"body": b""}, "webhook_signature_invalid"),
        ({"secret": OTHER}, "webhook_signature_invalid"),
        ({"headers": {"webhook-id": "msg_other"}}, "webhook_signature_invalid"),
        ({"headers": {"webhook-timestamp": str(NOW_TS + 1)}}, "webhook_signature_invalid"),
        ({"headers": {"webhook-signature": "v1,AAAA"}}, "webhook_signature_invalid"),
        ({"headers": {"webhook-signature": "v1a,AAAA"}}, "webhook_signature_invalid"),
        ({"headers": {"webhook-signature": "v1,"}}, "webhook_signature_invalid"),
        ({"headers": {"webhook-id": ""}}, "webhook_headers_missing"),
        ({"headers": {"webhook-signature": "  "}}, "webhook_headers_missing"),
        ({"headers": {"webhook-timestamp": "1795921200.5"}}, "webhook_headers_missing"),
        ({"headers": {"webhook-timestamp": "-1795921200"}}, "webhook_headers_missing"),
        ({"headers": {"webhook-timestamp": "soon"}}, "webhook_headers_missing"),
        ({"headers": {"webhook-timestamp": "9" * 40}}, "webhook_headers_missing"),
    ],
)
def test_verify_refuses(mutation: dict, code: str) -> None:
    headers = signing.headers(msg_id=MSG_ID, timestamp=NOW_TS, body=BODY, secrets=[NEW])
    kwargs = {"headers": headers, "body": BODY, "secret": NEW, "now": NOW}
    kwargs |= {key: value for key, value in mutation.items() if key != "headers"}
    kwargs["headers"] = {**headers, **mutation.get("headers", {})}
    with pytest.raises(signing.WebhookSignatureError) as caught:
        signing.verify(**kwargs)
    assert caught.value.code == code
    assert caught.value.status == 401
    assert caught.value.title  # a Chinese title for the problem+json answer


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_verify_names_the_missing_header(missing: str) -> None:
    headers = signing.headers(msg_id=MSG_ID, timestamp=NOW_TS, body=BODY, secrets=[NEW])
    del headers[missing]
    with pytest.raises(signing.WebhookHeadersMissing) as caught:
        signing.verify(headers=headers, body=BODY, secret=NEW, now=NOW)
    assert missing in caught.value.detail


def test_verify_with_no_secret_is_a_programming_error() -> None:
    headers = signing.headers(msg_id=MSG_ID, timestamp=NOW_TS, body=BODY, secrets=[NEW])
    with pytest.raises(ValueError):
        signing.verify(headers=headers, body=BODY, secret=[], now=NOW)


def test_verify_compares_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr("services.http.webhook_signature.hmac.compare_digest", spy)
    headers = signing.headers(msg_id=MSG_ID, timestamp=NOW_TS, body=BODY, secrets=[OLD, NEW])
    signing.verify(headers=headers, body=BODY, secret=NEW, now=NOW)
    assert len(calls) == 2  # every offered signature is compared, none by ==


# --- interop with the reference package (standardwebhooks on PyPI) ------------------------------------------------


@pytest.mark.parametrize("secrets", [[NEW], [OLD, NEW], [NEW, OLD]])
@pytest.mark.parametrize("receiver_secret", [NEW, NEW.removeprefix("whsec_")])
def test_reference_package_verifies_our_signatures(
    frozen_reference: None, secrets: list[str], receiver_secret: str
) -> None:
    headers = signing.headers(msg_id=MSG_ID, timestamp=NOW_TS, body=BODY, secrets=secrets)
    assert standardwebhooks.Webhook(receiver_secret).verify(BODY, headers) == json.loads(BODY)


def test_reference_package_rejects_our_signature_for_another_secret(frozen_reference: None) -> None:
    headers = signing.headers(msg_id=MSG_ID, timestamp=NOW_TS, body=BODY, secrets=[OLD])
    with pytest.raises(standardwebhooks.WebhookVerificationError):
        standardwebhooks.Webhook(NEW).verify(BODY, headers)


@pytest.mark.parametrize("secret", [OLD, NEW])
def test_we_verify_reference_package_signatures(secret: str) -> None:
    signature = standardwebhooks.Webhook(secret).sign(MSG_ID, NOW, BODY.decode())
    assert signature == signing.sign(msg_id=MSG_ID, timestamp=NOW_TS, body=BODY, secrets=[secret])
    assert signing.verify(headers=_headers(signature), body=BODY, secret=secret, now=NOW) == MSG_ID


@pytest.mark.parametrize("secret", [OLD, NEW])
def test_we_verify_a_rotation_header_built_from_reference_signatures(secret: str) -> None:
    header = " ".join(standardwebhooks.Webhook(item).sign(MSG_ID, NOW, BODY.decode()) for item in (OLD, NEW))
    assert signing.verify(headers=_headers(header), body=BODY, secret=secret, now=NOW) == MSG_ID
    with pytest.raises(signing.WebhookSignatureInvalid):
        signing.verify(headers=_headers(header), body=BODY, secret=OTHER, now=NOW)


def test_reference_package_uses_the_same_header_names(frozen_reference: None) -> None:
    headers = signing.headers(msg_id=MSG_ID, timestamp=NOW_TS, body=BODY, secrets=[NEW])
    del headers["webhook-signature"]
    with pytest.raises(standardwebhooks.WebhookVerificationError, match="Missing required headers"):
        standardwebhooks.Webhook(NEW).verify(BODY, headers)


def test_keyed_headers_sign_as_the_secrets_do() -> None:
    """The deliverer's path (keys decoded once per endpoint) signs exactly as ``sign`` and the specification."""
    keys = [decode_secret(NEW), decode_secret(OLD)]
    keyed = signing.keyed_headers(msg_id=SPEC_MSG_ID, timestamp=NOW_TS, body=BODY, keys=keys)
    assert keyed == signing.headers(msg_id=SPEC_MSG_ID, timestamp=NOW_TS, body=BODY, secrets=[NEW, OLD])
    spec = signing.keyed_headers(
        msg_id=SPEC_MSG_ID, timestamp=SPEC_TIMESTAMP, body=SPEC_BODY, keys=[decode_secret(SPEC_SECRET)]
    )
    assert spec["webhook-signature"] == SPEC_SIGNATURE
    with pytest.raises(ValueError):
        signing.keyed_headers(msg_id="a.b", timestamp=NOW_TS, body=BODY, keys=keys)
