# The two commands a newcomer needs: `make run` (embedded) and `make test`. Both install what they need.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
PACKAGES := services intake_api routing_svc screening_svc notify_svc

.PHONY: install run up test lint format openapi openapi-check bench clean

$(INSTALLED): requirements.lock $(addsuffix /pyproject.toml,$(PACKAGES))
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps $(addprefix -e ,$(PACKAGES))
	touch $@

install: $(INSTALLED)

run: install  ## embedded: all four services in one process, SQLite, in-memory bus, demo data
	$(BIN)/python -m services.embedded

up: install  ## distributed: four processes on 8001-8004, PostgreSQL and RabbitMQ
	$(BIN)/python -m services.distributed

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

openapi: install  ## regenerate openapi/ (OpenAPI per service, event schemas, AsyncAPI)
	$(BIN)/python -m services.tools.openapi_export

openapi-check: install
	$(BIN)/python -m services.tools.openapi_export --check

test: install lint openapi-check  ## the one test command (CI sets XINFANG_REQUIRE_REAL=1)
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/skeleton.py --mode both

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache
