# Two entry points a newcomer needs: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint unit bench schemas corpus clean

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/assess samples/exemplary.json samples/no-crisis-single-admin.json --fail-on none

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q

test: lint unit

bench: $(STAMP)
	$(BIN)/python bench/run.py

# The expert-labelled corpus gate (issue 12): prints recall, precision, false criticals, rho...
corpus: $(STAMP)
	$(BIN)/python -m corpus.gate

schemas: $(STAMP)
	$(BIN)/python -m assess.plan.schema

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
