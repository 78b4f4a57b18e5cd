# The quick start is two commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run` has the demo's simulated reporting team post to the live workshop; DEMO_LIVE=0 stops it.
DEMO_LIVE ?= 1
# PostgreSQL used by the second test pass; tests skip it (or fail with HUBBUB_REQUIRE_SERVICES=1)
# when it cannot be reached.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/hubbub

.PHONY: run test setup setup-dev lock chromium lint format migrate demo serve worker clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Exact versions with hashes from the lock files (`make lock` refreshes them from pyproject.toml);
# the project itself goes in editable without resolving anything, so a fresh clone gets exactly
# what was tested. Reinstalls when a lock file or pyproject.toml changes.
PIP_LOCKED := $(BIN)/python -m pip install --quiet --require-hashes --no-deps
PIP_PROJECT := $(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .

$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/python
	$(PIP_LOCKED) -r requirements.lock
	$(PIP_PROJECT)
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock pyproject.toml | $(BIN)/python
	$(PIP_LOCKED) -r requirements-dev.lock
	$(PIP_PROJECT)
	touch $(VENV)/.installed $@

# Re-resolve the lock files from pyproject.toml, keeping the pinned versions that still fit
# (`make lock UPGRADE=1` moves every package to its newest allowed release). The runtime lock is
# constrained by the dev lock so both agree on every shared package.
PIP_COMPILE := $(BIN)/pip-compile --quiet --no-emit-index-url --no-emit-find-links --strip-extras \
	--generate-hashes --allow-unsafe --all-build-deps
UPGRADE ?=
lock: setup-dev
	$(PIP_COMPILE) $(if $(UPGRADE),--upgrade) --extra dev -o requirements-dev.lock pyproject.toml
	$(PIP_COMPILE) $(if $(UPGRADE),--upgrade) -c requirements-dev.lock -o requirements.lock pyproject.toml

# Translations: each app keeps src/hubbub/<app>/locale/cy/LC_MESSAGES/django.po (and
# djangojs.po for the wording of its scripts) in git; the
# compiled .mo files are built here, after the project is installed, whenever a .po changes.
PO_FILES := $(shell find src/hubbub -path '*/locale/*' -name '*.po' 2>/dev/null)
MO_STAMP := var/.messages-compiled
MESSAGE_LANGUAGES ?= cy
setup: $(VENV)/.installed $(MO_STAMP)
setup-dev: $(VENV)/.installed-dev $(MO_STAMP)

$(MO_STAMP): $(PO_FILES) | $(VENV)/.installed
	$(BIN)/hubbub compilemessages --ignore=.venv --ignore=var --ignore=.git --ignore=node_modules
	mkdir -p $(dir $@) && touch $@

# Add the strings marked since the last run to every app's .po files (new ones untranslated,
# changed ones marked fuzzy, gone ones dropped); translate them, then `make setup` compiles
# them. The creation date is left out so that only real changes show in a diff.
messages: $(VENV)/.installed
	@set -e; for dir in src/hubbub/*/; do \
	  app=$$(basename $$dir); \
	  [ -f $$dir/apps.py ] || continue; \
	  if ! grep -rqsE --include='*.py' --include='*.html' --include='*.txt' \
	    'gettext|translate|_\(' $$dir; then continue; fi; \
	  mkdir -p $$dir/locale; \
	  echo "$$app"; \
	  (cd $$dir && HUBBUB_VAR_DIR=$(CURDIR)/var HUBBUB_LOCALE_DIR= $(CURDIR)/$(BIN)/hubbub makemessages \
	    $(foreach l,$(MESSAGE_LANGUAGES),-l $(l)) --add-location=file --ignore='migrations/*' --ignore='tests/*'); \
	  if find $$dir/static -name '*.js' -not -path '*/vendor/*' 2>/dev/null | grep -q .; then \
	    (cd $$dir && HUBBUB_VAR_DIR=$(CURDIR)/var HUBBUB_LOCALE_DIR= $(CURDIR)/$(BIN)/hubbub makemessages \
	      -d djangojs $(foreach l,$(MESSAGE_LANGUAGES),-l $(l)) --add-location=file --ignore='*/vendor/*'); \
	  fi; \
	  find $$dir/locale -name '*.po' -exec sed -i '/^"POT-Creation-Date: /d' {} +; \
	  rmdir $$dir/locale 2>/dev/null || true; \
	done

migrate: setup
	$(BIN)/hubbub migrate --noinput

demo: migrate
	$(BIN)/hubbub demo

run: demo
	HUBBUB_DEMO_LIVE=$(DEMO_LIVE) $(BIN)/hubbub serve --host $(HOST) --port $(PORT)

worker: setup
	$(BIN)/hubbub worker

# Browser tests drive Debian's Chromium; Playwright's own browser download is not used.
chromium:
	@bash scripts/ensure-chromium.sh

# ruff, then the import-layer contract in pyproject.toml ([tool.importlinter]).
lint: setup-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports --no-cache

format: setup-dev
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

test: setup-dev chromium lint
	$(BIN)/python -m pytest
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) bash scripts/test-postgres.sh

clean:
	rm -rf $(VENV) var
