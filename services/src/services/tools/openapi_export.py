"""Exports the platform's published contracts under ``openapi/`` (what ``make openapi`` runs).

- ``<service>.json``: each service's OpenAPI document, exactly what ``/<service>/openapi.json`` serves;
- ``events/<type>.schema.json``: the JSON Schema of each event type;
- ``asyncapi.yaml``: the AsyncAPI 3.0 document of the event bus.

``python -m services.tools.openapi_export [--check] [--out openapi]``: without ``--check`` it (re)writes the
documents and deletes stale ones; with ``--check`` it only compares and exits 1 when anything differs.
The output is deterministic, so the committed documents can be checked in CI.
"""

import argparse
import importlib
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from services.contracts import EVENT_CLASSES
from services.embedded import SERVICE_MODULES
from services.tools.asyncapi import build_asyncapi, event_json_schema

DEFAULT_OUT = Path("openapi")
EVENTS_DIR = "events"
ASYNCAPI_FILE = "asyncapi.yaml"
HINT = "run make openapi (python -m services.tools.openapi_export) and commit the result"


def dump_json(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def dump_yaml(document: Any) -> str:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=120)


def service_documents() -> dict[str, dict[str, Any]]:
    """Service name -> OpenAPI document; builds each app without running its lifespan (no database, no bus)."""
    documents = {}
    for module_name in SERVICE_MODULES:
        module = importlib.import_module(module_name)
        documents[module.DEFINITION.name] = module.create_app().openapi()
    return documents


def event_schemas() -> dict[str, dict[str, Any]]:
    """Event type -> JSON Schema."""
    return {cls.event_type: event_json_schema(cls) for cls in EVENT_CLASSES}


def build_documents() -> dict[str, str]:
    """Every document as text, keyed by its path relative to the output directory (POSIX separators)."""
    files = {f"{name}.json": dump_json(document) for name, document in service_documents().items()}
    files |= {f"{EVENTS_DIR}/{event_type}.schema.json": dump_json(s) for event_type, s in event_schemas().items()}
    files[ASYNCAPI_FILE] = dump_yaml(build_asyncapi())
    return dict(sorted(files.items()))


def managed_files(out: Path) -> set[str]:
    """Files on disk this tool owns: the top-level JSON/YAML documents and everything under ``events/``."""
    if not out.is_dir():
        return set()
    paths = [*out.glob("*.json"), *out.glob("*.yaml"), *(out / EVENTS_DIR).glob("*")]
    return {path.relative_to(out).as_posix() for path in paths if path.is_file()}


def differences(out: Path, documents: dict[str, str] | None = None) -> list[str]:
    """What differs between the generated documents and ``out``, one line per file; empty when up to date."""
    documents = build_documents() if documents is None else documents
    problems = []
    for relative, text in documents.items():
        path = out / relative
        if not path.is_file():
            problems.append(f"missing: {path}")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"differs: {path}")
    problems += [f"extra:   {out / relative}" for relative in sorted(managed_files(out) - documents.keys())]
    return problems


def check(out: Path = DEFAULT_OUT) -> list[str]:
    return differences(out)


def write(out: Path = DEFAULT_OUT) -> list[str]:
    """Write every document whose content changed and delete stale ones; returns what changed."""
    documents = build_documents()
    changed = []
    for relative, text in documents.items():
        path = out / relative
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        changed.append(f"wrote:   {path}")
    for relative in sorted(managed_files(out) - documents.keys()):
        (out / relative).unlink()
        changed.append(f"deleted: {out / relative}")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.tools.openapi_export", description="Export API documents")
    parser.add_argument("--check", action="store_true", help="compare with the files on disk instead of writing")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default: openapi)")
    args = parser.parse_args(argv)
    if args.check:
        problems = check(args.out)
        if problems:
            print(f"API documents under {args.out}/ are out of date ({HINT}):", *problems, sep="\n  ", file=sys.stderr)
            return 1
        print(f"API documents under {args.out}/ are up to date")
        return 0
    changes = write(args.out)
    for change in changes or [f"API documents under {args.out}/ already up to date"]:
        print(change)
    return 0


if __name__ == "__main__":
    sys.exit(main())
