"""The special-residents register: which categories exist, how often each is visited, how values are bound."""

from screening_svc.config import ResidentCategory


def interval_of(category: str, categories: dict[str, ResidentCategory]) -> str | None:
    """The visit interval (``weekly`` / ``monthly``) of a configured category; None for an unknown category."""
    configured = categories.get(category)
    return configured.interval if configured is not None else None


def binding(resident_id: object, column: str) -> str:
    """Associated data of an encrypted value: a ciphertext moved to another row or column does not decrypt."""
    return f"special_residents:{resident_id}:{column}"
