# Awizo — the two commands a newcomer needs:
#   make run    set everything up and start web + worker + scheduler on SQLite with demo data
#   make test   set everything up and run the whole test suite
# Set TEST_DATABASE_URL=postgresql://... to run the suite against PostgreSQL as well.
# make test-night runs the lifecycle and quiet-hours tests with the clock moved to NIGHT (libfaketime).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
# Any moment `date -d` reads; the default is 02:30 tonight in Warsaw, inside the SMS quiet hours.
NIGHT ?= TZ="Europe/Warsaw" today 02:30
NIGHT_TESTS ?= tests/lifecycle tests/messaging/test_quiet_hours.py

.PHONY: run test test-night test-sqlite test-postgres setup system-deps tools bench bench-smoke lint lock clean i18n-extract i18n-update i18n-compile

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Installed from the hash-pinned lock files (made from requirements*.txt by `make lock`).
$(VENV)/.installed: requirements.lock requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

# After editing requirements.txt or requirements-dev.txt: pin every dependency with its hashes.
lock: | $(BIN)/python
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --no-emit-index-url --no-emit-find-links --strip-extras -o requirements.lock requirements.txt
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --no-emit-index-url --no-emit-find-links --strip-extras -o requirements-dev.lock requirements-dev.txt

# Debian packages the tests and PDFs need (headless Chromium, fonts with Polish diacritics,
# libfaketime for the tests run at another hour).
system-deps:
	@command -v chromium >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 && command -v faketime >/dev/null 2>&1 && \
	  command -v certutil >/dev/null 2>&1 && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || { \
	  echo "Installing chromium, poppler-utils, libnss3-tools, fonts-dejavu-core and faketime (Debian packages)…"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium poppler-utils libnss3-tools fonts-dejavu-core faketime >/dev/null; }

# The Twilio-compatible server the tests run from tests/support/twilio (Stoplight Prism),
# installed with `npm ci` from tools/package-lock.json.
.tools/node_modules/.bin/prism: tools/package.json tools/package-lock.json
	mkdir -p .tools && cp tools/package.json tools/package-lock.json .tools/
	npm ci --silent --no-audit --no-fund --prefix .tools

tools: .tools/node_modules/.bin/prism

setup: $(VENV)/.installed i18n-compile

# Translations: Polish texts are the msgids; app/translations/{en,uk}/LC_MESSAGES/messages.po
# are kept in the repository, the .mo files are built here (never committed: they are derived).
#   i18n-extract  collect every msgid from Python and templates into messages.pot (babel.cfg)
#   i18n-update   merge messages.pot into the en and uk catalogs (no fuzzy guesses)
#   i18n-compile  build the .mo files the application reads
I18N_DIR := app/translations
i18n-extract: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k lazy_gettext --no-wrap --sort-by-file --project Awizo \
	  --copyright-holder "Awizo contributors" -o $(I18N_DIR)/messages.pot .

i18n-update: i18n-extract
	$(BIN)/pybabel update -i $(I18N_DIR)/messages.pot -d $(I18N_DIR) --no-wrap --no-fuzzy-matching --ignore-obsolete

i18n-compile: $(VENV)/.installed
	$(BIN)/pybabel compile -d $(I18N_DIR) --statistics

run: setup
	$(BIN)/python -m app.demo.devrun --port $(PORT)

test: setup system-deps tools
	@if [ "$$CI" = true ] && [ -z "$(TEST_DATABASE_URL)" ]; then echo "CI: PostgreSQL is required: set TEST_DATABASE_URL" >&2; exit 1; fi
	env -u TEST_DATABASE_URL AWIZO_SQLITE_PASS=1 $(BIN)/python -m pytest $(PYTEST_ARGS)
ifdef TEST_DATABASE_URL
	@echo "— again on PostgreSQL ($(TEST_DATABASE_URL))"
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python -m pytest $(PYTEST_ARGS)
endif

# Style (ruff: pycodestyle, pyflakes, import order, pyupgrade, bugbear …; rules in pyproject.toml),
# types (mypy: strict for the framework-free core, checked for app/) and the layering (import-linter contracts).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy notices app
	$(BIN)/lint-imports

# The same tests at night: nothing may depend on the hour the suite runs at.
test-night: setup system-deps tools
	env -u TEST_DATABASE_URL AWIZO_SQLITE_PASS=1 .ci/at-time '$(NIGHT)' $(BIN)/python -m pytest $(NIGHT_TESTS) $(PYTEST_ARGS)
ifdef TEST_DATABASE_URL
	@echo "— again on PostgreSQL ($(TEST_DATABASE_URL))"
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) .ci/at-time '$(NIGHT)' $(BIN)/python -m pytest $(NIGHT_TESTS) $(PYTEST_ARGS)
endif

# Every benchmark (or BENCH=name ...); BENCH_JSON=file writes the figures as JSON too.
bench: setup
	$(BIN)/python -m bench $(BENCH) $(if $(BENCH_JSON),--json $(BENCH_JSON))

# The benchmarks at a tiny size on PostgreSQL: the harness still works (not a timing).
bench-smoke: setup
	$(BIN)/python -m bench --smoke $(BENCH)

clean:
	rm -rf $(VENV) .tools .pytest_cache
