"""CPU per request of the shared HTTP stack (``services.http``), apart from any endpoint's own work.

Drives apps in-process with raw ASGI calls (no server, no client, no database), one request at a time, and
measures process CPU per request:

- ``plain``: a bare ``FastAPI()`` with the endpoints below (the baseline, measured in the same run);
- ``stack``: the same endpoints in an app built by ``create_service_app`` (middleware, problem+json handlers,
  operations routes, docs), without authentication;
- ``stack+auth``: the same, behind ``require_roles`` (a bearer token, verified once and then cached).

Endpoints: ``POST …/petitions`` validates intake's registration body (``PetitionCreate``) and answers a
``PetitionCreated``-like model (201); ``GET …/items`` answers a page of 20 items (``Page[Item]``); ``POST …/bad``
sends an invalid body (422, problem+json in the stack). The same over uvicorn (own processes, a raw-socket client)
measures the server's CPU; ``--gc N`` runs N registrations on intake's real app for the garbage collector's share;
``--profile CASE:ENDPOINT`` prints a cProfile of one case.

    .venv/bin/python bench/http_stack.py --gc 3000            # 5 rounds of 2,000 requests per case
    .venv/bin/python bench/http_stack.py --rounds 3 --requests 500
    .venv/bin/python bench/http_stack.py --profile stack+auth:post
"""

import argparse
import asyncio
import contextlib
import cProfile
import gc
import json
import os
import pstats
import re
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

from cpu import TICKS
from fastapi import APIRouter, FastAPI
from procs import free_port, start_process, stop_processes, uvicorn_argv, wait_ready
from pydantic import BaseModel

from intake_api.petitions.schemas import EXAMPLE, PetitionCreate
from services.http.app import ServiceDefinition, create_service_app
from services.http.auth import Principal, issue_token, require_roles
from services.http.pagination import Page
from services.settings import ServiceSettings

RESULTS = Path(__file__).parent / "results"
SETTINGS = ServiceSettings(environment="test")


class Created(BaseModel):
    id: uuid.UUID
    tracking_no: str
    status: str
    notice: str
    skip_level: bool


class Item(BaseModel):
    id: uuid.UUID
    title: str
    state: str
    created_at: datetime
    due_days: int | None = None


ITEMS = [
    Item(id=uuid.uuid4(), title=f"事项 {i}", state="assigned", created_at=datetime.now(UTC), due_days=i)
    for i in range(20)
]


def _created(body: PetitionCreate) -> Created:
    return Created(id=uuid.uuid4(), tracking_no="2026-320599-000001", status="registered", notice=body.summary,
                   skip_level=False)  # fmt: skip


def _endpoints(router: APIRouter | FastAPI, *, auth: bool) -> None:
    if auth:
        Caller = Annotated[Principal, require_roles("reception", "admin")]

        @router.post("/petitions", status_code=201, response_model=Created)
        async def create_authed(body: PetitionCreate, principal: Caller) -> Created:
            return _created(body)

        @router.get("/items", response_model=Page[Item])
        async def items_authed(principal: Caller) -> Page[Item]:
            return Page(items=ITEMS, next=None)

        @router.post("/bad", status_code=201, response_model=Created)
        async def bad_authed(body: PetitionCreate, principal: Caller) -> Created:
            return _created(body)

        return

    @router.post("/petitions", status_code=201, response_model=Created)
    async def create(body: PetitionCreate) -> Created:
        return _created(body)

    @router.get("/items", response_model=Page[Item])
    async def items() -> Page[Item]:
        return Page(items=ITEMS, next=None)

    @router.post("/bad", status_code=201, response_model=Created)
    async def bad(body: PetitionCreate) -> Created:
        return _created(body)


