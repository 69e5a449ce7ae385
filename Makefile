# Tandem: `make run` sets everything up and serves the demo site; `make test` runs all tests.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
export DJANGO_SETTINGS_MODULE ?= lms.settings.dev

.PHONY: run setup test test-swapped bench lint messages clean topology topology-down

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[site,dev]"
	@touch $(STAMP)

setup: $(STAMP)

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: setup
	DJANGO_SETTINGS_MODULE=lms.settings.test $(PY) -m pytest $(PYTEST_ARGS)

# The suite again with a swapped base page model (Wagtail 8's WAGTAIL_PAGE_MODEL, tests/swapped_page).
test-swapped: setup
	DJANGO_SETTINGS_MODULE=lms.settings.test_swapped $(PY) -m pytest $(PYTEST_ARGS)

bench: setup
	DJANGO_SETTINGS_MODULE=lms.settings.test $(PY) -m bench

lint: setup
	$(VENV)/bin/ruff check .

# The production topology on 127.0.0.1 (nginx, 2 gunicorn, PostgreSQL, Redis, RQ worker, SeaweedFS
# S3, SMTP sink): ops/topology.py; docs/deployment.md.
topology: setup
	$(PY) ops/topology.py up

topology-down:
	$(PY) ops/topology.py down

messages: setup
	$(PY) manage.py messages

clean:
	rm -rf $(VENV) .pytest_cache .test-media staticfiles
