# motcua: `make run` sets everything up and serves the demo; `make test` sets up and runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
CHROMIUM := /usr/bin/chromium
MO := src/motcua/locale/vi/LC_MESSAGES/django.mo
export MOTCUA_HOME ?= $(CURDIR)/var

fonts:
	@[ -f $(DEJAVU) ] || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq fonts-dejavu-core >/dev/null; }

.PHONY: run test setup browser fonts voice messages lint format bench bench-quick clean

run: setup fonts voice $(MO)
	$(BIN)/motcua migrate -v 0
	$(BIN)/motcua load-demo --until today
	$(BIN)/motcua collectstatic --noinput -v 0
	MOTCUA_DEMO=1 $(BIN)/motcua serve

test: setup browser voice $(MO)
	$(BIN)/python -m pytest

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

# Page tests drive Debian's Chromium through Playwright (no browser is ever downloaded); the PDF
# forms need a font with Vietnamese glyphs.
DEJAVU := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
SOFTHSM := /usr/lib/softhsm/libsofthsm2.so
# Signature tests: a PKCS#11 token (SoftHSM2) and a second, independent validator (poppler's pdfsig).
browser:
	@if [ ! -x $(CHROMIUM) ] || [ ! -f $(DEJAVU) ] || [ ! -f $(SOFTHSM) ] || ! command -v pdfsig >/dev/null; then \
	  echo "Installing Debian's chromium, fonts-dejavu-core, softhsm2 and poppler-utils (apt)..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core softhsm2 poppler-utils >/dev/null; \
	fi

# The display board reads the called numbers aloud with Debian's espeak-ng (Vietnamese voice); without
# it the board still works, silently.
ESPEAK := /usr/bin/espeak-ng
voice:
	@[ -x $(ESPEAK) ] || { echo "Installing Debian's espeak-ng (apt)..."; SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq espeak-ng >/dev/null; }

$(MO): src/motcua/locale/vi/LC_MESSAGES/django.po
	@command -v msgfmt >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq gettext >/dev/null; }
	msgfmt --check -o $@ $<

messages: setup
	cd src/motcua && ../../$(BIN)/django-admin makemessages -l vi --no-obsolete --no-wrap --settings motcua.config.settings

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy --strict src/motcua/worktime
	$(BIN)/mypy --strict src/motcua/oversight/scoring.py
	$(BIN)/mypy src/motcua/planning
	$(BIN)/mypy src/motcua/dossiers

format: setup
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: setup
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev,bench]'
	for b in bench/[!_]*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

bench-quick: setup
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev,bench]'
	for b in bench/[!_]*.py; do echo "== $$b"; $(BIN)/python $$b --quick || exit 1; done

clean:
	rm -rf $(VENV) var
