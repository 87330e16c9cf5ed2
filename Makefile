# The two commands of README.md: `make run` and `make test`. Everything else here serves them.
PYTHON ?= python3
VENV ?= .venv
# The development configuration for this file's own steps; unset, VALUMA_ENV means production.
FLASK := VALUMA_ENV=development $(VENV)/bin/flask --app wsgi
PYTEST_ARGS ?=

.PHONY: run test chromium lint translations bench screenshots

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

## run: install, build the SQLite database and the demo workspace, serve on http://127.0.0.1:5000/
run: $(VENV)/.installed-run
	$(FLASK) db upgrade
	$(FLASK) valuma demo
	$(FLASK) valuma serve --host 127.0.0.1 --port 5000

## test: install what the tests need (Chromium from apt if missing) and run the whole suite
test: $(VENV)/.installed-test chromium
	$(VENV)/bin/pytest $(PYTEST_ARGS)

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's Chromium for the browser tests"; \
		SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; }

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

## translations: collect new strings into the catalogues, then compile them after translating
translations: $(VENV)/.installed-test
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -o valuma_space/translations/messages.pot --project "VALUMA Space" --sort-output --no-location .
	$(VENV)/bin/pybabel update -i valuma_space/translations/messages.pot -d valuma_space/translations --no-fuzzy-matching
	$(VENV)/bin/pybabel compile -d valuma_space/translations --statistics

## screenshots: PNGs of every page (signed out, participant, moderator; 1280 and 390 px) in screenshots/
screenshots: $(VENV)/.installed-test chromium
	$(VENV)/bin/python scripts/screenshots.py --out screenshots
