# Tandem: `make run` sets everything up and serves the demo site; `make test` runs all tests.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
export DJANGO_SETTINGS_MODULE ?= lms.settings.dev

.PHONY: run setup test test-swapped bench bench-load lint messages clean topology topology-down

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[site,dev]"
	@touch $(STAMP)

setup: $(STAMP)

# PORT goes to the settings too: without SITE_URL, links in e-mails lead to http://127.0.0.1:$(PORT).
run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	PORT=$(PORT) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Tests are marked by tier (pure, db, pages, browser, fuzz; tests/conftest.py). `make test` runs
# them all; MARKERS picks tiers, e.g. `make test MARKERS="pure"`; PYTEST_ARGS goes to pytest as is;
# TANDEM_FUZZ_EXAMPLES sets the fuzz depth.
MARKERS ?=
SWAPPED_MARKERS ?= pages and not browser and not fuzz
pytest_markers = $(if $(strip $(1)),-m "$(strip $(1))")

test: setup
	DJANGO_SETTINGS_MODULE=lms.settings.test $(PY) -m pytest $(call pytest_markers,$(MARKERS)) $(PYTEST_ARGS)

# The tests that touch pages again with a swapped base page model (Wagtail 8's WAGTAIL_PAGE_MODEL,
# tests/swapped_page); `make test-swapped SWAPPED_MARKERS=` runs the whole suite that way.
test-swapped: setup
	DJANGO_SETTINGS_MODULE=lms.settings.test_swapped $(PY) -m pytest $(call pytest_markers,$(SWAPPED_MARKERS)) $(PYTEST_ARGS)

bench: setup
	DJANGO_SETTINGS_MODULE=lms.settings.test $(PY) -m bench

# The production topology under load (locust, loopback only, bounded users and time): starts its own
# topology in .topology-bench and stops it afterwards, or uses TOPOLOGY_DIR's; bench/load,
# docs/performance.md. BENCH_LOAD_USERS, BENCH_LOAD_SECONDS, BENCH_LOAD_MIX_USERS,
# BENCH_LOAD_MIX_SECONDS, BENCH_LOAD_VIDEO_MB shorten or lengthen it; BENCH_LOAD_SETTLE bounds the
# wait for a quiet machine before measuring.
bench-load: setup
	$(PY) -m bench.load

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

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
