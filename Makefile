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

.PHONY: run test test-fast install install-dev assets migrate seed serve lint format check ci clean messages

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

assets: node_modules/.package-lock.json
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

# The English wording overrides in locale/ (sentence case for the account pages); the .mo is committed.
messages:
	msgfmt --check-format -o locale/en/LC_MESSAGES/django.mo locale/en/LC_MESSAGES/django.po

clean:
	rm -rf $(VENV) node_modules static/vendor var
