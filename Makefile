# Everything a user or CI runs. Each target installs what it needs into .venv first (idempotent).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FIXTURE_PORT ?= 8765
DAGSTER_PORT ?= 3000
DASHBOARD_PORT ?= 8501
export DAGSTER_HOME := $(CURDIR)/dagster_home
export DO_NOT_TRACK := 1
# `dg` runs the project in the environment that is active: this one.
export VIRTUAL_ENV := $(CURDIR)/$(VENV)

.PHONY: setup demo dev dashboard team load lint test suite test-fast check screenshots chromium postgres-server bench bench-scale soak lock clean

# The stamp is rebuilt whenever the lock or the project metadata changes. uv installs the lock (a
# fraction of pip's time); pip only bootstraps uv at the lock's version. Every installed module is
# compiled to bytecode, as for an image: a process started with PYTHONDONTWRITEBYTECODE set would
# compile what it imports each time. UV_COMPILE_BYTECODE=0 leaves it to Python's first imports.
# --system-certs: the machine's trust store, as pip's (a registry behind a company CA works).
export UV_COMPILE_BYTECODE ?= 1
UV := $(BIN)/uv --quiet --system-certs
UV_LOCKED := $(shell sed -n 's/^uv==\([^ ]*\).*/\1/p' requirements.lock)
$(VENV)/.installed: requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_LOCKED)
	$(UV) pip install --python $(BIN)/python --no-deps --require-hashes -r requirements.lock
	$(UV) pip install --python $(BIN)/python --no-deps --no-build-isolation -e .
	@touch $@

# The mart's manifest: the code location reads it instead of parsing dbt at every load.
DBT_PROJECT := chess_dbt
DBT_MANIFEST := $(DBT_PROJECT)/target/manifest.json
$(DBT_MANIFEST): $(VENV)/.installed $(DBT_PROJECT)/dbt_project.yml $(DBT_PROJECT)/profiles.yml $(shell find $(DBT_PROJECT)/models $(DBT_PROJECT)/macros -type f 2>/dev/null)
	cd $(DBT_PROJECT) && DO_NOT_TRACK=1 ../$(BIN)/dbt parse --quiet --profiles-dir . --target-path target

# Where your secrets go (ignored by git; the example lists them). Without any secrets.toml, dlt
# looks for Streamlit's secrets instead, importing Streamlit in every process that reads its config.
.dlt/secrets.toml:
	@printf '%s\n' '# Your secrets (never committed): see secrets.toml.example, or set environment variables.' > $@

setup: $(VENV)/.installed $(DBT_MANIFEST) .dlt/secrets.toml  ## create .venv with exactly the locked versions; parse the dbt mart; .dlt/secrets.toml for your secrets

# Dagster creates the instance's SQLite storage on first use, and two runs started together on a
# fresh home race to create it (one fails): create it once, before anything runs.
INSTANCE_STORAGE := $(DAGSTER_HOME)/history/runs.db
$(INSTANCE_STORAGE): | $(VENV)/.installed
	$(BIN)/dagster instance migrate >/dev/null

demo: setup $(INSTANCE_STORAGE)  ## offline: fixture Chess.com API + one month loaded and the mart built + dg dev on 127.0.0.1:3000 + the dashboard on 127.0.0.1:8501
	FIXTURE_PORT=$(FIXTURE_PORT) DAGSTER_PORT=$(DAGSTER_PORT) DASHBOARD_PORT=$(DASHBOARD_PORT) bash scripts/demo.sh

dev: setup $(INSTANCE_STORAGE)  ## real Chess.com API: dg dev (UI, daemon) on 127.0.0.1:3000
	$(BIN)/dg dev --host 127.0.0.1 --port $(DAGSTER_PORT)

dashboard: setup  ## the dashboard (Streamlit) over the configured warehouse on 127.0.0.1:$(DASHBOARD_PORT)
	$(BIN)/streamlit run dashboard/app.py --server.port $(DASHBOARD_PORT)

load: setup $(INSTANCE_STORAGE)  ## load games for MONTHS (YYYY-MM or YYYY-MM...YYYY-MM) into data/chess.duckdb, e.g. make load MONTHS=2022-01
	$(BIN)/chess-load games $(MONTHS)

lint: setup  ## quality gates: ruff (lint, format), mypy, dg check defs, sqlfluff on the dbt mart
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/dg check defs
	cd $(DBT_PROJECT) && CHESS_DUCKDB_PATH=:memory: ../$(BIN)/sqlfluff lint models

# The gates run beside the suite (they are single-threaded; the suite keeps both cores busy), each
# one's output printed whole when it ends. `make check` runs inside the suite: the walk-through
# (e2e/test_readme.py, docs/checks.md) runs it and compares its table.
test: setup chromium postgres-server  ## gates and the whole test suite, asset checks on a fixture load included (CI runs this)
	@$(MAKE) --no-print-directory -j2 --output-sync=target lint suite

# 3 workers for 2 cores: with 2, a core idles while the e2e tests wait on servers and runs; 4 were
# no faster (their processes contend for the cores).
suite: setup  ## the whole test suite on 3 workers, the 15 slowest tests listed
	$(BIN)/python -m pytest -n 3 --dist loadgroup --durations=15

test-fast: setup  ## the unit tests: pure logic, no subprocess, server or browser (seconds)
	$(BIN)/python -m pytest chess_dagster_tests/unit

postgres-server:  ## Debian's PostgreSQL server binaries, for the tests of the team deployment (each test run starts its own server)
	@command -v pg_ctl >/dev/null || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }

chromium:  ## Debian's Chromium for the browser test (Playwright drives it; no browser download)
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

screenshots: setup chromium  ## the README's pictures (docs/*.png) from a throw-away demo: fixture API, one month, the mart, dg dev in Chromium
	$(BIN)/python -m scripts.screenshots

check: setup  ## load a few fixture months into a throw-away DuckDB, run every asset check, fail on ERROR
	@$(BIN)/python -m scripts.check_load

team: setup postgres-server  ## the team deployment as services: PostgreSQL, code server, daemon, webserver (Ctrl-C stops all)
	$(BIN)/python -m scripts.team

bench: setup postgres-server  ## backfill benchmark: dlt example vs the project (cold, warm) vs the network floor; the move reader
	$(BIN)/python -m bench.backfill
	$(BIN)/python -m bench.moves
	$(BIN)/python -m bench.render

bench-scale: setup postgres-server  ## scale benchmark: 1,000 players x 24 months, cold and warm, memory and bookkeeping; the moves on DuckDB and PostgreSQL; a 10,000-player roster
	$(BIN)/python -m bench.scale
	$(BIN)/python -m bench.moves_scale
	$(BIN)/python -m bench.rosters
	$(BIN)/python -m bench.render

soak: setup  ## fault soak: chess-load runs under every fault the fixture API injects, rows checked after each
	$(BIN)/python -m scripts.soak $(if $(ROUNDS),--rounds $(ROUNDS))
	$(BIN)/python -m bench.render

lock:  ## re-resolve requirements.lock (and the image's deploy/requirements.lock within it) from pyproject.toml (needs network to PyPI)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra dashboard --python-version 3.11 --generate-hashes -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra k8s --python-version 3.11 --generate-hashes -c requirements.lock -o deploy/requirements.lock

clean:
	rm -rf $(VENV) data/demo
