# Two entry points a newcomer needs: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The extras installed: `durable` builds durable_rules from source, which needs a C compiler and
# Python's headers (Python.h). Without them (a laptop without build tools) it is left out and the
# built-in evaluator runs the rules (the same rule language, held identical by the tests), so
# `make demo` and `make test` work on any machine; `make demo EXTRAS=test` leaves it out anyway.
BUILDS_C := $(shell command -v $(firstword $(CC)) >/dev/null 2>&1 && $(PYTHON) -c "import os, sysconfig; raise SystemExit(not os.path.isfile(os.path.join(sysconfig.get_paths()['include'], 'Python.h')))" 2>/dev/null && echo yes)
WITH_DURABLE := durable,test
EXTRAS ?= $(if $(BUILDS_C),$(WITH_DURABLE),test)
# durable_rules 2.0.28 calls PyEval_CallObject, gone from Python 3.13's C API; GCC 14 and later
# make its implicit declaration (and the int-to-pointer conversion that follows) errors. These
# flags keep them warnings, as on older compilers (harmless there and with clang); its setup
# ignores CFLAGS, hence CC. assess imports it so that the missing symbol is never looked up.
DURABLE_CC ?= $(CC) -Wno-error=implicit-function-declaration -Wno-error=int-conversion

.PHONY: demo test lint unit bench schemas corpus clean

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(if $(and $(filter file,$(origin EXTRAS)),$(if $(BUILDS_C),,none)),@echo "make: no C compiler or no Python.h found: installing without durable_rules; the built-in evaluator runs the rules",)
	CC="$(DURABLE_CC)" $(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
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
	$(BIN)/python bench/memory.py

# The expert-labelled corpus gate (issue 12): prints recall, precision, false criticals, rho...
corpus: $(STAMP)
	$(BIN)/python -m corpus.gate

schemas: $(STAMP)
	$(BIN)/python -m assess.plan.schema

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
