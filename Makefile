# The two commands of the README: `make dev` and `make test`. Both create and reuse
# the virtualenv in .venv and install what they need themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two stamps: `make dev` installs only what serving needs (fast on a fresh clone); `make test`
# adds the test extras (schemathesis, localstripe, hypothesis...), the test plugin and the examples.
SERVE_STAMP := $(VENV)/.installed-serve
TEST_STAMP := $(VENV)/.installed-test
# The npm tools of tests/typed_clients (openapi-typescript, tsc), pinned in its package.json.
NODE_TOOLS := .cache/typed-clients
NODE_STAMP := $(NODE_TOOLS)/.installed
DEMO_PRODUCTS ?= 200
BENCH_PRODUCTS ?= 100000
PYTEST_ARGS ?=
# setuptools and wheel are in the venv already: building the editable install needs no isolated
# env. setuptools' "Editable installation" notice is advice for tools, not for this person.
PIP_INSTALL := PYTHONWARNINGS="ignore:Editable installation" $(BIN)/pip install -q --no-compile --no-build-isolation

.PHONY: dev serve-deps lint test test-scale test-sqlite test-postgresql install typed-clients chromium bench bench-checkout clean

# A current pip, put into a venv made without its bundled pip by the system's pip (no bundled
# pip to unpack and then replace; pip 23, bundled with Python 3.11, resolves about three times
# slower); ensurepip when the system has no pip of its own. No bytecode compiling at install
# time: Python compiles what it imports.
BOOTSTRAP := install -q --no-compile -U "pip>=24" "setuptools>=68,<80" wheel
$(BIN)/python:
	$(PYTHON) -m venv --without-pip $(VENV)
	$(PYTHON) -m pip --python $(BIN)/python $(BOOTSTRAP) || { $(BIN)/python -m ensurepip -q && $(BIN)/python -m pip $(BOOTSTRAP); }

# A stale *.egg-info left in the tree by an older pip shadows the installed entry points
# (plugins would go missing): the editable install keeps its metadata in the venv only.
$(SERVE_STAMP): $(BIN)/python setup.cfg pyproject.toml
	rm -rf *.egg-info examples/*/*.egg-info tests/testplugin/*.egg-info
	$(PIP_INSTALL) -e .
	touch $@

$(TEST_STAMP): $(SERVE_STAMP) $(wildcard tests/testplugin/setup.cfg) $(wildcard examples/*/setup.cfg)
	$(PIP_INSTALL) -e ".[test]"
	$(PIP_INSTALL) -e tests/testplugin
	@for d in examples/*/; do [ -f $$d/setup.cfg ] && $(PIP_INSTALL) -e $$d || true; done
	touch $@

serve-deps: $(SERVE_STAMP)

install: $(TEST_STAMP)

dev: $(SERVE_STAMP)
	@mkdir -p var
	@$(BIN)/agora development.ini demo-data --migrate --products $(DEMO_PRODUCTS) --if-empty
	@echo ""
	@echo "Agora is starting on http://127.0.0.1:6543  (API docs: http://127.0.0.1:6543/api/docs/)"
	@echo "Dashboard for managers and vendors: http://127.0.0.1:6543/dashboard/  (the demo accounts above)"
	@echo "Mail lands in var/mail/new/ (a Maildir; the worker runs alongside). Stop with Ctrl-C."
	@$(BIN)/agora development.ini worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; \
	$(BIN)/pserve development.ini


# Installed once (npm ci from the committed lock file) and reused until package*.json change.
$(NODE_STAMP): tests/typed_clients/package.json tests/typed_clients/package-lock.json
	mkdir -p $(NODE_TOOLS)
	cp tests/typed_clients/package.json tests/typed_clients/package-lock.json $(NODE_TOOLS)/
	cd $(NODE_TOOLS) && npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

typed-clients: $(NODE_STAMP)

# tests/plugins/dashboard drives Debian's Chromium through Playwright (no browser download: never
# `playwright install`). CI runs as root; a local run without root reports what to install.
chromium:
	@command -v chromium >/dev/null || (apt-get install -y -q chromium || (apt-get update -q && apt-get install -y -q chromium))

# ruff (pyflakes, import order, bugbear, pyupgrade, line length; pyproject.toml) over the tree.
lint: $(TEST_STAMP)
	$(BIN)/ruff check .

# The two database passes run side by side (one per core; each has its own database, ports and
# vhosts); each writes its log, shown whole when it failed and by its summary when it passed.
test: $(TEST_STAMP) typed-clients chromium lint
	@mkdir -p var/test-logs
	@echo "pytest --db=sqlite and --db=postgresql, side by side (logs in var/test-logs/)"
	@$(BIN)/pytest --db=sqlite -q -p no:cacheprovider --ignore=tests/scale $(PYTEST_ARGS) > var/test-logs/sqlite.log 2>&1 & lite=$$!; \
	$(BIN)/pytest --db=postgresql -q -p no:cacheprovider --ignore=tests/scale $(PYTEST_ARGS) > var/test-logs/postgresql.log 2>&1; pg=$$?; \
	wait $$lite; lite=$$?; \
	for db in sqlite postgresql; do echo "=== pytest --db=$$db"; \
	  if grep -qE "^(FAILED|ERROR)|[0-9]+ (failed|error)" var/test-logs/$$db.log; then cat var/test-logs/$$db.log; \
	  else tail -n 8 var/test-logs/$$db.log; fi; done; \
	test $$lite -eq 0 -a $$pg -eq 0
	for d in examples/*/tests; do for db in sqlite postgresql; do $(BIN)/pytest --db=$$db -q $$d || exit 1; done; done
	$(MAKE) test-scale

# Past one machine (PostgreSQL only, ~70 s): two gunicorn instances on one PostgreSQL + RabbitMQ,
# and a real streaming replica (its own primary via initdb, pg_basebackup -R).  The main
# PostgreSQL pass skips tests/scale so that this runs once.
test-scale: $(TEST_STAMP)
	$(BIN)/pytest --db=postgresql -q tests/scale

test-sqlite: $(TEST_STAMP)
	$(BIN)/pytest --db=sqlite -q $(PYTEST_ARGS)

test-postgresql: $(TEST_STAMP) typed-clients chromium
	$(BIN)/pytest --db=postgresql -q $(PYTEST_ARGS)

# Benchmarks under the operating contract (PostgreSQL, RabbitMQ on a private vhost, SMTP,
# localstripe, a mail worker, every plugin; gunicorn -w 2; wrk from Debian's packages, 1 thread):
# prints the tables of issue 20 and writes var/bench.json.  Smoke: make bench BENCH_PRODUCTS=2000
# BENCH_DURATION=2 BENCH_ORDERS=20.
BENCH_DURATION ?= 15
BENCH_CONNECTIONS ?= 16
BENCH_ORDERS ?= 300
BENCH_CONCURRENCY ?= 10
bench: $(TEST_STAMP)
	@command -v wrk >/dev/null || (apt-get install -y -q wrk || (apt-get update -q && apt-get install -y -q wrk))
	$(BIN)/python -m tests.bench.run --products $(BENCH_PRODUCTS) --duration $(BENCH_DURATION) \
		--connections $(BENCH_CONNECTIONS) --orders $(BENCH_ORDERS) --concurrency $(BENCH_CONCURRENCY)

bench-checkout: $(TEST_STAMP)
	$(BIN)/python -m tests.bench.checkout_bench --orders $(BENCH_ORDERS) --concurrency $(BENCH_CONCURRENCY)

clean:
	rm -rf $(VENV) var *.egg-info .cache
