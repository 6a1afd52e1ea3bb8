# One entry point for people and CI. `make review` installs and runs the 2025 sample review;
# `make test` installs and runs every gate (lint, format, types, every test). CI runs `make test`.
# `make test-fast` is the everyday subset (≤ 2 min on an idle 2-core machine), described above its target.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
export PREFECT_SERVER_ANALYTICS_ENABLED = false
export GX_ANALYTICS_ENABLED = false
export DO_NOT_TRACK = 1

.PHONY: install review test test-fast lint types pytest pytest-fast first-run-check bench clean

# pip -qq: the secretariat's first `make review` shows pip's errors only, not setuptools' English warning about
# editable installs
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

review: install
	$(BIN)/thidua review --year 2025

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: install
	$(BIN)/mypy tasks flows

# every test, on two pytest-xdist workers (a test module per worker at a time, so its module-scoped fixtures are
# built once; each worker with its own Prefect database, tests/conftest.py; the heavy tests/flows files first, see
# --no-loadscope-reorder in pyproject.toml): 3 min 33 s – 4 min 30 s of pytest in fresh clones on 4 December
# 2026, instead of 8 min serially
pytest: install
	$(BIN)/pytest -n 2 --dist loadfile

test: lint types pytest

# everyday work (≤ 2 min on an idle 2-core machine): every gate but PostgreSQL, the browser, long fuzzing and the
# `slow` whole runs (one real sample review through Prefect stays: tests/flows/test_annual_review.py); property
# tests draw 10 examples, not hundreds; the same two pytest-xdist workers (a module's fixtures are built once)
pytest-fast: install
	$(BIN)/pytest -n 2 --dist loadfile -m 'not postgres and not browser and not fuzz and not slow' --hypothesis-profile=fast

test-fast: lint types pytest-fast

# a fresh clone's first `make review`, five times, both cores busy, an empty Prefect home each time
first-run-check:
	scripts/first_run_check.sh

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
