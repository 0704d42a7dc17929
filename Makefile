# Two commands do all the set-up: `make run` and `make test` (see README.md).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DAGSTER_HOME ?= $(CURDIR)/.dagster

.PHONY: run test dev lint bench lock clean

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

dev: $(STAMP)  ## Dagster UI + daemon: sensors, schedules and automation are live
	$(BIN)/python -c "from mscflow.cli.runner import ensure_dagster_home; ensure_dagster_home()"
	$(BIN)/dagster dev -w workspace.yaml

lint: $(STAMP)
	$(BIN)/ruff check mscflow tests

bench: $(STAMP)
	$(BIN)/mscflow bench

lock:  ## re-pin after changing dependencies in pyproject.toml
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e ' > requirements.lock

clean:
	rm -rf data .dagster
