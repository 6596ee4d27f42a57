"""The container deployment agrees with the code: every service is there, wired to its own database,
to RabbitMQ and to the gateway.

Reads docker-compose.yml, the gateway's nginx.conf, the Dockerfile and the Postgres init script as
text; needs neither Docker nor a network. Compose variables are resolved with the values of
deploy/compose.env.example, the way `docker compose` would with that file copied to .env.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / "deploy" / "compose.env.example"
DOCKERFILE = ROOT / "deploy" / "docker" / "service.Dockerfile"
ENTRYPOINT = ROOT / "deploy" / "docker" / "entrypoint.sh"
INIT_SCRIPT = ROOT / "deploy" / "postgres" / "init-databases.sh"
NGINX_CONF = ROOT / "deploy" / "gateway" / "nginx.conf"
DOCKERIGNORE = ROOT / ".dockerignore"

# compose service (= URL prefix, gateway upstream host, database and role name) -> (env prefix, folder/package)
APP_SERVICES = {
    "intake": ("INTAKE_", "intake_api"),
    "routing": ("ROUTING_", "routing_svc"),
    "screening": ("SCREENING_", "screening_svc"),
    "notify": ("NOTIFY_", "notify_svc"),
}
INFRASTRUCTURE = ("postgres", "rabbitmq", "gateway")
# Environment variables an app service may carry without its own prefix (read by uvicorn, not the settings).
UNPREFIXED_ALLOWED = {"FORWARDED_ALLOW_IPS"}

_VARIABLE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:-|:\?|-|\?)(?P<arg>[^}]*))?\}")


def _read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def _interpolate(value, variables: dict[str, str]):
    """Compose-style `${VAR}`, `${VAR:-default}` and `${VAR:?error}`, recursively through the file."""
    if isinstance(value, dict):
        return {key: _interpolate(item, variables) for key, item in value.items()}
    if isinstance(value, list):
        return [_interpolate(item, variables) for item in value]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        current = variables.get(name)
        if op in (":?", "?") and not current:
            raise AssertionError(f"{name} is required by docker-compose.yml but empty in {ENV_EXAMPLE.name}")
        if op == ":-" and not current:
            return arg
        return current if current is not None else (arg if op == "-" else "")

    return _VARIABLE.sub(substitute, value)


def _environment(service: dict) -> dict[str, str]:
    environment = service.get("environment", {})
    if isinstance(environment, list):
        environment = dict(item.partition("=")[::2] for item in environment)
    return {key: "" if value is None else str(value) for key, value in environment.items()}


@pytest.fixture(scope="module")
def raw_compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def example_env() -> dict[str, str]:
    return _read_env_file(ENV_EXAMPLE)


@pytest.fixture(scope="module")
def services(raw_compose, example_env) -> dict[str, dict]:
    return _interpolate(raw_compose["services"], example_env)


@pytest.fixture(scope="module")
def nginx_conf() -> str:
    text = NGINX_CONF.read_text(encoding="utf-8")
    return re.sub(r"#[^\n]*", "", text)  # comments could otherwise fake a route


@pytest.fixture(scope="module")
def init_script() -> str:
    return INIT_SCRIPT.read_text(encoding="utf-8")


# --- compose: what is there ----------------------------------------------------------------------


def test_every_service_and_the_infrastructure_are_defined(raw_compose):
    defined = set(raw_compose["services"])
    missing = (set(APP_SERVICES) | set(INFRASTRUCTURE)) - defined
    assert not missing, f"docker-compose.yml lacks {sorted(missing)}"


def _strings(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def test_every_variable_the_compose_file_uses_is_documented(raw_compose, example_env):
    used = {match["name"] for text in _strings(raw_compose) for match in _VARIABLE.finditer(text)}
    assert "XINFANG_JWT_SECRET" in used  # the scan sees the file's values
    undocumented = used - set(example_env)
    assert not undocumented, f"document {sorted(undocumented)} in {ENV_EXAMPLE.relative_to(ROOT)}"


# --- compose: each app service ---------------------------------------------------------------------


@pytest.mark.parametrize("name", APP_SERVICES)
def test_service_is_built_from_the_shared_dockerfile_for_its_own_folder(raw_compose, name):
    _, package = APP_SERVICES[name]
    build = raw_compose["services"][name]["build"]
    assert build["context"] in (".", "./")
    assert (ROOT / build["dockerfile"]).resolve() == DOCKERFILE
    args = build["args"]
    assert args["SERVICE"] == package
    assert args.get("PACKAGE", args["SERVICE"]) == package
    # The health check path and the gateway route both use the service name as URL prefix.
    assert args["PREFIX"] == name
    assert (ROOT / package / "pyproject.toml").is_file()
    assert (ROOT / package / "src" / package / "main.py").is_file()


@pytest.mark.parametrize("name", APP_SERVICES)
def test_service_uses_its_own_database_with_its_own_role(services, name):
    prefix, _ = APP_SERVICES[name]
    environment = _environment(services[name])
    url = urlsplit(environment[f"{prefix}DATABASE_URL"])
    assert url.scheme == "postgresql+asyncpg"
    assert url.hostname == "postgres"
    assert url.port == 5432
    assert url.path == f"/{name}", "a service must never point at another service's database"
    assert url.username == name
    # The same password the init script gives the role (both come from <NAME>_DB_PASSWORD).
    postgres_environment = _environment(services["postgres"])
    assert url.password == postgres_environment[f"{name.upper()}_DB_PASSWORD"]


def test_no_two_services_share_a_database(services):
    databases = [
        urlsplit(_environment(services[name])[f"{prefix}DATABASE_URL"]).path
        for name, (prefix, _) in APP_SERVICES.items()
    ]
    assert len(set(databases)) == len(databases)


@pytest.mark.parametrize("name", APP_SERVICES)
def test_service_talks_to_rabbitmq(services, name):
    prefix, _ = APP_SERVICES[name]
    environment = _environment(services[name])
    assert environment[f"{prefix}BUS"] == "rabbitmq"
    amqp = urlsplit(environment[f"{prefix}AMQP_URL"])
    assert (amqp.scheme, amqp.hostname, amqp.port) == ("amqp", "rabbitmq", 5672)
    rabbit_environment = _environment(services["rabbitmq"])
    assert amqp.username == rabbit_environment["RABBITMQ_DEFAULT_USER"]
    assert amqp.password == rabbit_environment["RABBITMQ_DEFAULT_PASS"]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_service_environment_carries_only_its_own_prefix(raw_compose, name):
    prefix, _ = APP_SERVICES[name]
    foreign = {key for key in _environment(raw_compose["services"][name]) if not key.startswith(prefix)}
    assert foreign <= UNPREFIXED_ALLOWED, f"{name} has settings of another service: {sorted(foreign)}"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_service_runs_outside_development_with_required_secrets(raw_compose, services, name):
    prefix, _ = APP_SERVICES[name]
    # development/test would accept the built-in secrets; compose must not run that way by default.
    assert _environment(services[name])[f"{prefix}ENVIRONMENT"] in ("staging", "production")
    raw = _environment(raw_compose["services"][name])
    secrets = [f"{prefix}JWT_SECRET"] + ([f"{prefix}QUERY_CODE_PEPPER"] if name == "intake" else [])
    for secret in secrets:
        assert ":?" in raw[secret], f"{secret} must be a required variable, not a default"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_service_waits_for_healthy_postgres_and_rabbitmq(services, name):
    depends_on = services[name]["depends_on"]
    for dependency in ("postgres", "rabbitmq"):
        assert depends_on[dependency]["condition"] == "service_healthy"
    assert services[name].get("restart") in ("unless-stopped", "always", "on-failure")


# --- compose: infrastructure -----------------------------------------------------------------------


def test_postgres_runs_the_init_script_and_keeps_its_data(services):
    postgres = services["postgres"]
    assert postgres["image"].startswith("postgres:16")
    mounts = {volume.split(":")[0]: volume.split(":")[1] for volume in postgres["volumes"]}
    assert mounts["./deploy/postgres/init-databases.sh"].startswith("/docker-entrypoint-initdb.d/")
    assert mounts.get("postgres-data") == "/var/lib/postgresql/data"
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    environment = _environment(postgres)
    assert environment["POSTGRES_PASSWORD"]
    for name in APP_SERVICES:
        assert environment[f"{name.upper()}_DB_PASSWORD"], f"the init script needs {name.upper()}_DB_PASSWORD"


def test_rabbitmq_has_a_health_check_and_its_ports(services):
    rabbitmq = services["rabbitmq"]
    assert rabbitmq["image"].startswith("rabbitmq:4") and "management" in rabbitmq["image"]
    assert "rabbitmq-diagnostics" in " ".join(rabbitmq["healthcheck"]["test"])
    published = " ".join(rabbitmq["ports"])
    assert ":5672:5672" in published or published.startswith("5672:5672")
    assert "15672:15672" in published


def test_gateway_mounts_the_config_and_publishes_8080(services):
    gateway = services["gateway"]
    assert gateway["image"].startswith("nginx:")
    assert "8080:80" in gateway["ports"]
    assert "./deploy/gateway/nginx.conf:/etc/nginx/nginx.conf:ro" in gateway["volumes"]


def test_only_the_gateway_and_the_broker_publish_ports(services):
    publishing = {name for name, service in services.items() if service.get("ports")}
    assert publishing <= {"gateway", "rabbitmq"}, "app services are reached through the gateway only"


# --- gateway ---------------------------------------------------------------------------------------


def _location_block(conf: str, path: str) -> str:
    match = re.search(rf"location\s+{re.escape(path)}\s*\{{(?P<body>[^{{}}]*)\}}", conf)
    assert match, f"nginx.conf has no `location {path}`"
    return match["body"]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_gateway_routes_the_prefix_to_its_service_unchanged(nginx_conf, name):
    body = _location_block(nginx_conf, f"/{name}/")
    target = re.search(r"proxy_pass\s+http://([^;\s]+)\s*;", body)
    assert target, f"location /{name}/ does not proxy"
    upstream = target[1]
    if upstream.startswith("$"):
        assigned = re.search(rf"set\s+\{upstream}\s+([^;\s]+)\s*;", body)
        assert assigned, f"{upstream} is not set in location /{name}/"
        upstream = assigned[1]
    # Host and port only: a URI part in proxy_pass would rewrite the path, and the services
    # expect their own prefix.
    assert upstream == f"{name}:8000"


def test_gateway_limits_bodies_and_forwards_client_headers(nginx_conf):
    assert re.search(r"client_max_body_size\s+10m\s*;", nginx_conf)
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Correlation-ID"):
        assert re.search(rf"proxy_set_header\s+{header}\s", nginx_conf), f"{header} is not forwarded"
    assert "location = /" in nginx_conf


# --- image and database init -----------------------------------------------------------------------


def test_dockerfile_builds_a_non_root_image_that_migrates_then_serves():
    dockerfile = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim", dockerfile, re.MULTILINE)
    assert re.search(r"^ARG SERVICE=", dockerfile, re.MULTILINE)
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    assert re.search(r"^EXPOSE 8000", dockerfile, re.MULTILINE)
    assert "/healthz" in dockerfile and "HEALTHCHECK" in dockerfile
    entrypoint = ENTRYPOINT.read_text(encoding="utf-8")
    assert "services.db.migrate_cli" in entrypoint
    assert entrypoint.index("migrate_cli") < entrypoint.index("exec uvicorn")
    assert "--factory" in entrypoint and "--proxy-headers" in entrypoint


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_build():
    patterns = {line.strip() for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()}
    assert {".env", ".venv", ".git"} <= patterns


def test_init_script_creates_one_database_and_role_per_service(init_script):
    declared = re.search(r"^SERVICE_DATABASES=\(([^)]*)\)", init_script, re.MULTILINE)
    assert declared, "init-databases.sh must declare SERVICE_DATABASES=(...)"
    assert set(declared[1].split()) == set(APP_SERVICES)
    assert re.search(r'CREATE ROLE :"name" LOGIN PASSWORD', init_script)
    assert re.search(r'CREATE DATABASE :"name" OWNER :"name"', init_script)
    # No service may connect to another's database: the default CONNECT for PUBLIC is revoked.
    assert re.search(r'REVOKE ALL ON DATABASE :"name" FROM PUBLIC', init_script)
    assert '"${name^^}_DB_PASSWORD"' in init_script
