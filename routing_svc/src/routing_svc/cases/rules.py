"""Pure routing decisions (属地管理、分级负责、谁主管谁负责, ADR 0013) and the case scope of a token.

The lifecycle (the guarded state machine) is in `lifecycle.py`; both are free of I/O.
"""

from dataclasses import dataclass, field
from typing import Literal

Tier = Literal["community", "street", "district"]
Severity = Literal["minor", "general", "complex", "difficult"]
Mode = Literal["transfer", "assign"]
CaseKind = Literal["petition", "suggestion", "report"]
LegalRoute = Literal["litigation", "arbitration", "administrative_reconsideration", "party_appeal", "other_procedure"]

TIERS: tuple[Tier, ...] = ("community", "street", "district")
TIER_OF_LEVEL = {"community": "community", "street": "street", "district": "district"}
STARTING_TIER: dict[str, Tier] = {
    "minor": "community",
    "general": "community",
    "complex": "street",
    "difficult": "district",
}
CODE_LENGTH_OF_TIER: dict[Tier, int] = {"district": 6, "street": 9, "community": 12}
KIND_OF_PETITION: dict[str, CaseKind] = {"complaint": "petition", "suggestion": "suggestion", "report": "report"}
LEGAL_ROUTE_NAMES: dict[str, str] = {
    "litigation": "向人民法院提起诉讼",
    "arbitration": "申请仲裁",
    "administrative_reconsideration": "申请行政复议",
    "party_appeal": "向党组织提出申诉",
    "other_procedure": "依照其他法定程序处理",
}


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit that can hold a case: a community, street or district node, or a department."""

    code: str
    name: str
    tier: Tier


@dataclass(frozen=True, slots=True)
class Place:
    """Where the matter happened, as far as the tree knows: each level may be unknown."""

    district: Unit
    street: Unit | None = None
    community: Unit | None = None


@dataclass(frozen=True, slots=True)
class Routing:
    """Who handles a case: the lead unit, co-handlers, how it is sent and whether the fallback owner took it."""

    lead: Unit
    tier: Tier
    mode: Mode
    co_units: tuple[Unit, ...] = ()
    department: Unit | None = None
    fallback: bool = False


@dataclass(frozen=True, slots=True)
class Matter:
    """What routing needs to know about a petition or an escalated finding."""

    kind: CaseKind = "petition"
    severity: Severity = "general"
    source: Literal["petition", "conflict"] = "petition"
    tier: Tier | None = None  # a finding names its tier; a petition's follows from its severity
    skip_level: bool = False
    repeat: bool = False
    group_size: int = 1
    departments: dict[str, Unit] = field(default_factory=dict)  # level (street/district) -> competent department


def starting_tier(severity: str) -> Tier:
    """Minor and general matters start at the community, complex at the street, difficult at the district."""
    return STARTING_TIER[severity]


def next_tier(tier: Tier) -> Tier | None:
    """One tier up; None above the district (the top of this system)."""
    index = TIERS.index(tier)
    return TIERS[index + 1] if index + 1 < len(TIERS) else None


def fallback_owner(district: Unit) -> Unit:
    """The district's petition bureau takes what no rule can place (it coordinates at the district tier)."""
    return Unit(code=district.code, name=f"{district.name}信访局", tier="district")


def territorial_unit(place: Place, tier: Tier) -> Unit | None:
    """属地管理: the unit of the place at the tier; None when the place is not known that precisely."""
    return {"community": place.community, "street": place.street, "district": place.district}[tier]


def competent_department(matter: Matter, tier: Tier) -> Unit | None:
    """谁主管、谁负责: the category's department at the level of the tier (community and street cases look to the
    street's department, district cases to the district's)."""
    level = "district" if tier == "district" else "street"
    return matter.departments.get(level)


