# GPT Agent Platform — the two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
UV_VERSION := 0.13.8

.PHONY: install run test lint format typecheck lock admin migrate verify-env worker api bench check-compose clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check uv==$(UV_VERSION)
	@$(BIN)/uv pip install -q --python $(BIN)/python --require-hashes -r requirements.lock
	@$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

## Bring up the whole product (embedded PostgreSQL+pgvector and Redis unless URLs are set).
run: install
	$(BIN)/agentplatform run

## Install what the tests need and run the whole suite against real PostgreSQL and Redis.
test: install
	$(BIN)/ruff check backend worker migrations bench
	$(BIN)/ruff format --check backend worker migrations bench
	$(BIN)/mypy
	$(BIN)/pytest --cov=agentplatform --cov=worker --cov-report=term --cov-report=xml:coverage.xml $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check backend worker migrations bench

format: install
	$(BIN)/ruff format backend worker migrations bench
	$(BIN)/ruff check --fix backend worker migrations bench

typecheck: install
	$(BIN)/mypy

## Re-resolve pinned dependencies after editing pyproject.toml.
lock: install
	$(BIN)/uv pip compile pyproject.toml --group dev --python-version 3.11 \
		--python-platform x86_64-manylinux_2_28 --generate-hashes -q -o requirements.lock

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
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache coverage.xml .coverage
