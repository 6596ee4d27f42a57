"""The published API documents under ``openapi/``: up to date, complete, and consistent with the code."""

import importlib
import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from services.contracts import EVENT_CLASSES, EVENT_TYPES, parse_event
from services.contracts.consumers import bindings
from services.embedded import SERVICE_MODULES
from services.tools import openapi_export
from services.tools.asyncapi import build_asyncapi

OPENAPI_DIR = Path(__file__).resolve().parents[2] / "openapi"
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
MODULES = {importlib.import_module(name).DEFINITION.name: importlib.import_module(name) for name in SERVICE_MODULES}


@pytest.fixture(scope="module")
def service_documents() -> dict[str, dict[str, Any]]:
    return openapi_export.service_documents()


@pytest.fixture(scope="module")
def asyncapi() -> dict[str, Any]:
    return yaml.safe_load(openapi_export.dump_yaml(build_asyncapi()))


def resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), f"only local references are expected, got {ref}"
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def all_refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in all_refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in all_refs(value)]
    return []


# -- (a) committed documents are what the code generates ------------------------------------------------------


def test_committed_documents_are_up_to_date() -> None:
    problems = openapi_export.check(OPENAPI_DIR)
    assert not problems, "API documents are out of date, run make openapi:\n" + "\n".join(problems)


def test_check_reports_changed_missing_and_extra_files_and_write_repairs_them(tmp_path: Path) -> None:
    documents = openapi_export.build_documents()
    openapi_export.write(tmp_path)
    assert openapi_export.differences(tmp_path, documents) == []
    (tmp_path / "intake.json").write_text("{}\n", encoding="utf-8")
    (tmp_path / "asyncapi.yaml").unlink()
    (tmp_path / "events" / "xinfang.retired.v1.schema.json").write_text("{}\n", encoding="utf-8")
    problems = openapi_export.differences(tmp_path, documents)
    assert [line.split()[0] for line in problems] == ["missing:", "differs:", "extra:"]
    assert openapi_export.main(["--check", "--out", str(tmp_path)]) == 1
    openapi_export.write(tmp_path)
    assert openapi_export.differences(tmp_path, documents) == []
    assert openapi_export.main(["--check", "--out", str(tmp_path)]) == 0


def test_generation_is_deterministic() -> None:
    assert openapi_export.build_documents() == openapi_export.build_documents()


# -- (b) every HTTP operation is documented in Chinese, every request body has an example ---------------------


def operations(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]


