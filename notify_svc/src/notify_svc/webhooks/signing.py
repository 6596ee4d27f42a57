"""Signing of outbound webhooks (Standard Webhooks v1, https://www.standardwebhooks.com/).

The scheme itself lives in ``services.http.webhook_signature`` so that routing_svc verifies inbound callbacks with
exactly the same code; this module adds what only the sender needs: new secrets and the complete header set.
"""

import base64
import hashlib
import hmac
from collections.abc import Sequence
from secrets import token_bytes

from services.http.webhook_signature import (
    DEFAULT_TOLERANCE,
    HEADER_ID,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    MAX_SECRET_BYTES,
    MIN_SECRET_BYTES,
    SECRET_PREFIX,
    SIGNATURE_VERSION,
    WebhookHeadersMissing,
    WebhookSignatureError,
    WebhookSignatureInvalid,
    WebhookTimestampOutOfRange,
    decode_secret,
    encode_secret,
    sign,
    verify,
)

__all__ = [
    "DEFAULT_TOLERANCE",
    "SECRET_BYTES",
    "SECRET_PREFIX",
    "WebhookHeadersMissing",
    "WebhookSignatureError",
    "WebhookSignatureInvalid",
    "WebhookTimestampOutOfRange",
    "decode_secret",
    "generate_secret",
    "headers",
    "keyed_headers",
    "sign",
    "verify",
]

SECRET_BYTES = 32


def generate_secret(*, nbytes: int = SECRET_BYTES) -> str:
    """A new endpoint secret: ``whsec_`` + base64 of ``nbytes`` random bytes (24 to 64; 32 by default)."""
    if not MIN_SECRET_BYTES <= nbytes <= MAX_SECRET_BYTES:
        raise ValueError(f"a webhook secret has {MIN_SECRET_BYTES}-{MAX_SECRET_BYTES} bytes")
    return encode_secret(token_bytes(nbytes))


def headers(*, msg_id: str, timestamp: int, body: bytes, secrets: Sequence[str]) -> dict[str, str]:
    """The headers of one delivery attempt; ``timestamp`` is the attempt's time, ``msg_id`` stays the same on retries.

    ``secrets`` holds the endpoint's current secret and, while a rotation overlaps, the previous one too.
    """
    if isinstance(secrets, str) or not secrets:
        raise ValueError("at least one secret is required, given as a list")
    return keyed_headers(msg_id=msg_id, timestamp=timestamp, body=body, keys=[decode_secret(s) for s in secrets])


def keyed_headers(*, msg_id: str, timestamp: int, body: bytes, keys: Sequence[bytes]) -> dict[str, str]:
    """``headers`` for keys decoded once per endpoint (``decode_secret``), the deliverer's hot path: the same
    signatures as ``sign`` (a unit test holds them equal), without decoding and checking the secrets every time."""
    if not msg_id or "." in msg_id or any(ch.isspace() for ch in msg_id):
        raise ValueError("webhook id must be non-empty and contain neither '.' nor whitespace")
    signed = f"{msg_id}.{timestamp}.".encode() + body
    signature = " ".join(
        f"{SIGNATURE_VERSION},{base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode('ascii')}"
        for key in keys
    )
    return {
        HEADER_ID: msg_id,
        HEADER_TIMESTAMP: str(timestamp),
        HEADER_SIGNATURE: signature,
        "content-type": "application/json",
    }
