"""The pure rules of webhooks: subscribable types, who manages what, address defaults per environment, which
secrets sign, and the thin payload of every event contract (ids and links, never personal data)."""

import json
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from notify_svc.webhooks import rules
from notify_svc.webhooks.sender import describe_status
from services.contracts.consumers import CONSUMED_BY

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
LATER = datetime(2031, 7, 1, tzinfo=UTC)  # unlike any date in the contract examples
CONSUMED = CONSUMED_BY["notify"]


def test_every_consumed_event_type_and_nothing_else_may_be_subscribed() -> None:
    assert rules.SUBSCRIBABLE_EVENT_TYPES == tuple(sorted(cls.event_type for cls in CONSUMED))
    assert len(set(rules.SUBSCRIBABLE_EVENT_TYPES)) == len(rules.SUBSCRIBABLE_EVENT_TYPES)
    assert not [t for t in rules.SUBSCRIBABLE_EVENT_TYPES if t.startswith(("xinfang.webhook.", "xinfang.notif"))]


@pytest.mark.parametrize(
    ("environment", "configured", "expected"),
    [
        ("development", None, rules.LOOPBACK_ALLOWLIST),
        ("test", None, rules.LOOPBACK_ALLOWLIST),
        ("staging", None, ()),
        ("production", None, ()),
        ("production", ["10.20.0.0/16", "oa.gov.example"], ("10.20.0.0/16", "oa.gov.example")),
        ("development", [], ()),
        ("test", ["192.168.0.0/16"], ("192.168.0.0/16",)),
    ],
)
def test_the_allowlist_defaults_to_loopback_only_in_development_and_test(environment, configured, expected) -> None:
    assert rules.effective_allowlist(environment=environment, configured=configured) == expected


@pytest.mark.parametrize(
    ("environment", "configured", "expected"),
    [
        ("development", None, True),
        ("test", None, True),
        ("staging", None, False),
        ("production", None, False),
        ("production", True, True),
        ("development", False, False),
    ],
)
def test_plain_http_to_allowlisted_hosts_only_in_development_and_test_by_default(environment, configured, expected):
    assert rules.http_allowed(environment=environment, configured=configured) is expected


REGISTERED, ASSIGNED = "xinfang.petition.registered.v1", "xinfang.case.assigned.v1"


@pytest.mark.parametrize(
    ("types", "unknown", "repeated"),
    [
        ([REGISTERED], [], []),
        ([REGISTERED, ASSIGNED], [], []),
        ([REGISTERED, "xinfang.nope.v1"], [(1, "xinfang.nope.v1")], []),
        (["xinfang.webhook.delivered.v1"], [(0, "xinfang.webhook.delivered.v1")], []),
        (["XINFANG.PETITION.REGISTERED.V1"], [(0, "XINFANG.PETITION.REGISTERED.V1")], []),
        (["*"], [(0, "*")], []),
        ([REGISTERED, ASSIGNED, REGISTERED, REGISTERED], [], [(2, REGISTERED), (3, REGISTERED)]),
        ([], [], []),
    ],
)
def test_unknown_and_repeated_event_types(types, unknown, repeated) -> None:
    assert rules.unknown_event_types(types) == unknown
    assert rules.duplicate_event_types(types) == repeated


@pytest.mark.parametrize(
    ("roles", "jurisdiction", "owner", "expected"),
    [
        ({"admin"}, None, "D-HOUSING", True),
        ({"admin"}, "320599", "D-HOUSING", True),
        ({"partner"}, "D-HOUSING", "D-HOUSING", True),
        ({"partner"}, "D-EDU", "D-HOUSING", False),
        ({"partner"}, None, "D-HOUSING", False),
        ({"partner"}, "d-housing", "D-HOUSING", False),
        ({"department"}, "D-HOUSING", "D-HOUSING", False),
        ({"handler", "supervisor"}, "D-HOUSING", "D-HOUSING", False),
        ({"partner", "admin"}, "D-EDU", "D-HOUSING", True),
        (set(), "D-HOUSING", "D-HOUSING", False),
    ],
)
def test_who_manages_a_subscription(roles, jurisdiction, owner, expected) -> None:
    assert rules.may_manage(roles=roles, jurisdiction=jurisdiction, owner=owner) is expected


