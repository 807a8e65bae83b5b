# NTM Atlas — set-up, run and test. Two commands do everything on a fresh
# Debian machine with Python 3.11: `make run` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
SUDO    := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
RUNTIME := $(VENV)/.runtime-installed
DEVTOOLS:= $(VENV)/.dev-installed

.PHONY: run test check geodata bench bench-short system-deps clean

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

## Run the dashboard on the bundled data (embedded SQLite database built on first run).
run: $(RUNTIME)
	$(BIN)/python -m loaders init
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

bench: $(DEVTOOLS) system-deps
	$(BIN)/python -m benchmarks

bench-short: $(DEVTOOLS) system-deps
	$(BIN)/python -m benchmarks --short

clean:
	rm -rf var/ .pytest_cache
