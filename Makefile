# Two commands do all the set-up: `make run` and `make test` (see README.md).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DAGSTER_HOME ?= $(CURDIR)/.dagster

.PHONY: run test dev lint bench lock clean duckdb1

$(STAMP): pyproject.toml requirements.lock
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@mkdir -p $(DAGSTER_HOME)
	@touch $(STAMP)

run: $(STAMP)  ## materialize every asset from seeds/ and publish data/mscflow.duckdb
	$(BIN)/mscflow build

test: $(STAMP)  ## the whole test suite (prints the extraction scores)
	$(BIN)/python -m pytest -q -p no:cacheprovider

# `make dev PORT=3100` (or MSCFLOW_PORT): the UI on that port, the data folder (evidence report,
# Data Docs) on the next one. Ctrl-C stops every process it started (mscflow/cli/dev.py).
PORT ?=
dev: $(STAMP)  ## dg dev (UI + daemon: sensors and schedules live) and the report/Data Docs server
	$(if $(PORT),MSCFLOW_PORT=$(PORT)) $(BIN)/python -m mscflow.cli.dev

duckdb1:  ## a DuckDB 1.x client in .venv-duckdb1/ (the test suite makes it on first use too)
	$(PY) -m venv .venv-duckdb1 && .venv-duckdb1/bin/python -m pip install --quiet duckdb==1.1.3

lint: $(STAMP)
	$(BIN)/ruff check mscflow tests

bench: $(STAMP)
	$(BIN)/mscflow bench

lock:  ## re-pin after changing dependencies in pyproject.toml
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e ' > requirements.lock

clean:
	rm -rf data .dagster
