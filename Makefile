# NTM Atlas — set-up, run and test. Two commands do everything on a fresh
# Debian machine with Python 3.11: `make run` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
SUDO    := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
RUNTIME := $(VENV)/.runtime-installed
DEVTOOLS:= $(VENV)/.dev-installed

.PHONY: run test check geodata prepare bench bench-short bench-deploy bench-deploy-short system-deps deploy-deps deploy-local deploy-stop deploy-status test-deployed clean

$(RUNTIME): requirements.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(DEVTOOLS): $(RUNTIME) requirements-dev.txt
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

# Headless Chromium (browser tests), Vietnamese-capable fonts (map images,
# briefing packs), poppler (PDF checks) and PostgreSQL (store tests) come from Debian.
system-deps:
	@if ! command -v chromium >/dev/null || ! command -v pdftoppm >/dev/null \
	    || [ ! -d /usr/share/fonts/truetype/noto ] || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium fonts-noto-core poppler-utils postgresql; \
	fi

## Run the dashboard on the bundled data (embedded SQLite database built on first run;
## map geometry prepared before the server starts, so no first visitor waits for it).
run: $(RUNTIME)
	$(BIN)/python -m loaders init
	$(BIN)/python scripts/prepare_static.py --quiet
	$(BIN)/streamlit run app.py --server.port 8501 --server.headless true

## Run the whole test suite (data checks, unit, app, browser tests, short benchmarks).
test: $(DEVTOOLS) system-deps
	$(BIN)/python -m loaders check
	$(BIN)/python -m pytest

check: $(RUNTIME)
	$(BIN)/python -m loaders check

## Prepared (simplified, quantised) map geometry under var/geometry/, with checks.
geodata: $(RUNTIME)
	$(BIN)/python scripts/build_geometry.py

## The same geometry plus the content-addressed map files under static/ (what a first visitor
## would otherwise wait for); `run` and `deploy-local` do it.
prepare: $(RUNTIME)
	$(BIN)/python scripts/prepare_static.py

bench: $(DEVTOOLS) system-deps
	$(BIN)/python -m benchmarks

bench-short: $(DEVTOOLS) system-deps
	$(BIN)/python -m benchmarks --short

## The shared deployment on this machine (127.0.0.1 only): PostgreSQL + N replicas + nginx on
## http://127.0.0.1:8080/; writes var/deploy/env. See docs/deploy.md.
N ?= 2
deploy-deps:
	@if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ] || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q nginx postgresql; \
	fi

deploy-local: $(RUNTIME) deploy-deps
	$(BIN)/python deploy/local.py up $(N)

deploy-stop:
	@if [ -x $(BIN)/python ]; then $(BIN)/python deploy/local.py down; else $(PY) deploy/local.py down; fi

deploy-status:
	$(BIN)/python deploy/local.py status

## The browser tests through nginx against the running local deployment (make deploy-local first).
test-deployed: $(DEVTOOLS) system-deps
	. var/deploy/env && NTM_BASE_URL=$$NTM_DEPLOY_URL NTM_DATABASE_URL=$$NTM_DATABASE_URL \
	  $(BIN)/python -m pytest tests/browser -m browser

## Load and fault benchmark of the shared deployment (its own stack on free ports, taken down after).
bench-deploy: $(DEVTOOLS) system-deps deploy-deps
	$(BIN)/python -m benchmarks deploy

bench-deploy-short: $(DEVTOOLS) system-deps deploy-deps
	$(BIN)/python -m benchmarks --short deploy

clean:
	rm -rf var/ .pytest_cache