def routing_mode(matter: Matter, tier: Tier) -> Mode:
    """交办 (deadline and completion report) for what needs tracking; 转送 (forward and track) otherwise."""
    tracked = (
        matter.severity in ("complex", "difficult")
        or matter.source == "conflict"
        or matter.skip_level
        or matter.repeat
        or matter.group_size > 5
        or tier == "district"
    )
    return "assign" if tracked else "transfer"


def route(matter: Matter, place: Place) -> Routing:
    """Decide who handles a matter: by kind, then tier (severity or the finding's), place and category."""
    if matter.kind == "report":
        return Routing(lead=fallback_owner(place.district), tier="district", mode="assign", fallback=True)
    if matter.kind == "suggestion":
        department = matter.departments.get("district")
        lead = department or fallback_owner(place.district)
        return Routing(lead=lead, tier="district", mode="transfer", department=department, fallback=department is None)
    tier = matter.tier or starting_tier(matter.severity)
    return _territorial_routing(matter, place, tier)


def _territorial_routing(matter: Matter, place: Place, tier: Tier) -> Routing:
    lead = territorial_unit(place, tier)
    fallback = lead is None
    if lead is None:
        lead, tier = fallback_owner(place.district), "district"
    department = competent_department(matter, tier)
    co_units = (department,) if department is not None else ()
    return Routing(lead, tier, routing_mode(matter, tier), co_units, department, fallback)


def escalation_target(place: Place, tier: Tier) -> tuple[Unit, Tier] | None:
    """The unit one tier up from `tier` at the place (the district's bureau when the street is unknown)."""
    upper = next_tier(tier)
    if upper is None:
        return None
    unit = territorial_unit(place, upper)
    if unit is None:
        return fallback_owner(place.district), "district"
    return unit, upper


def classify(kind: str, legal_route: str | None) -> tuple[CaseKind, Literal["petition", "legal_procedure"]]:
    """Art. 31: a matter for litigation, arbitration, reconsideration or a Party appeal leaves the petition track."""
    case_kind = KIND_OF_PETITION.get(kind, kind)  # type: ignore[arg-type]
    if case_kind == "petition" and legal_route is not None:
        return case_kind, "legal_procedure"
    return case_kind, "petition"  # type: ignore[return-value]


# -- scope: which cases a token's jurisdiction covers -----------------------------------------------------------


def scope_of(jurisdiction: str | None) -> tuple[str, str] | None:
    """A token's scope as (column, code): a district, street or community code, else a department code."""
    if not jurisdiction:
        return None
    if jurisdiction.isdigit() and len(jurisdiction) in (6, 9):
        return ("district_code" if len(jurisdiction) == 6 else "street_code"), jurisdiction
    return "unit_code", jurisdiction


def visible_to(
    jurisdiction: str | None, *, unit_code: str, is_admin: bool, district_code: str = "", street_code: str | None = None
) -> bool:
    """A unit sees its own cases, a street its communities', the district everything; a department its own."""
    if is_admin:
        return True
    scope = scope_of(jurisdiction)
    if scope is None:
        return False
    column, code = scope
    district_code = district_code or unit_code[:6]
    street_code = street_code if street_code is not None else (unit_code[:9] if len(unit_code) >= 9 else None)
    values = {"district_code": district_code, "street_code": street_code, "unit_code": unit_code}
    return values[column] == code


def acts_for(jurisdiction: str | None, *, unit_code: str, co_unit_codes: tuple[str, ...] = ()) -> bool:
    """A unit acts (signs, objects, replies) only on the cases it holds, as lead or as co-handler."""
    return bool(jurisdiction) and (jurisdiction == unit_code or jurisdiction in co_unit_codes)


def place_codes(unit_code: str, district_code: str) -> tuple[str, str | None]:
    """The district and street a unit lies in, for scope columns (a department lies in the district)."""
    if unit_code.isdigit() and len(unit_code) >= 9:
        return unit_code[:6], unit_code[:9]
    return district_code, None