def has_example(document: dict[str, Any], media: dict[str, Any]) -> bool:
    schema = media.get("schema", {})
    if "$ref" in schema:
        schema = resolve(document, schema["$ref"])
    return any(key in holder for holder in (media, schema) for key in ("example", "examples"))


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_operation_has_a_chinese_summary_and_description(
    name: str, service_documents: dict[str, dict[str, Any]]
) -> None:
    document = service_documents[name]
    assert operations(document), f"{name} documents no operation"
    missing = [
        f"{label}: {field}"
        for label, operation in operations(document)
        for field in ("summary", "description")
        if not CJK.search(operation.get(field) or "")
    ]
    assert not missing, f"operations of {name} without a Chinese summary/description:\n" + "\n".join(missing)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_json_request_body_has_an_example(name: str, service_documents: dict[str, dict[str, Any]]) -> None:
    document = service_documents[name]
    missing = [
        f"{label}: {content_type}"
        for label, operation in operations(document)
        for content_type, media in operation.get("requestBody", {}).get("content", {}).items()
        if "json" in content_type and not has_example(document, media)
    ]
    assert not missing, f"request bodies of {name} without an example:\n" + "\n".join(missing)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_error_response_is_documented_as_problem_json(
    name: str, service_documents: dict[str, dict[str, Any]]
) -> None:
    """Errors are sent as application/problem+json: the Problem schema must be there (and only there), so that
    clients and schema-driven tests (schemathesis) check error bodies too."""
    document = service_documents[name]
    wrong = [
        f"{label} {status}: {sorted(response.get('content', {}))}"
        for label, operation in operations(document)
        for status, response in operation["responses"].items()
        if status.startswith(("4", "5"))
        and response.get("content")
        != {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    ]
    assert not wrong, f"error responses of {name} not documented as problem+json:\n" + "\n".join(wrong)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_operations_reading_one_resource_document_404(name: str, service_documents: dict[str, dict[str, Any]]) -> None:
    document = service_documents[name]
    missing = [
        label
        for label, operation in operations(document)
        if any(p["in"] == "path" for p in operation.get("parameters", [])) and "404" not in operation["responses"]
    ]
    assert not missing, f"operations of {name} that answer 404 without documenting it: {missing}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_operations_with_a_body_document_415(name: str, service_documents: dict[str, dict[str, Any]]) -> None:
    document = service_documents[name]
    missing = [
        label
        for label, operation in operations(document)
        if "requestBody" in operation and "415" not in operation["responses"]
    ]
    assert not missing, f"operations of {name} that answer 415 without documenting it: {missing}"


# -- (c) the AsyncAPI document --------------------------------------------------------------------------------


def test_asyncapi_declares_version_3(asyncapi: dict[str, Any]) -> None:
    assert asyncapi["asyncapi"] == "3.0.0"
    assert asyncapi["servers"]["production"]["protocol"] == "amqp"


def test_asyncapi_has_a_channel_per_event_type(asyncapi: dict[str, Any]) -> None:
    addresses = {channel["address"] for channel in asyncapi["channels"].values()}
    missing = {cls.event_type for cls in EVENT_CLASSES} - addresses
    assert not missing, f"event types without an AsyncAPI channel: {sorted(missing)}"


def test_asyncapi_references_resolve(asyncapi: dict[str, Any]) -> None:
    for ref in all_refs(asyncapi):
        resolve(asyncapi, ref)


def test_asyncapi_examples_are_valid_events(asyncapi: dict[str, Any]) -> None:
    checked = set()
    for channel in asyncapi["channels"].values():
        for message in channel["messages"].values():
            message = resolve(asyncapi, message["$ref"]) if "$ref" in message else message
            schema = resolve(asyncapi, message["payload"]["$ref"])
            assert message["examples"], f"message {message['name']} has no example"
            for example in message["examples"]:
                event = parse_event(json.dumps(example["payload"]))  # raises ValidationError when invalid
                assert event.type == schema["properties"]["type"]["const"]
                assert isinstance(event, EVENT_TYPES[event.type])
                checked.add(event.type)
    assert checked == set(EVENT_TYPES)


def test_event_schemas_describe_the_event_types() -> None:
    schemas = openapi_export.event_schemas()
    assert set(schemas) == set(EVENT_TYPES)
    for event_type, schema in schemas.items():
        assert schema["$id"].endswith(event_type)
        assert CJK.search(schema["description"])
        assert schema["properties"]["type"]["const"] == event_type


# -- (d) each service subscribes to exactly what CONSUMED_BY says ---------------------------------------------


def fake_runtime(module: Any) -> SimpleNamespace:
    return SimpleNamespace(
        name=module.DEFINITION.name,
        session_factory=object(),
        relay=SimpleNamespace(kick=lambda: None),
        settings=module.DEFINITION.settings_class(),
    )


@pytest.mark.parametrize("name", sorted(MODULES))
def test_subscriptions_match_consumed_by(name: str) -> None:
    definition = MODULES[name].DEFINITION
    subscriptions = definition.subscriptions(fake_runtime(MODULES[name]))
    assert all(subscription.consumer == name for subscription in subscriptions)
    subscribed = [event_type for subscription in subscriptions for event_type in subscription.event_types]
    assert len(subscribed) == len(set(subscribed)), f"{name} subscribes to an event type twice: {subscribed}"
    assert set(subscribed) == set(bindings().get(name, ())), f"{name}: handlers differ from CONSUMED_BY"


def test_every_consumer_in_consumed_by_is_a_service() -> None:
    assert set(bindings()) <= set(MODULES)
