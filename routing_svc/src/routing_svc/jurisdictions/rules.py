"""Pure rules of the organisation: the shape of the jurisdiction tree and how an address finds its community."""

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

LEVELS = ("district", "street", "community")
CODE_LENGTH = {"district": 6, "street": 9, "community": 12}
PARENT_LEVEL = {"district": None, "street": "district", "community": "street"}
DEPARTMENT_LEVELS = ("district", "street")
MIN_ALIAS_LENGTH = 2


def level_of_code(code: str) -> str | None:
    """The level a code's length stands for (district 6, street 9, community 12 digits), None if not a code."""
    if not code.isascii() or not code.isdigit():
        return None
    return next((level for level, length in CODE_LENGTH.items() if length == len(code)), None)


def check_node(*, code: str, level: str, parent_code: str | None, parent_level: str | None) -> str | None:
    """Why a new node cannot take its place in the tree (an error code), or None.

    `parent_level` is the level of the existing node named by `parent_code` (None when no such node exists).
    """
    if level_of_code(code) != level:
        return "code_does_not_match_level"
    expected_parent = PARENT_LEVEL[level]
    if expected_parent is None:
        return "district_has_no_parent" if parent_code is not None else None
    if parent_code is None or parent_level is None:
        return "parent_not_found"
    if parent_level != expected_parent:
        return "parent_level_mismatch"
    if not code.startswith(parent_code):
        return "code_outside_parent"
    return None


def can_deactivate(*, active_children: int) -> bool:
    """A node with active children cannot be made inactive: its children would hang in the air."""
    return active_children == 0


def ancestors(code: str) -> list[str]:
    """The codes above a node, nearest first, by the code's prefixes (320599001001 → 320599001, 320599)."""
    level = level_of_code(code)
    if level is None:
        return []
    lengths = [CODE_LENGTH[name] for name in LEVELS if CODE_LENGTH[name] < CODE_LENGTH[level]]
    return [code[:length] for length in reversed(lengths)]


def covers(scope: str, code: str) -> bool:
    """Whether a jurisdiction scope (a district covers its streets and communities) includes a node."""
    return level_of_code(scope) is not None and code.startswith(scope)


def normalise(text: str) -> str:
    """Full-width to half-width, case folded, without whitespace: how addresses and aliases are compared."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def clean_aliases(aliases: Iterable[str]) -> list[str]:
    """Stripped, without duplicates (compared normalised), in the order given."""
    seen: dict[str, str] = {}
    for alias in aliases:
        stripped = alias.strip()
        if stripped and normalise(stripped) not in seen:
            seen[normalise(stripped)] = stripped
    return list(seen.values())


@dataclass(frozen=True, slots=True)
class Place:
    """A street or community as address matching sees it: its name and aliases (小区名、路名)."""

    code: str
    level: str
    name: str
    aliases: tuple[str, ...] = ()
    parent_code: str | None = None

    def keys(self) -> list[str]:
        return [key for key in (normalise(k) for k in (self.name, *self.aliases)) if len(key) >= MIN_ALIAS_LENGTH]


@dataclass(frozen=True, slots=True)
class AddressMatch:
    community_code: str
    matched: str = ""


def _best_key(place: Place, address: str) -> str:
    return max((key for key in place.keys() if key in address), key=len, default="")


def match_address(address: str, places: Sequence[Place]) -> AddressMatch | None:
    """The community an address names by its name or an alias; the longest key wins.

    A street named in the address keeps only its communities in the race. Two communities tied on the longest key
    are ambiguous: None, never a guess (the case then goes to the district's coordination).
    """
    text = normalise(address)
    streets = {p.code for p in places if p.level == "street" and _best_key(p, text)}
    scored = [(len(key), key, p) for p in places if p.level == "community" and (key := _best_key(p, text))]
    if streets and any(p.parent_code in streets for _, _, p in scored):
        scored = [entry for entry in scored if entry[2].parent_code in streets]
    if not scored:
        return None
    best = max(length for length, _, _ in scored)
    winners = {p.code: key for length, key, p in scored if length == best}
    if len(winners) != 1:
        return None
    (code, key), *_ = winners.items()
    return AddressMatch(community_code=code, matched=key)
