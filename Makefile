# The README's two commands: `make demo` and `make test`. Both set up everything they need.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8000
# The suite over every core, a test module per worker (module fixtures are built once).
XDIST  ?= -n auto --dist loadfile

.PHONY: install demo serve test test-sqlite test-postgres lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@scripts/ensure-venv.sh "$(PYTHON)" "$(VENV)"
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev,s3]'
	@rm -f $(VENV)/.installed-*
	@touch $@

# The demo runs background tasks (decision mails) in the request, so no worker is needed.
# DEBUG off, so a mistyped address shows the site's own 404 page, not Django's debug page;
# `datacollab demo` then serves the static files itself (runserver's --insecure).
demo: install
	$(VENV)/bin/datacollab migrate --noinput
	DEBUG=0 TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend \
	  $(VENV)/bin/datacollab demo --addrport $(HOST):$(PORT)

test: install
	@$(MAKE) --no-print-directory test-sqlite
	@$(MAKE) --no-print-directory test-postgres

test-sqlite: install
	@echo "== test suite on SQLite"
	$(PY) -m pytest $(XDIST) $(PYTEST_ARGS)

# Starts a throwaway PostgreSQL cluster on loopback, runs the suite against it, removes it.
# Fails when PostgreSQL is not installed, unless ALLOW_NO_POSTGRES=1 (a laptop without it).
test-postgres: install
	@echo "== test suite on PostgreSQL"
	scripts/with-postgres.sh $(PY) -m pytest $(XDIST) $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy src

bench: install
	@for f in bench/*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache
