# The two set-up commands of README.md. Both create or refresh .venv themselves.
PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.13 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

RUN_LOCK := requirements/run.lock
DEV_LOCK := requirements/dev.lock
PIP_INSTALL := $(BIN)/python -m pip install --quiet

.PHONY: run test lint typecheck pytest postgres-tools lock

# Installs come from the hashed lockfiles only: pip refuses a file whose hash the lock does not
# list, then the project itself goes in without its dependencies and with the locked build
# backend. Reinstall when the lock changes; the stamp remembers which lock was installed.
$(VENV)/.run-installed: $(RUN_LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) --require-hashes -r $(RUN_LOCK)
	$(PIP_INSTALL) --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.dev-installed: $(DEV_LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) --require-hashes -r $(DEV_LOCK)
	$(PIP_INSTALL) --no-deps --no-build-isolation -e .
	touch $@ $(VENV)/.run-installed

# Writes both lockfiles from pyproject.toml and requirements/install.in with the locked uv, for
# every platform and Python 3.11 and later: the dev lock first, then the run lock held to its
# versions, so the tests test what runs. A pin that pyproject.toml still allows stays;
# LOCK_ARGS=--upgrade moves every package to its newest release, LOCK_ARGS='-P aiohttp' one.
LOCK := $(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command 'make lock' $(LOCK_ARGS) pyproject.toml requirements/install.in
lock: $(VENV)/.dev-installed
	$(LOCK) --extra dev -o $(DEV_LOCK)
	$(LOCK) -c $(DEV_LOCK) -o $(RUN_LOCK)
	@git diff --quiet -- $(DEV_LOCK) $(RUN_LOCK) && echo 'The lockfiles are unchanged.' || \
		git diff --stat -- $(DEV_LOCK) $(RUN_LOCK)

# Without a token, show the product at once in the terminal simulator.
run: $(VENV)/.run-installed
	@if [ -z "$$TELEGRAM_BOT_TOKEN" ] && ! grep -qs '^ *TELEGRAM_BOT_TOKEN *= *[^ ]' .env; then \
		echo "No TELEGRAM_BOT_TOKEN: get one from @BotFather in Telegram (/newbot), put it in .env as TELEGRAM_BOT_TOKEN=..., and run make run again. Meanwhile, the reflection flow in the simulator:"; \
		exec $(BIN)/circlebot simulate rios_reflection; \
	fi; \
	exec $(BIN)/circlebot run

# PostgreSQL for the store tests: Debian's postgresql-15, installed when initdb is missing.
postgres-tools:
	@command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
		{ echo "installing PostgreSQL for the tests"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null; }

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

# Two test processes: most of a test's time is spent waiting for the bot, not computing.
pytest: $(VENV)/.dev-installed postgres-tools
	$(BIN)/pytest -n 2

test: lint typecheck pytest
