"""Pure routing decisions (属地管理、分级负责). Issue-level rules (severity, category) grow here."""

from dataclasses import dataclass

TIER_OF_LEVEL = {"community": "community", "street": "street", "district": "district"}


@dataclass(frozen=True, slots=True)
class Unit:
    code: str
    name: str
    tier: str


def choose_unit(*, community: Unit | None, district: Unit) -> Unit:
    """The place decides the unit: the known community of the matter, else the district's coordination."""
    return community if community is not None else district


def visible_to(jurisdiction: str | None, *, unit_code: str, is_admin: bool) -> bool:
    """A unit sees its own cases, a street its communities', the district everything below it."""
    return is_admin or (bool(jurisdiction) and unit_code.startswith(jurisdiction))
