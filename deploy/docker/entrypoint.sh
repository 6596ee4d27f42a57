#!/bin/sh
# Start one service: bring its own database to the head of its Alembic history, then hand PID 1
# to uvicorn (exec) so SIGTERM from `docker stop` reaches it and shutdown is graceful.
#
# Environment (set by the image, see service.Dockerfile):
#   SERVICE_PACKAGE    e.g. intake_api
# Optional:
#   MIGRATE_ON_START   1 (default) or 0. Set 0 when several replicas start at once and migrations
#                      run as a one-off job instead (`docker compose run --rm -e MIGRATE_ON_START=0
#                      intake python -m services.db.migrate_cli intake_api`), so they do not race.
#   UVICORN_WORKERS    uvicorn worker processes (default 1; scale with replicas rather than workers).
#   FORWARDED_ALLOW_IPS  read by uvicorn itself: whose X-Forwarded-* headers to trust.
#
# With arguments, runs them instead of uvicorn (after migrating), e.g. a shell for debugging.
set -eu

: "${SERVICE_PACKAGE:?SERVICE_PACKAGE is not set; build the image with --build-arg SERVICE=...}"

if [ "${MIGRATE_ON_START:-1}" = "1" ]; then
    python -m services.db.migrate_cli "$SERVICE_PACKAGE"
fi

if [ "$#" -gt 0 ]; then
    exec "$@"
fi

exec uvicorn "${SERVICE_PACKAGE}.main:create_app" --factory \
    --host 0.0.0.0 --port 8000 \
    --proxy-headers \
    --workers "${UVICORN_WORKERS:-1}" \
    --no-server-header
