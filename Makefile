# newsgraph: `make demo` sets everything up and runs the main job on the bundled
# sample; `make test` runs ruff, mypy and the tests. Both work on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
DB     ?= newsgraph.duckdb
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest install browser bench gate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e ".[dev,spark]"
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/newsgraph ingest samples/ecbplus.jsonl --db $(DB)
	$(BIN)/newsgraph stats --db $(DB) --top 15

lint: install
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

typecheck: install
	$(BIN)/mypy

browser:
	-bash scripts/install-browser.sh

pytest: install
	$(BIN)/pytest

test: lint typecheck browser pytest

bench: install
	$(BIN)/python bench/throughput.py --docs 500

gate: install
	bash .ci/run

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache artifacts
