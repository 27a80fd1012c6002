# The two commands of the README: `make dev` and `make test`. Both create and reuse
# the virtualenv in .venv and install what they need themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The npm tools of tests/typed_clients (openapi-typescript, tsc), pinned in its package.json.
NODE_TOOLS := .cache/typed-clients
NODE_STAMP := $(NODE_TOOLS)/.installed
DEMO_PRODUCTS ?= 200
BENCH_PRODUCTS ?= 100000
PYTEST_ARGS ?=

.PHONY: dev test test-sqlite test-postgresql install typed-clients bench bench-checkout clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q "setuptools>=68,<81" wheel

$(STAMP): $(BIN)/python setup.cfg pyproject.toml $(wildcard tests/testplugin/setup.cfg) $(wildcard examples/*/setup.cfg)
	$(BIN)/pip install -q -e ".[test]"
	$(BIN)/pip install -q -e tests/testplugin
	@for d in examples/*/; do [ -f $$d/setup.cfg ] && $(BIN)/pip install -q -e $$d || true; done
	touch $(STAMP)

install: $(STAMP)

# Installed once (npm ci from the committed lock file) and reused until package*.json change.
$(NODE_STAMP): tests/typed_clients/package.json tests/typed_clients/package-lock.json
	mkdir -p $(NODE_TOOLS)
	cp tests/typed_clients/package.json tests/typed_clients/package-lock.json $(NODE_TOOLS)/
	cd $(NODE_TOOLS) && npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

typed-clients: $(NODE_STAMP)

dev: install
	mkdir -p var
	$(BIN)/agora development.ini migrate
	$(BIN)/agora development.ini demo-data --products $(DEMO_PRODUCTS) --if-empty
	@echo "serving on http://127.0.0.1:6543 ; mail lands in var/mail (the worker runs alongside)"
	trap 'kill 0' EXIT; $(BIN)/agora development.ini worker & $(BIN)/pserve development.ini

test: install typed-clients
	$(BIN)/pytest --db=sqlite -q $(PYTEST_ARGS)
	$(BIN)/pytest --db=postgresql -q $(PYTEST_ARGS)
	for d in examples/*/tests; do for db in sqlite postgresql; do $(BIN)/pytest --db=$$db -q $$d || exit 1; done; done

test-sqlite: install
	$(BIN)/pytest --db=sqlite -q $(PYTEST_ARGS)

test-postgresql: install typed-clients
	$(BIN)/pytest --db=postgresql -q $(PYTEST_ARGS)

# Benchmarks (PostgreSQL, gunicorn with 2 workers, wrk from Debian's packages): print tables.
bench: install
	@command -v wrk >/dev/null || (apt-get install -y -q wrk || (apt-get update -q && apt-get install -y -q wrk))
	$(BIN)/python -m tests.bench.catalog_bench --products $(BENCH_PRODUCTS)
	$(BIN)/python -m tests.bench.checkout_bench --orders 300 --concurrency 10

bench-checkout: install
	$(BIN)/python -m tests.bench.checkout_bench --orders 300 --concurrency 10

clean:
	rm -rf $(VENV) var *.egg-info .cache
