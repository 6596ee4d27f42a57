"""Pure decisions of policy risk assessment (ADR 0023): the stages and what each needs before it concludes, the
rates against the plan's 95% target, the overall risk level, and where a household file may lie."""

STAGES = ("drafting", "before_implementation", "after_implementation")
LEVELS = ("low", "medium", "high")
RATE_TARGET = 95.0
"""The plan: awareness and approval of major policies at least 95%."""
NEEDS = {"drafting": "reviews", "before_implementation": "consultations"}
"""Drafting concludes after at least one review; before implementation after at least one consultation."""
RECORDED_IN = {
    "reviews": ("drafting",),
    "consultations": ("before_implementation",),
    "clause_changes": ("drafting", "before_implementation"),
    "monitoring": ("after_implementation",),
}


def next_stage(stage: str) -> str | None:
    """The stage after ``stage``; None after implementation (its conclusions repeat, the stage stays)."""
    index = STAGES.index(stage)
    return STAGES[index + 1] if index + 1 < len(STAGES) else None


def may_record(kind: str, stage: str) -> bool:
    return stage in RECORDED_IN[kind]


def missing_for_conclusion(stage: str, counts: dict[str, int]) -> str | None:
    """What a stage still lacks before it can conclude (``reviews``, ``consultations``), or None."""
    need = NEEDS.get(stage)
    return need if need is not None and counts.get(need, 0) == 0 else None


def blocks_implementation(stage: str, risk_level: str) -> bool:
    """A high risk concluded before implementation stops it: mitigate, consult again and conclude lower."""
    return stage == "before_implementation" and risk_level == "high"


def overall_level(levels: list[str]) -> str:
    """The highest level among the risk items (low when there are none)."""
    return max(levels, key=LEVELS.index, default="low")


def weighted_rate(samples: list[tuple[int, float | None]]) -> float | None:
    """Respondent-weighted average of the rates measured (None when nothing measured or nobody answered)."""
    measured = [(n, rate) for n, rate in samples if rate is not None and n > 0]
    total = sum(n for n, _ in measured)
    return None if total == 0 else round(sum(n * rate for n, rate in measured) / total, 1)


def below_target(rate: float | None, target: float = RATE_TARGET) -> bool:
    return rate is not None and rate < target


def in_affected_area(community_code: str, affected: list[str]) -> bool:
    return community_code in affected


def areas_within(communities: list[str], jurisdiction: str) -> list[int]:
    """Indexes of the affected communities that lie outside the policy's jurisdiction."""
    return [i for i, code in enumerate(communities) if not code.startswith(jurisdiction)]


def visible(*, everything: bool, jurisdiction: str | None, policy_jurisdiction: str, departments: list[str]) -> bool:
    """Staff of the policy's area (or above it) and its lead and co-departments see it."""
    if everything:
        return True
    if not jurisdiction:
        return False
    return policy_jurisdiction.startswith(jurisdiction) or jurisdiction in departments


def household_binding(household_id: object, column: str) -> str:
    return f"risk_households:{household_id}:{column}"