def plain_app() -> FastAPI:
    app = FastAPI()

    @app.get("/bench/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    router = APIRouter(prefix="/bench/v1")
    _endpoints(router, auth=False)
    app.include_router(router)
    return app


def stack_app(*, auth: bool) -> FastAPI:
    router = APIRouter()
    _endpoints(router, auth=auth)
    definition = ServiceDefinition(
        name="bench", settings_class=ServiceSettings, service_root=Path(__file__).parent, title="bench",
        description="", routers=(router,),
    )  # fmt: skip
    app = create_service_app(definition, settings=SETTINGS)
    app.router.lifespan_context = _no_runtime  # the endpoints need no database, bus or outbox relay
    return app


@contextlib.asynccontextmanager
async def _no_runtime(_: FastAPI):
    yield


def stack_auth_app() -> FastAPI:
    return stack_app(auth=True)


CASES = {"plain": plain_app, "stack": lambda: stack_app(auth=False), "stack+auth": stack_auth_app}
FACTORIES = {  # served by uvicorn: factory, extra arguments
    "plain": ("http_stack:plain_app", ()),
    "stack+auth": ("http_stack:stack_auth_app", ()),
    "stack+auth, no access log": ("http_stack:stack_auth_app", ("--no-access-log",)),
}
BODY = json.dumps(EXAMPLE, ensure_ascii=False).encode()
BAD_BODY = json.dumps({**EXAMPLE, "channel": "pigeon", "content": ""}, ensure_ascii=False).encode()
ENDPOINTS = {
    "post": ("POST", "/bench/v1/petitions", BODY, 201),
    "get": ("GET", "/bench/v1/items", b"", 200),
    "bad": ("POST", "/bench/v1/bad", BAD_BODY, 422),
}


def _scope(method: str, path: str, body: bytes, token: str) -> dict:
    headers = [
        (b"host", b"127.0.0.1:8000"),
        (b"user-agent", b"python-httpx/0.28.1"),
        (b"accept", b"*/*"),
        (b"accept-encoding", b"gzip, deflate"),
        (b"connection", b"keep-alive"),
        (b"authorization", f"Bearer {token}".encode()),
    ]
    if body:
        headers += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    return {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.4"}, "http_version": "1.1",
        "method": method, "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": headers, "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
        "state": {},
    }  # fmt: skip


async def drive(app: FastAPI, endpoint: str, requests: int, token: str) -> float:
    """CPU seconds per request over ``requests`` sequential calls (after a few unmeasured ones)."""
    method, path, body, expected = ENDPOINTS[endpoint]
    template = _scope(method, path, body, token)
    statuses: list[int] = []

    async def call() -> None:
        sent = False

        async def receive() -> dict:
            nonlocal sent
            if sent:
                await asyncio.sleep(3600)
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        await app({**template, "state": {}}, receive, send)

    for _ in range(20):
        await call()
    statuses.clear()
    started = time.process_time()
    for _ in range(requests):
        await call()
    spent = time.process_time() - started
    wrong = [s for s in statuses if s != expected]
    if wrong:
        raise SystemExit(f"{endpoint}: expected {expected}, got {sorted(set(wrong))}")
    return spent / requests


async def measure(rounds: int, requests: int) -> dict:
    token = issue_token(settings=SETTINGS, sub="bench", roles=["reception"], jurisdiction="320599")
    apps = {name: build() for name, build in CASES.items()}
    samples: dict[str, dict[str, list[float]]] = {e: {c: [] for c in apps} for e in ENDPOINTS}
    for _ in range(rounds):
        for endpoint in ENDPOINTS:
            for case, app in apps.items():
                samples[endpoint][case].append(await drive(app, endpoint, requests, token))
    return _summary(samples)


def _summary(samples: dict[str, dict[str, list[float]]]) -> dict:
    summary = {}
    for endpoint, by_case in samples.items():
        medians = {case: statistics.median(values) * 1e6 for case, values in by_case.items()}
        summary[endpoint] = {
            "us_per_request": {case: round(v, 1) for case, v in medians.items()},
            "stack_overhead_us": {c: round(v - medians["plain"], 1) for c, v in medians.items() if c != "plain"},
            "ratio_to_plain": {c: round(v / medians["plain"], 2) for c, v in medians.items() if c != "plain"},
            "rounds_us": {c: [round(v * 1e6, 1) for v in values] for c, values in by_case.items()},
        }
    return summary


async def _http_client(port: int, request: bytes, count: int, statuses: list[int]) -> None:
    """One keep-alive connection, one request at a time, answers read by Content-Length: next to no client CPU."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for _ in range(count):
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = re.search(rb"(?i)content-length: *(\d+)", head)
            await reader.readexactly(int(length.group(1)) if length else 0)
            statuses.append(int(head[9:12]))
    finally:
        writer.close()


def _server_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


async def drive_http(pid: int, port: int, endpoint: str, requests: int, clients: int, token: str) -> float:
    """Server CPU seconds per request (utime + stime of the uvicorn process) over ``requests`` requests."""
    method, path, body, expected = ENDPOINTS[endpoint]
    headers = [f"{k.decode()}: {v.decode()}" for k, v in _scope(method, path, body, token)["headers"]]
    request = (f"{method} {path} HTTP/1.1\r\n" + "\r\n".join(headers) + "\r\n\r\n").encode() + body
    statuses: list[int] = []
    await asyncio.gather(*(_http_client(port, request, 20, statuses) for _ in range(clients)))
    statuses.clear()
    started = _server_cpu(pid)
    await asyncio.gather(*(_http_client(port, request, requests // clients, statuses) for _ in range(clients)))
    spent = _server_cpu(pid) - started
    if any(s != expected for s in statuses):
        raise SystemExit(f"{endpoint}: expected {expected}, got {sorted(set(statuses))}")
    return spent / len(statuses)


async def measure_http(rounds: int, requests: int, clients: int) -> dict:
    """Each case served by its own uvicorn (defaults: access log on), driven in turn by ``clients`` connections."""
    token = issue_token(settings=SETTINGS, sub="bench", roles=["reception"], jurisdiction="320599")
    workdir = Path(tempfile.mkdtemp(prefix="http-stack-"))
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [os.environ.get("PYTHONPATH"), str(Path(__file__).parent)])),
    }
    servers, procs = {}, []
    try:
        for case, (factory, extra) in FACTORIES.items():
            port = free_port()
            procs.append(start_process(case.replace(" ", ""), uvicorn_argv(factory, port, *extra), env, workdir))
            servers[case] = (procs[-1].popen.pid, port)
        await wait_ready([f"http://127.0.0.1:{port}/bench/healthz" for _, port in servers.values()], procs)
        samples = {e: {c: [] for c in servers} for e in ("post", "get")}
        for _ in range(rounds):
            for endpoint, by_case in samples.items():
                for case, (pid, port) in servers.items():
                    by_case[case].append(await drive_http(pid, port, endpoint, requests, clients, token))
    finally:
        stop_processes(procs)
    return _summary(samples)


class GcTimer:
    """A ``gc.callbacks`` entry: collections and CPU seconds per generation."""

    def __init__(self) -> None:
        self.spent = {0: [0, 0.0], 1: [0, 0.0], 2: [0, 0.0]}
        self.started = 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self.started = time.process_time()
        else:
            self.spent[info["generation"]][0] += 1
            self.spent[info["generation"]][1] += time.process_time() - self.started


async def measure_gc(requests: int) -> dict:
    """Intake's real app (SQLite, in-memory bus, demo data) registering ``PETITION`` bodies over raw ASGI: CPU per
    registration and the cyclic GC's share, with start-up objects frozen (as the app does) and not (no-op)."""
    from services import testing
    from services.http import app as app_module

    result, freeze = {}, app_module._freeze_startup_objects
    body = json.dumps(testing.PETITION, ensure_ascii=False).encode()
    ENDPOINTS["register"] = ("POST", "/intake/v1/petitions", body, 201)
    for label, freezer in (("not frozen", lambda: None), ("frozen", freeze)):
        app_module._freeze_startup_objects = freezer
        gc.unfreeze()
        databases = await testing.Databases.create("memory", Path(tempfile.mkdtemp(prefix="http-stack-")), ("intake",))
        await databases.migrate()
        async with testing.run_system(databases, namespace="http-stack") as system:
            app = system.apps["intake"]
            token = system.token("reception")["Authorization"].removeprefix("Bearer ")
            await drive(app, "register", 50, token)
            tracked, timer = len(gc.get_objects()), GcTimer()
            gc.callbacks.append(timer)
            try:
                per_request = await drive(app, "register", requests, token)
            finally:
                gc.callbacks.remove(timer)
        spent = timer.spent
        result[label] = {
            "tracked_objects": tracked,
            "us_per_registration": round(per_request * 1e6),
            "gc_collections": {g: n for g, (n, _) in spent.items()},
            "gc_us_per_registration": {g: round(t / requests * 1e6, 1) for g, (_, t) in spent.items()},
            "gc_ms_per_full_collection": round(spent[2][1] / spent[2][0] * 1e3, 1) if spent[2][0] else None,
        }
    app_module._freeze_startup_objects = freeze
    return result


async def profile(target: str, requests: int) -> None:
    case, endpoint = target.split(":")
    token = issue_token(settings=SETTINGS, sub="bench", roles=["reception"], jurisdiction="320599")
    app = CASES[case]()
    await drive(app, endpoint, 50, token)
    profiler = cProfile.Profile()
    profiler.enable()
    await drive(app, endpoint, requests, token)
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=2000, help="per case, endpoint and round")
    parser.add_argument("--clients", type=int, default=32, help="connections of the HTTP part")
    parser.add_argument("--skip-http", action="store_true", help="in-process part only")
    parser.add_argument("--gc", type=int, default=0, metavar="N", help="also N registrations on intake's app (GC)")
    parser.add_argument("--profile", metavar="CASE:ENDPOINT", help=f"cases {list(CASES)}, endpoints {list(ENDPOINTS)}")
    parser.add_argument("--no-save", action="store_true", help="print only, write no JSON")
    parser.add_argument("--label", default="", help="recorded in the JSON (e.g. which version of the stack ran)")
    args = parser.parse_args()
    if args.profile:
        asyncio.run(profile(args.profile, args.requests))
        return
    result: dict = {"label": args.label, "rounds": args.rounds, "requests": args.requests, "clients": args.clients}
    result["in_process"] = asyncio.run(measure(args.rounds, args.requests))
    if not args.skip_http:
        result["uvicorn"] = asyncio.run(measure_http(args.rounds, args.requests, args.clients))
    if args.gc:
        result["gc"] = asyncio.run(measure_gc(args.gc))
        print("gc", json.dumps(result["gc"], ensure_ascii=False))
    for part in ("in_process", "uvicorn"):
        for endpoint, numbers in result.get(part, {}).items():
            print(part, endpoint, numbers["us_per_request"], "overhead", numbers["stack_overhead_us"])
    if not args.no_save:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        path = RESULTS / f"http-stack-{stamp}.json"
        path.write_text(json.dumps(result, indent=2) + "\n")
        print("wrote", path.name)


if __name__ == "__main__":
    main()
