"""Standard Webhooks v1 symmetric signatures (https://www.standardwebhooks.com/, spec 1.0.0).

The signed content is ``{webhook-id}.{webhook-timestamp}.{body}``; the signature is HMAC-SHA256 keyed with the
base64-decoded secret, sent as ``v1,<base64>`` in ``webhook-signature``. Several signatures are space-separated so
that a secret can be rotated without downtime: the sender signs with the old and the new secret during the overlap and
the receiver accepts the message when any one of them matches.

Secrets are ``whsec_`` + base64 of 24 to 64 random bytes. Like the reference ``standardwebhooks`` package, the
``whsec_`` prefix is optional when a secret is read and missing base64 padding is tolerated; unlike it, any other
character outside the base64 alphabet is refused instead of silently dropped, and so is a key of the wrong length.

Every service that signs (notify_svc, outbound webhooks) or verifies (routing_svc, inbound department callbacks) uses
these functions, so the two directions cannot drift apart.
"""

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from services.http.errors import ProblemError

SECRET_PREFIX = "whsec_"
MIN_SECRET_BYTES = 24
MAX_SECRET_BYTES = 64
SIGNATURE_VERSION = "v1"
DEFAULT_TOLERANCE = timedelta(minutes=5)

HEADER_ID = "webhook-id"
HEADER_TIMESTAMP = "webhook-timestamp"
HEADER_SIGNATURE = "webhook-signature"

_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")
_TIMESTAMP = re.compile(r"[0-9]{1,12}")


class WebhookSignatureError(ProblemError):
    """An inbound webhook or callback failed Standard Webhooks verification (answered with 401)."""

    status, code, title = 401, "webhook_signature_invalid", "回调签名校验失败"


class WebhookSignatureInvalid(WebhookSignatureError):
    status, code, title = 401, "webhook_signature_invalid", "回调签名校验失败"


class WebhookTimestampOutOfRange(WebhookSignatureError):
    status, code, title = 401, "webhook_timestamp_out_of_range", "回调时间戳超出允许范围"


class WebhookHeadersMissing(WebhookSignatureError):
    status, code, title = 401, "webhook_headers_missing", "缺少或无法解析回调签名请求头"


def decode_secret(secret: str) -> bytes:
    """The HMAC key of a ``whsec_…`` secret; ``ValueError`` when it is not base64 of 24 to 64 bytes."""
    encoded = secret.removeprefix(SECRET_PREFIX)
    encoded += "=" * (-len(encoded) % 4)
    if not _BASE64.fullmatch(encoded):
        raise ValueError("webhook secret is not base64")
    try:
        key = base64.b64decode(encoded, validate=True)
    except binascii.Error as exc:
        raise ValueError("webhook secret is not base64") from exc
    if not MIN_SECRET_BYTES <= len(key) <= MAX_SECRET_BYTES:
        raise ValueError(f"webhook secret must decode to {MIN_SECRET_BYTES}-{MAX_SECRET_BYTES} bytes")
    return key


def encode_secret(key: bytes) -> str:
    """``whsec_`` + base64 of ``key`` (24 to 64 bytes)."""
    if not MIN_SECRET_BYTES <= len(key) <= MAX_SECRET_BYTES:
        raise ValueError(f"webhook secret must be {MIN_SECRET_BYTES}-{MAX_SECRET_BYTES} bytes")
    return SECRET_PREFIX + base64.b64encode(key).decode("ascii")


def _digest(key: bytes, *, msg_id: str, timestamp: str, body: bytes) -> bytes:
    return hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()


def sign(*, msg_id: str, timestamp: int, body: bytes, secrets: Sequence[str]) -> str:
    """The ``webhook-signature`` value: one ``v1,<base64>`` per secret, space-separated, in the order given.

    The message id must not contain ``.`` or whitespace (the spec's guard against ambiguous signed content).
    """
    if not msg_id or "." in msg_id or any(ch.isspace() for ch in msg_id):
        raise ValueError("webhook id must be non-empty and contain neither '.' nor whitespace")
    if isinstance(timestamp, bool) or not isinstance(timestamp, int) or timestamp < 0:
        raise ValueError("webhook timestamp must be a non-negative integer (Unix seconds)")
    if isinstance(secrets, str) or not secrets:
        raise ValueError("at least one secret is required, given as a list")
    signatures = []
    for secret in secrets:
        digest = _digest(decode_secret(secret), msg_id=msg_id, timestamp=str(timestamp), body=body)
        signatures.append(f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode('ascii')}")
    return " ".join(signatures)


def _required_headers(headers: Mapping[str, str]) -> tuple[str, str, str]:
    lowered = {key.lower(): value for key, value in headers.items()}
    names = (HEADER_ID, HEADER_TIMESTAMP, HEADER_SIGNATURE)
    values = [lowered.get(name, "").strip() for name in names]
    missing = [name for name, value in zip(names, values, strict=True) if not value]
    if missing:
        raise WebhookHeadersMissing(f"缺少请求头：{', '.join(missing)}")
    msg_id, timestamp, signature = values
    if not _TIMESTAMP.fullmatch(timestamp):
        raise WebhookHeadersMissing("webhook-timestamp 应为 Unix 秒级整数")
    return msg_id, timestamp, signature


def _check_timestamp(timestamp: str, *, now: datetime, tolerance: timedelta) -> None:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    skew = abs(now.timestamp() - int(timestamp))
    if skew > tolerance.total_seconds():
        raise WebhookTimestampOutOfRange(
            f"时间戳与服务器时间相差 {int(skew)} 秒，允许 ±{int(tolerance.total_seconds())} 秒"
        )


def _offered_signatures(header: str) -> list[bytes]:
    offered = []
    for item in header.split():
        version, _, encoded = item.partition(",")
        if version != SIGNATURE_VERSION or not _BASE64.fullmatch(encoded):
            continue
        try:
            offered.append(base64.b64decode(encoded, validate=True))
        except binascii.Error:
            continue
    return offered


def verify(
    *,
    headers: Mapping[str, str],
    body: bytes,
    secret: str | Sequence[str],
    now: datetime,
    tolerance: timedelta = DEFAULT_TOLERANCE,
) -> str:
    """Check a signed request; return its ``webhook-id`` (the idempotency key) or raise a ``WebhookSignatureError``.

    ``headers`` is matched case-insensitively. ``secret`` may be a list to accept the old and the new secret while a
    rotation is under way. The timestamp must lie within ``now ± tolerance`` (the bounds themselves are accepted);
    the message is accepted when any ``v1`` signature of the space-separated list matches one of the secrets, compared
    in constant time with ``hmac.compare_digest``. Signatures of other schemes (``v1a``) and malformed items are
    skipped, as the spec asks.
    """
    msg_id, timestamp, signature_header = _required_headers(headers)
    _check_timestamp(timestamp, now=now, tolerance=tolerance)
    keys = [decode_secret(secret)] if isinstance(secret, str) else [decode_secret(item) for item in secret]
    if not keys:
        raise ValueError("at least one secret is required")
    offered = _offered_signatures(signature_header)
    matched = False
    for key in keys:
        expected = _digest(key, msg_id=msg_id, timestamp=timestamp, body=body)
        for candidate in offered:
            matched |= hmac.compare_digest(expected, candidate)
    if not matched:
        raise WebhookSignatureInvalid("没有与密钥匹配的 v1 签名")
    return msg_id
