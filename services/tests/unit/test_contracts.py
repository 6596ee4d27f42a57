"""services.contracts: CloudEvents envelopes, parsing by ``type``, strict payloads."""

import contextvars
import json
import uuid
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from services.contracts import EVENT_CLASSES, EVENT_TYPES, CloudEvent, parse_event
from services.contracts.intake import PetitionRegistered, PetitionRegisteredData
from services.contracts.routing import CaseOpened, CaseOpenedData
from services.logging import correlation_id

AT = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
PETITION_ID = uuid.UUID("0190a1b2-0000-7000-8000-00000000000a")


def petition_registered(**changes: object) -> PetitionRegistered:
    data = PetitionRegisteredData(
        petition_id=PETITION_ID,
        tracking_no="2026-320599-000001",
        channel="visit",
        category_code="0301",
        content="小区道路施工噪音扰民",
        address="柳岸路 18 号",
        community_code="320599001001",
        petitioner_ref=PETITION_ID,
        phone_masked="138****5678",
        received_at=AT,
        **changes,
    )
    return PetitionRegistered.create(subject=str(PETITION_ID), data=data)


def case_opened() -> CaseOpened:
    data = CaseOpenedData(
        case_id=uuid.UUID(int=2),
        petition_id=PETITION_ID,
        tracking_no="2026-320599-000001",
        unit_code="320599001001",
        unit_name="柳岸社区",
        tier="community",
        source="petition",
        status="opened",
        occurred_at=AT,
        due_at=AT,
    )
    return CaseOpened.create(subject=str(uuid.UUID(int=2)), data=data)


def in_fresh_context(make, value: str | None = "corr-42"):
    def run():
        if value is not None:
            correlation_id.set(value)
        return make()

    return contextvars.copy_context().run(run)


@pytest.mark.parametrize("make", [petition_registered, case_opened])
def test_parse_event_roundtrip(make) -> None:
    event = in_fresh_context(make)
    parsed = parse_event(event.to_json())
    assert type(parsed) is type(event)
    assert parsed == event
    assert parse_event(event.to_json().encode()) == event


def test_nulls_in_data_survive_the_roundtrip_and_absent_attributes_are_left_out() -> None:
    event = in_fresh_context(petition_registered, value=None)
    event.data.community_code = None
    event.correlationid = None
    body = json.loads(event.to_json())
    assert body["data"]["community_code"] is None
    assert "correlationid" not in body
    assert parse_event(event.to_json()) == event


def test_event_types_table() -> None:
    assert EVENT_TYPES["xinfang.petition.registered.v1"] is PetitionRegistered
    assert EVENT_TYPES["xinfang.case.opened.v1"] is CaseOpened
    assert len(EVENT_TYPES) == len(EVENT_CLASSES) == 42


@pytest.mark.parametrize("cls", EVENT_CLASSES, ids=lambda cls: cls.event_type)
def test_every_contract_is_past_tense_typed_and_its_example_round_trips(cls: type[CloudEvent]) -> None:
    assert cls.event_type.startswith("xinfang.") and cls.event_type.endswith(".v1")
    assert cls.producer in {"intake", "routing", "screening", "notify"} and cls.summary
    data = cls.model_fields["data"].annotation.model_validate(cls.example)
    event = cls.create(subject="s", data=data)
    assert parse_event(event.to_json()) == event


def test_create_fills_the_envelope() -> None:
    event = in_fresh_context(case_opened, "req-abc")
    assert event.specversion == "1.0"
    assert event.source == "/routing"
    assert event.type == "xinfang.case.opened.v1"
    assert event.subject == str(uuid.UUID(int=2))
    assert event.correlationid == "req-abc"
    assert event.datacontenttype == "application/json"
    assert uuid.UUID(event.id).version == 7
    assert event.time.tzinfo is not None
    assert PetitionRegistered.create(subject="x", data=petition_registered().data).source == "/intake"
    assert event.source == "/routing"


def test_create_without_a_correlation_id_makes_and_keeps_one() -> None:
    def make_two() -> tuple[CloudEvent, CloudEvent, str | None]:
        first, second = case_opened(), case_opened()
        return first, second, correlation_id.get()

    first, second, current = in_fresh_context(make_two, None)
    assert first.correlationid is not None and uuid.UUID(first.correlationid).version == 7
    assert second.correlationid == first.correlationid == current


def test_json_is_structured_mode_with_every_envelope_attribute() -> None:
    event = in_fresh_context(lambda: petition_registered(), "c-1")
    document = json.loads(event.to_json())
    assert set(document) == {
        "specversion", "id", "source", "type", "subject", "time", "datacontenttype", "correlationid", "data",
    }  # fmt: skip


def body(event: CloudEvent) -> dict:
    return json.loads(event.to_json())


def test_unknown_type_is_refused() -> None:
    document = {**body(in_fresh_context(case_opened)), "type": "xinfang.case.reopened.v1"}
    with pytest.raises(ValidationError) as caught:
        parse_event(json.dumps(document))
    assert [e["type"] for e in caught.value.errors()] == ["union_tag_invalid"]


def test_missing_type_is_refused() -> None:
    document = body(in_fresh_context(case_opened))
    del document["type"]
    with pytest.raises(ValidationError) as caught:
        parse_event(json.dumps(document))
    assert [e["type"] for e in caught.value.errors()] == ["union_tag_not_found"]


def test_missing_data_fields_are_refused() -> None:
    document = body(in_fresh_context(case_opened))
    del document["data"]["unit_code"], document["data"]["tier"]
    with pytest.raises(ValidationError) as caught:
        parse_event(json.dumps(document))
    assert sorted((e["loc"][-1], e["type"]) for e in caught.value.errors()) == [
        ("tier", "missing"),
        ("unit_code", "missing"),
    ]


def test_unknown_data_fields_are_refused() -> None:
    document = body(in_fresh_context(case_opened))
    document["data"]["surprise"] = 1
    with pytest.raises(ValidationError) as caught:
        parse_event(json.dumps(document))
    assert [(e["loc"][-1], e["type"]) for e in caught.value.errors()] == [("surprise", "extra_forbidden")]


def test_unknown_envelope_attributes_are_extensions() -> None:
    document = {**body(in_fresh_context(case_opened)), "traceparent": "00-abc-def-01"}
    assert parse_event(json.dumps(document)).model_extra == {"traceparent": "00-abc-def-01"}


def test_other_specversion_is_refused() -> None:
    document = {**body(in_fresh_context(case_opened)), "specversion": "0.3"}
    with pytest.raises(ValidationError) as caught:
        parse_event(json.dumps(document))
    assert [(e["loc"][-1], e["type"]) for e in caught.value.errors()] == [("specversion", "string_pattern_mismatch")]


def test_not_json_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_event(b"not json")
    assert [e["type"] for e in caught.value.errors()] == ["json_invalid"]