@pytest.mark.parametrize(
    ("roles", "jurisdiction", "requested", "expected"),
    [
        ({"partner"}, "AG-BANK", None, "AG-BANK"),
        ({"partner"}, "AG-BANK", "AG-BANK", "AG-BANK"),
        ({"partner"}, "AG-BANK", "D-EDU", None),
        ({"partner"}, None, None, None),
        ({"admin"}, None, "D-EDU", "D-EDU"),
        ({"admin"}, "320599", None, None),
        ({"admin"}, None, None, None),
        ({"handler"}, "D-EDU", "D-EDU", None),
    ],
)
def test_the_owner_of_a_new_subscription(roles, jurisdiction, requested, expected) -> None:
    assert rules.owner_for_new(roles=roles, jurisdiction=jurisdiction, requested=requested) == expected


@pytest.mark.parametrize(
    ("previous", "expires", "expected"),
    [
        (None, None, ["new"]),
        ("old", NOW + timedelta(seconds=1), ["new", "old"]),
        ("old", NOW + timedelta(hours=24), ["new", "old"]),
        ("old", NOW, ["new"]),
        ("old", NOW - timedelta(seconds=1), ["new"]),
        ("old", None, ["new"]),
        (None, NOW + timedelta(hours=1), ["new"]),
    ],
)
def test_both_secrets_sign_only_during_the_overlap(previous, expires, expected) -> None:
    assert rules.signing_secrets(current="new", previous=previous, previous_expires_at=expires, now=NOW) == expected


@pytest.mark.parametrize(
    ("hours", "expected"), [(24, NOW + timedelta(hours=24)), (0.5, NOW + timedelta(minutes=30)), (0, None)]
)
def test_the_overlap_ends(hours, expected) -> None:
    assert rules.overlap_end(now=NOW, hours=hours) == expected


def test_event_ids_keep_uuid_ids_only() -> None:
    case_id, petition_id = uuid4(), uuid4()
    data = {
        "case_id": case_id,
        "petition_id": str(petition_id),
        "finding_id": None,
        "staff_id": "handler-07",
        "petitioner_ref": uuid4(),
        "resident_ref": uuid4(),
        "tracking_no": "2026-320599-000001",
        "unit_code": "320599001001",
        "valid": True,
    }
    assert rules.event_ids(data) == {"case_id": str(case_id), "petition_id": str(petition_id)}


def test_links_point_at_the_api_resources() -> None:
    ids = {"case_id": "c1", "petition_id": "p1", "grid_id": "g1", "order_id": "o1"}
    assert rules.links(ids, base_url="https://gw.example.cn/") == {
        "case": "https://gw.example.cn/routing/v1/cases/c1",
        "petition": "https://gw.example.cn/intake/v1/petitions/p1",
        "grid": "https://gw.example.cn/screening/v1/grids/g1",
    }


def _is_uuid(value: str) -> bool:
    try:
        UUID(value)
    except ValueError:
        return False
    return True


def _texts(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _texts(item)]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    return []


@pytest.mark.parametrize("event_class", CONSUMED, ids=lambda cls: cls.event_type)
def test_the_payload_of_every_consumed_event_is_thin(event_class) -> None:
    example = event_class.model_fields["data"].annotation.model_validate(event_class.example).model_dump()
    payload = rules.thin_payload(
        event_id="evt-1", event_type=event_class.event_type, subject="subject-1", time=LATER, data=example,
        base_url="https://gw.example.cn",
    )  # fmt: skip
    text = rules.encode_payload(payload)
    assert set(payload) == {"type", "timestamp", "data"} and payload["type"] == event_class.event_type
    assert {key for key in payload["data"] if key not in ("event_id", "subject", "links")} <= {
        key for key in example if key.endswith("_id")
    }
    assert len(text.encode()) < rules.MAX_PAYLOAD_BYTES
    for value in _texts(json.loads(json.dumps(event_class.example, default=str))):
        telling = not value.isascii() or (len(value) >= 6 and any(ch.isdigit() for ch in value))
        if telling and not _is_uuid(value):
            assert value not in text, value  # names, phones, contents, addresses, codes: never in a payload


def test_an_oversized_payload_is_refused() -> None:
    assert rules.encode_payload({"a": "好"}) == '{"a":"好"}'
    with pytest.raises(ValueError):
        rules.encode_payload({"a": "x" * rules.MAX_PAYLOAD_BYTES})


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (200, None),
        (204, None),
        (299, None),
        (301, "HTTP 301（重定向，不跟随）"),
        (302, "HTTP 302（重定向，不跟随）"),
        (308, "HTTP 308（重定向，不跟随）"),
        (199, "HTTP 199"),
        (400, "HTTP 400"),
        (410, "HTTP 410"),
        (503, "HTTP 503"),
    ],
)
def test_the_error_text_of_a_status(status, expected) -> None:
    assert describe_status(status) == expected
