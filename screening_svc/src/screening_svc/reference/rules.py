"""Which reference update to apply: routing_svc numbers each copy; an older or repeated version changes nothing."""


def should_apply(current_version: int | None, incoming_version: int) -> bool:
    return current_version is None or incoming_version > current_version
