# stancemap: two commands on a fresh machine.
#   make dashboard   set up, analyse the seeds, start the dashboard (http://localhost:8501)
#   make test        set up (venv, Chromium for the browser tests), lint, run every test
# The set-up is idempotent: a second run installs nothing.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
STAMP  := $(VENV)/.stancemap-installed

.PHONY: setup dashboard analyze test lint bench chromium clean

setup: $(STAMP)

# torch is pinned to the CPU build (2.13.0) first: an open range would pull a multi-GB CUDA build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check torch==2.13.0
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev,ray]'
	touch $(STAMP)

analyze: setup
	$(VENV)/bin/stancemap analyze seeds --out .stancemap/seeds.parquet

# The seeds are analysed first, with a progress bar on the terminal and the stance mix at the
# end (the first run loads the models; later runs come from the cache in a second).
dashboard: setup
	@echo "Analysing the seed articles (seeds/) ..."
	$(VENV)/bin/stancemap analyze seeds
	@echo "Starting the dashboard on http://localhost:$(PORT)"
	$(VENV)/bin/streamlit run dashboard/app.py --server.headless true \
	  --server.port $(PORT) --browser.gatherUsageStats false

# Debian's Chromium for the Playwright browser tests (never `playwright install`).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; }

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: setup chromium lint
	$(VENV)/bin/pytest -q

bench: setup
	$(VENV)/bin/stancemap bench

clean:
	rm -rf $(VENV) .stancemap .pytest_cache .ruff_cache
