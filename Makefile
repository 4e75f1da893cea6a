# The README's two commands: `make demo` and `make test`. Both set up everything they need.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8000
# The suite over every core, a test module per worker (module fixtures are built once).
XDIST  ?= -n auto --dist loadfile
# Tests that touch no database (Spark's engine tests) run in the SQLite pass only.
POSTGRES_SELECT ?= -m "not db_independent"

.PHONY: install messages catalogues i18n-check demo serve test test-sqlite test-postgres lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@scripts/ensure-venv.sh "$(PYTHON)" "$(VENV)"
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev,s3,spark]'
	@rm -f $(VENV)/.installed-*
	@touch $@

# The translations: each catalogue (.po, written by the translators) compiled to the .mo file
# Django reads. Build output, ignored by git. GNU gettext's msgfmt when installed (.ci/run
# installs it), else Babel's compiler, which is a dependency.
PO_FILES := $(wildcard src/datacollab/locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

messages: $(MO_FILES)

# After `install` in `demo` and `test` (listed first), so the fallback finds Babel.
%.mo: %.po
	@if command -v msgfmt >/dev/null 2>&1; then \
	  msgfmt --check-format -o $@ $<; \
	else \
	  $(VENV)/bin/pybabel compile -i $< -o $@ -l $(word 4,$(subst /, ,$<)); \
	fi

# The catalogues brought up to date with the marked strings (new ones empty, changed ones
# fuzzy), for the translators.
catalogues: install
	cd src/datacollab && PYTHONPATH=.. ../../$(VENV)/bin/python -m datacollab makemessages \
	  -l es -l fr -l pt --no-obsolete

# Every message of every catalogue translated, none fuzzy, formats consistent (issue 14).
# `make test` runs it first (tests/test_catalogues_current.py checks the catalogues hold every
# marked string).
i18n-check:
	@command -v msgfmt >/dev/null 2>&1 || { echo "msgfmt missing (apt install gettext): checking with Babel"; \
	  $(VENV)/bin/python scripts/i18n_check.py; exit $$?; }
	@status=0; for lang in es fr pt; do \
	  po=src/datacollab/locale/$$lang/LC_MESSAGES/django.po; \
	  if ! out=$$(LC_ALL=C msgfmt --check --statistics -o /dev/null $$po 2>&1); then \
	    echo "$$out"; status=1; continue; \
	  fi; \
	  echo "$$lang: $$out"; \
	  case "$$out" in *untranslated*|*fuzzy*) status=1;; esac; \
	done; \
	if [ $$status -ne 0 ]; then echo "i18n-check: translate every message (none untranslated, none fuzzy)"; fi; \
	exit $$status

# The demo runs background tasks (decision mails) in the request, so no worker is needed.
# DEBUG off, so a mistyped address shows the site's own 404 page, not Django's debug page;
# `datacollab demo` then serves the static files itself (runserver's --insecure).
demo: install messages
	$(VENV)/bin/datacollab migrate --noinput
	DEBUG=0 TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend \
	  $(VENV)/bin/datacollab demo --addrport $(HOST):$(PORT)

test: install messages
	@$(MAKE) --no-print-directory i18n-check
	@$(MAKE) --no-print-directory test-sqlite
	@$(MAKE) --no-print-directory test-postgres

test-sqlite: install messages
	@echo "== test suite on SQLite"
	$(PY) -m pytest $(XDIST) $(PYTEST_ARGS)

# Starts a throwaway PostgreSQL cluster on loopback, runs the suite against it, removes it.
# Fails when PostgreSQL is not installed, unless ALLOW_NO_POSTGRES=1 (a laptop without it).
test-postgres: install messages
	@echo "== test suite on PostgreSQL"
	scripts/with-postgres.sh $(PY) -m pytest $(XDIST) $(POSTGRES_SELECT) $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy src

bench: install
	@for f in bench/*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache
	rm -f $(MO_FILES)
