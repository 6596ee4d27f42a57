"""Personal data: validation, masking, row-bound encryption and keyed look-up hashes (ADR 0007).

- ``Cipher`` encrypts one value with AES-256-GCM under a key from settings; the associated data binds the
  ciphertext to its row and column, so a value copied into another row does not decrypt.
- ``keyed_hash`` is an HMAC-SHA256 under a *separate* key: equal values give equal hashes (look-ups, repeat
  detection) without the value being recoverable from the database alone.
- ``seal`` / ``unseal`` carry contact data across the bus for one consuming service alone (notify_svc).

Keys are 32 bytes given as base64 or as a passphrase of at least 32 characters (stretched with SHA-256);
they come from settings, never from the database.
"""

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
from datetime import date
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE_BYTES = 12
_VERSION = b"\x01"


class PIIError(ValueError):
    """A ciphertext that does not decrypt under this key and binding (tampered, moved or wrong key)."""


@lru_cache(maxsize=32)
def key_bytes(key: str) -> bytes:
    """32 key bytes from base64 (exactly 32 bytes decoded) or from a passphrase of at least 32 characters.
    Remembered per key (a service holds a handful): it is derived for every hash and every sealed value."""
    try:
        raw = base64.b64decode(key, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) == 32:
        return raw
    if len(key) < 32:
        raise ValueError("a PII key must be 32 bytes of base64 or a passphrase of at least 32 characters")
    return hashlib.sha256(key.encode()).digest()


class Cipher:
    """AES-256-GCM, a random nonce per value; ``bind`` is the associated data (``"petitioners:<id>:id_no"``)."""

    def __init__(self, key: str) -> None:
        self._aead = AESGCM(key_bytes(key))

    def encrypt(self, value: str, *, bind: str) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return _VERSION + nonce + self._aead.encrypt(nonce, value.encode(), bind.encode())

    def decrypt(self, blob: bytes, *, bind: str) -> str:
        if blob[:1] != _VERSION:
            raise PIIError("unknown ciphertext version")
        nonce, body = blob[1 : 1 + _NONCE_BYTES], blob[1 + _NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, body, bind.encode()).decode()
        except InvalidTag as exc:
            raise PIIError("ciphertext does not decrypt under this key and binding") from exc


def keyed_hash(value: str, *, key: str, purpose: str) -> str:
    """Hex HMAC-SHA256 of a normalised value; ``purpose`` separates domains (an ID hash never equals a phone hash)."""
    message = f"{purpose}\x00{value.strip().upper()}".encode()
    return hmac.new(key_bytes(key), message, hashlib.sha256).hexdigest()


def seal(payload: dict[str, Any], *, key: str, bind: str) -> str:
    """Encrypt a small JSON object for one consumer holding ``key``; base64url text fit for an event field."""
    blob = _cipher(key).encrypt(json.dumps(payload, ensure_ascii=False, separators=(",", ":")), bind=bind)
    return base64.urlsafe_b64encode(blob).decode()


def unseal(token: str, *, key: str, bind: str) -> dict[str, Any]:
    try:
        blob = base64.urlsafe_b64decode(token.encode())
    except (binascii.Error, ValueError) as exc:
        raise PIIError("sealed value is not base64url") from exc
    return json.loads(_cipher(key).decrypt(blob, bind=bind))


@lru_cache(maxsize=32)
def _cipher(key: str) -> Cipher:
    """One AES context per key (it holds no per-message state), not one per sealed value."""
    return Cipher(key)


# -- validation -------------------------------------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_PATTERN = re.compile(r"^[1-9]\d{16}[\dX]$")
_MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE_PATTERN = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def id_check_digit(first17: str) -> str:
    """The GB 11643-1999 check character (ISO 7064 MOD 11-2) of the first 17 digits."""
    return _ID_CHECK[sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def id_number_problem(value: str, *, today: date | None = None) -> str | None:
    """Why an 18-digit resident ID number is invalid (a Chinese sentence), or None when it is valid."""
    number = value.strip().upper()
    if not _ID_PATTERN.match(number):
        return "身份证号码应为 18 位，前 17 位为数字，末位为数字或 X"
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "身份证号码中的出生日期无效"
    if birth.year < 1900 or birth > (today or date.today()):
        return "身份证号码中的出生日期无效"
    if id_check_digit(number[:17]) != number[17]:
        return "身份证号码校验位不正确"
    return None


def phone_problem(value: str) -> str | None:
    """Why a phone number is invalid: a mainland mobile (11 digits) or a landline with area code."""
    number = value.strip().replace(" ", "")
    if _MOBILE_PATTERN.match(number) or _LANDLINE_PATTERN.match(number):
        return None
    return "电话号码应为 11 位手机号或带区号的固定电话"


def normalise_id_number(value: str) -> str:
    return value.strip().upper()


def normalise_phone(value: str) -> str:
    return value.strip().replace(" ", "")


# -- masking ----------------------------------------------------------------------------------------------------


def mask_id_number(value: str) -> str:
    """``110105********123X``: region kept, birth date and sequence hidden."""
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else "*" * len(value)


def mask_phone(value: str) -> str:
    """``139****0001`` for mobiles; landlines keep the area code and the last two digits."""
    if _MOBILE_PATTERN.match(value):
        return value[:3] + "****" + value[-4:]
    head, _, tail = value.partition("-")
    if tail:
        return head + "-" + "*" * (len(tail) - 2) + tail[-2:]
    return value[:3] + "*" * max(len(value) - 5, 0) + value[-2:]


def mask_name(value: str) -> str:
    """``张*`` / ``欧阳**``: the surname stays, the given name is hidden."""
    if len(value) <= 1:
        return value
    surname = 2 if len(value) >= 4 else 1
    return value[:surname] + "*" * (len(value) - surname)
