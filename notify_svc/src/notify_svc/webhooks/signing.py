"""Signing of outbound webhooks (Standard Webhooks v1, https://www.standardwebhooks.com/).

The scheme itself lives in ``services.http.webhook_signature`` so that routing_svc verifies inbound callbacks with
exactly the same code; this module adds what only the sender needs: new secrets and the complete header set.
"""

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
    return {
        HEADER_ID: msg_id,
        HEADER_TIMESTAMP: str(timestamp),
        HEADER_SIGNATURE: sign(msg_id=msg_id, timestamp=timestamp, body=body, secrets=secrets),
        "content-type": "application/json",
    }
