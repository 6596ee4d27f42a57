# One image recipe for all four services; the build args pick which one.
# Build from the repository root (the context must hold both services/ and the service folder):
#
#   docker build -f deploy/docker/service.Dockerfile \
#     --build-arg SERVICE=routing_svc --build-arg PREFIX=routing -t xinfang/routing:local .
#
# SERVICE  folder of the service in the repository (intake_api, routing_svc, screening_svc, notify_svc)
# PACKAGE  its Python package; the four are named like their folder, so it defaults to SERVICE
# PREFIX   URL prefix it serves under (intake, routing, screening, notify); used by the health check

FROM python:3.11-slim

ARG SERVICE=intake_api
ARG PACKAGE=${SERVICE}
ARG PREFIX=intake

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore \
    SERVICE_PACKAGE=${PACKAGE} \
    SERVICE_PREFIX=${PREFIX}

# A fixed uid so volume permissions and pod security policies can name it.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin app

# The shared library first, in its own layer: it carries every third-party dependency, so a change
# inside one service does not reinstall FastAPI, SQLAlchemy, asyncpg, ... It is a regular install
# (it looks nothing up relative to its own files), so its source is not kept in the image.
COPY services/ /tmp/build/services/
RUN pip install --no-cache-dir /tmp/build/services && rm -rf /tmp/build

# The service is installed *editable* on purpose: each service finds its alembic.ini and
# migrations/ through SERVICE_ROOT = Path(<package>/db.py).parents[2]. A regular install would put
# the package in site-packages and that path would point nowhere; editable keeps the code at
# /app/<service>/src so SERVICE_ROOT is /app/<service>. --no-deps: the library is already installed.
COPY ${SERVICE}/ /app/${SERVICE}/
RUN pip install --no-cache-dir --no-deps -e /app/${SERVICE}

# chmod in a RUN rather than COPY --chmod, which the legacy (non-BuildKit) builder rejects.
COPY deploy/docker/entrypoint.sh /usr/local/bin/entrypoint.sh
RUN chmod 0755 /usr/local/bin/entrypoint.sh

# Code stays root-owned and read-only for the process; nothing at run time writes to /app.
USER app
WORKDIR /app/${SERVICE}

EXPOSE 8000

# Liveness only (/healthz): readiness (/readyz) also checks the database and broker, and a broker
# blip must not mark the process unhealthy (orchestrators replace unhealthy containers). No curl
# in slim, hence urllib.
# start-period covers the migrations that run before uvicorn listens.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/' + os.environ['SERVICE_PREFIX'] + '/healthz', timeout=4)"]

# entrypoint.sh migrates this service's database to head, then execs uvicorn (or the given command).
ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
CMD []
