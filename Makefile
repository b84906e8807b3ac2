# The two set-up commands of README.md. Both create or refresh .venv themselves.
PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.13 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint typecheck pytest postgres-tools

# Reinstall when pyproject.toml changes; the stamp remembers which extras were installed.
$(VENV)/.run-installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.run-installed

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
