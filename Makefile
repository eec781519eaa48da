# plandesk: `make run` sets everything up and serves http://127.0.0.1:8000; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON := /usr/bin/python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# nginx: `plandesk serve` puts it in front of gunicorn so that slow or idle clients cannot stall the workers.
DEB_PACKAGES := gdal-bin libsqlite3-mod-spatialite fonts-wqy-zenhei poppler-utils nginx
TEST_DEB_PACKAGES := chromium
export DJANGO_SETTINGS_MODULE := plandesk.settings

.PHONY: run test setup system-packages test-packages venv assets migrate demo lint clean-data help

help:
	@echo "make run   - set up (system packages, virtualenv, assets, database, demo data) and serve on 127.0.0.1:8000"
	@echo "make test  - run the whole test suite (SpatiaLite; PostGIS too when PLANDESK_TEST_PG is set)"

run: setup demo
	@$(BIN)/python scripts/banner.py
	$(BIN)/plandesk serve

setup: system-packages venv assets migrate

system-packages:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi
	@$(PYTHON) scripts/check_python.py

test-packages:
	@missing=""; for p in $(TEST_DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "Installing Debian packages for tests:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	@touch $@

venv: $(VENV)/.installed

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

assets: node_modules/.package-lock.json venv
	@$(BIN)/plandesk assets
	@$(BIN)/plandesk collectstatic --noinput -v 0

migrate: venv
	$(BIN)/plandesk migrate --noinput -v 0

demo: migrate
	$(BIN)/plandesk demo

lint: venv
	$(BIN)/ruff check .

test: system-packages test-packages venv assets lint
	@echo "=== plandesk tests on SpatiaLite ==="
	env -u PLANDESK_DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)
	@if [ -n "$$PLANDESK_TEST_PG" ]; then \
	  echo "=== plandesk tests on PostgreSQL/PostGIS ($$PLANDESK_TEST_PG) ==="; \
	  PLANDESK_DATABASE_URL="$$PLANDESK_TEST_PG" $(BIN)/pytest $(PYTEST_ARGS) || exit 1; \
	  echo "=== backends tested: SpatiaLite, PostGIS ==="; \
	else echo "=== backends tested: SpatiaLite only (set PLANDESK_TEST_PG=postgresql://... to test PostGIS too) ==="; fi

clean-data:
	rm -rf var
