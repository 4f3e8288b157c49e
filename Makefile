# dxgraph: `make run` sets up and runs the main job; `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# make run PORT=8080 (or DXGRAPH_PORT=8080 make run) serves on another port
PORT ?= $(or $(DXGRAPH_PORT),8000)

AXE_VERSION ?= 4.14.1
AXE_DIR := tests/browser/vendor/axe-core

.PHONY: install run test lint bench clean axe-core

$(BIN)/dxgraph: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/dxgraph

install: $(BIN)/dxgraph

run: install
	$(BIN)/dxgraph up --port $(PORT)

test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python benchmarks/kb_load.py

clean:
	rm -rf var reports

# the browser tests' accessibility checker, vendored (no npm needed to test); this re-fetches a version
axe-core:
	tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null && \
	  tar xzf axe-core-$(AXE_VERSION).tgz && \
	  cp package/axe.min.js package/LICENSE package/LICENSE-3RD-PARTY.txt $(CURDIR)/$(AXE_DIR)/ && \
	  rm -rf $$tmp && sha256sum $(CURDIR)/$(AXE_DIR)/axe.min.js
