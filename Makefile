# The quick start is two commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# PostgreSQL used by the second test pass; tests skip it (or fail with HUBBUB_REQUIRE_SERVICES=1)
# when it cannot be reached.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/hubbub

.PHONY: run test setup setup-dev chromium lint format migrate demo serve worker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

setup: $(VENV)/.installed
setup-dev: $(VENV)/.installed-dev

migrate: setup
	$(BIN)/hubbub migrate --noinput

demo: migrate
	$(BIN)/hubbub demo

run: demo
	$(BIN)/hubbub serve --host $(HOST) --port $(PORT)

worker: setup
	$(BIN)/hubbub worker

# Browser tests drive Debian's Chromium; Playwright's own browser download is not used.
chromium:
	@bash scripts/ensure-chromium.sh

lint: setup-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: setup-dev
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

test: setup-dev chromium lint
	$(BIN)/python -m pytest
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) bash scripts/test-postgres.sh

clean:
	rm -rf $(VENV) var
