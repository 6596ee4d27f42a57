"""Pure decisions of registration: numbers, codes, masking, who may see a petition."""

import hashlib
import hmac
import secrets
from datetime import datetime

from services.http.auth import Principal

STAFF_ROLES = ("reception", "handler", "supervisor", "leader", "admin")
_QUERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def tracking_number(*, year: int, district_code: str, sequence: int) -> str:
    return f"{year}-{district_code}-{sequence:06d}"


def new_query_code() -> str:
    """8 characters from 31 (about 40 bits); one random draw instead of one per character."""
    value = secrets.randbits(64)
    code = []
    for _ in range(8):
        value, index = divmod(value, len(_QUERY_ALPHABET))
        code.append(_QUERY_ALPHABET[index])
    return "".join(code)


def hash_query_code(code: str, *, pepper: str) -> str:
    return hmac.new(pepper.encode(), code.encode(), hashlib.sha256).hexdigest()


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}"


def received_in_future(received_at: datetime, now: datetime) -> bool:
    return received_at > now


def can_see(principal: Principal, *, registered_by: str, jurisdiction_code: str) -> bool:
    """Petitioners see their own petitions; staff see their jurisdiction (a prefix of the code); admin all."""
    if principal.has_any("admin"):
        return True
    if principal.has_any(*STAFF_ROLES) and principal.jurisdiction:
        return jurisdiction_code.startswith(principal.jurisdiction)
    return principal.has_any("petitioner") and registered_by == principal.sub
