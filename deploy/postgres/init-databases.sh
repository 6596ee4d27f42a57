#!/usr/bin/env bash
# One database and one login role per service, for the official postgres image: mount this file
# into /docker-entrypoint-initdb.d/. The image runs it once, as the superuser, only when the data
# volume is empty; later changes here need `docker compose down -v` (which deletes the data).
#
# Each service owns its data (no shared tables, no cross-database queries), so each role owns
# exactly its own database and cannot even connect to the others: CONNECT is granted to PUBLIC by
# default, and is revoked here.
#
# Required environment (passed to the postgres container):
#   INTAKE_DB_PASSWORD, ROUTING_DB_PASSWORD, SCREENING_DB_PASSWORD, NOTIFY_DB_PASSWORD
# They end up inside each service's DATABASE_URL too, so keep them URL-safe (e.g. hex).
#
# The image may source this file instead of executing it (when it is not executable), so it uses
# no `exit` and no `set -u`.
set -eo pipefail  # not -u: when sourced, it would leak into the image's own entrypoint

SERVICE_DATABASES=(intake routing screening notify)

create_service_database() {
    local name="$1"
    local password_var="${name^^}_DB_PASSWORD"
    local password="${!password_var:-}"
    if [ -z "$password" ]; then
        echo "init-databases: $password_var is not set; refusing to create role '$name' without a password" >&2
        return 1
    fi
    echo "init-databases: creating role and database '$name'"
    # psql variables (:"name" identifier, :'password' literal) do the quoting, so a password with
    # quotes cannot break out of the statement. Fed on stdin: psql does not interpolate with -c.
    # No transaction wrapper: CREATE DATABASE refuses to run inside one.
    psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
        --set=name="$name" --set=password="$password" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password' NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;
CREATE DATABASE :"name" OWNER :"name" ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"name" TO :"name";
SQL
}

for service_database in "${SERVICE_DATABASES[@]}"; do
    create_service_database "$service_database"
done

# The maintenance database is the superuser's; the service roles have no business there either.
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    --set=maintenance_db="$POSTGRES_DB" <<'SQL'
REVOKE CONNECT ON DATABASE :"maintenance_db" FROM PUBLIC;
SQL
