# Reunite: `make demo` runs the product, `make test` runs the tests. Both set up a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo test test-fast lint bench browsers clean

# The product alone for the demo; the test tools and the Spark engine only for the tests.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	touch $(TEST_STAMP)

install: $(STAMP)

# The worker (large imports in the background) runs beside the server and stops with it.
demo: install
	REUNITE_MFA=optional $(BIN)/reunite migrate --no-input -v0
	REUNITE_MFA=optional $(BIN)/reunite demo --host $(HOST) --port $(PORT)
	REUNITE_MFA=optional $(BIN)/reunite worker -v0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	REUNITE_MFA=optional $(BIN)/reunite serve --host $(HOST) --port $(PORT)

# Browser tests need Debian's Chromium (never a downloaded browser).
browsers:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

test: $(TEST_STAMP) browsers
	$(BIN)/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/reunite makemigrations --check --dry-run -v0

bench: $(TEST_STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache
