# Quick start: `make demo` (archive the seed article and render it), `make test` (every test).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench golden clean system-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/archiver extract seeds/ --archive archive
	$(BIN)/archiver render --format all --archive archive

system-deps:
	sh scripts/system-deps.sh

test: $(STAMP) system-deps
	$(BIN)/ruff check archiver tests benchmarks scripts
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check archiver tests benchmarks scripts
	$(BIN)/ruff format --check archiver tests benchmarks scripts

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_extract.py
	$(BIN)/python benchmarks/bench_scale.py
	$(BIN)/python benchmarks/bench_png.py
	$(BIN)/python benchmarks/bench_render.py

golden: $(STAMP)
	$(BIN)/python scripts/regen_golden.py

clean:
	rm -rf $(VENV) build *.egg-info test-artifacts
