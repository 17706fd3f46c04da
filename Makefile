# The project's one task runner: CI runs `make test` (see .ci/run).
PYTHON ?= python3
VENV ?= .venv
BIN := $(abspath $(VENV))/bin
# nbgrader runs `alembic` from PATH; TensorFlow reads its log level at import.
export PATH := $(BIN):$(PATH)
export TF_CPP_MIN_LOG_LEVEL ?= 3
PYTEST_ARGS ?=

.PHONY: setup demo test lint format release check-release lab instructor bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

## demo: release, build a sample class, grade it with nbgrader, print the scores
demo: setup
	$(BIN)/autograder demo

## test: lint, then the whole test suite (slow and browser tests included)
test: lint
	$(BIN)/python -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## release: regenerate release/ from source_notebooks/ with nbgrader
release: setup
	$(BIN)/autograder release

check-release: setup
	$(BIN)/autograder check-release

# Jupyter refuses to run as root (containers, CI images) without --allow-root.
LAB_FLAGS := $(if $(filter 0,$(shell id -u)),--allow-root)

## lab: the student notebooks in JupyterLab, on a working copy (release/ stays clean);
## the copy is made once, so a second `make lab` keeps the student's work
lab: setup
	test -d build/lab/logits || { mkdir -p build/lab && cp -r release/logits build/lab/logits; }
	$(BIN)/jupyter lab $(LAB_FLAGS) --notebook-dir=build/lab/logits

## instructor: JupyterLab on the course root, nbgrader's formgrader under Nbgrader → Formgrader
instructor: setup
	$(BIN)/jupyter lab $(LAB_FLAGS) --notebook-dir=$(CURDIR)

## bench: nbgrader autograde vs autograder grade on a 60-submission class (times, ratio, memory)
bench: setup
	$(BIN)/python benchmarks/bench_grade.py

clean:
	rm -rf build gradebook.db submitted autograded feedback artifacts .pytest_cache
