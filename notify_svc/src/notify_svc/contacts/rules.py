"""Pure decisions about contacts: masking, which units' staff hear about a unit's case, sealed payloads."""

import re
from typing import Any

_JURISDICTION = re.compile(r"^\d{6}(\d{3}(\d{3})?)?$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


def unit_chain(unit_code: str, *, district_code: str) -> list[str]:
    """The unit and the jurisdictions above it, nearest first: community → street → district.

    A department (or any code that is not a jurisdiction code) answers to the district.
    """
    if not _JURISDICTION.match(unit_code):
        return [unit_code] if unit_code == district_code else [unit_code, district_code]
    return [unit_code[:length] for length in (12, 9, 6) if length <= len(unit_code)]


def mask_email(value: str) -> str:
    """``z***@example.cn``: first character of the local part, the domain kept."""
    local, _, domain = value.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def email_valid(value: str) -> bool:
    return bool(_EMAIL.match(value))


def contact_fields(payload: dict[str, Any]) -> tuple[str | None, str | None]:
    """Phone and e-mail from an unsealed contact payload (``{"name", "phone", "email"}``); blanks are absent."""
    phone, email = payload.get("phone"), payload.get("email")
    phone = phone.strip().replace(" ", "") if isinstance(phone, str) and phone.strip() else None
    email = email.strip() if isinstance(email, str) and email.strip() else None
    return phone, email
