# The two commands: `make run` (everything set up, app + worker + beat) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= mecto.settings.dev

# The suite runs on every core (pytest-xdist); tests marked with xdist_group share a worker,
# and pytest-django's order (transactional tests last) is kept on each worker.
TEST_WORKERS ?= auto
PYTEST = DJANGO_SETTINGS_MODULE=mecto.settings.test $(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup --no-loadscope-reorder

# Links in the demo's printout and in emails point at the port the app really listens on.
run seed serve: export SITE_URL ?= http://localhost:$(PORT)

.PHONY: run test test-fast install install-dev assets migrate seed serve lint format check ci clean messages makemessages

run: install assets migrate seed serve

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-base: $(PY) requirements/base.txt
	$(PIP) install --quiet -r requirements/base.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-base requirements/dev.txt
	$(PIP) install --quiet -r requirements/dev.txt
	touch $@

install: $(VENV)/.installed-base

install-dev: $(VENV)/.installed-dev

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

assets: node_modules/.package-lock.json messages
	node scripts/copy-assets.mjs

migrate: install
	$(PY) manage.py migrate --noinput

seed: install
	$(PY) manage.py load_reference_data
	$(PY) manage.py seed_demo

# Web, a real Celery worker and beat; Ctrl-C stops all three.
serve:
	@echo "Starting web on http://$(HOST):$(PORT)/ with a Celery worker and beat (Ctrl-C stops all)"
	@trap 'kill 0' INT TERM EXIT; \
	$(PY) -m celery -A mecto worker --loglevel INFO --concurrency 2 & \
	$(PY) -m celery -A mecto beat --loglevel INFO & \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install-dev assets
	$(PYTEST) $(PYTEST_ARGS)

# The quick loop: everything but the browser tests and the bulk fuzzing.
test-fast: install-dev assets
	$(PYTEST) -m "not e2e and not fuzz" $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: install-dev
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

ci:
	.ci/run

# The translations in locale/ (Spanish, German, and the English wording overrides) compiled into
# the .mo files Django reads: build output, not in git; `assets` (so run and test) does it too.
messages:
	$(PYTHON) scripts/compile_messages.py

# After adding or changing marked text: refresh the Spanish and German catalogues, then translate
# the new entries in locale/es and locale/de (docs/languages.md).
makemessages: install
	$(PY) manage.py makemessages -l es -l de --no-location --no-obsolete \
	  --ignore=.venv --ignore=node_modules --ignore=static/vendor --ignore=var --ignore=bench --ignore=tests

clean:
	rm -rf $(VENV) node_modules static/vendor var
