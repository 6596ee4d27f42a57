"""Pure rules of the category catalogue and the dispatch catalogue (谁主管、谁负责)."""

from collections.abc import Mapping


def parent_of_category(code: str) -> str | None:
    """A sub-category's parent is its first two digits; a top-level category has none."""
    return code[:2] if len(code) == 4 else None


def check_category(*, code: str, parent_code: str | None, parent_exists: bool) -> str | None:
    """Why a category cannot enter the catalogue (an error code), or None."""
    if not (code.isascii() and code.isdigit() and len(code) in (2, 4)):
        return "code_format"
    if len(code) == 2:
        return "top_level_has_parent" if parent_code is not None else None
    if parent_code != parent_of_category(code):
        return "parent_mismatch"
    return None if parent_exists else "parent_not_found"


def check_dispatch(departments: Mapping[str, str], *, known: Mapping[str, frozenset[str]]) -> tuple[str, str] | None:
    """The first (level, error code) of a dispatch map level → department that does not hold, or None.

    `known` maps each active department's code to the levels where it sits.
    """
    for level, department in departments.items():
        if department not in known:
            return level, "department_not_found"
        if level not in known[department]:
            return level, "department_not_at_level"
    return None


def competent_department(catalogue: Mapping[str, Mapping[str, str]], *, category_code: str, level: str) -> str | None:
    """The competent department of a category at a level: the sub-category's own entry, else its top level's."""
    own = catalogue.get(category_code, {}).get(level)
    if own is not None:
        return own
    parent = parent_of_category(category_code)
    return catalogue.get(parent, {}).get(level) if parent else None
