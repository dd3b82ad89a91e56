# The README's two commands: `make demo` (main job on the bundled data) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
BOLT_DIR ?= .cache/bolt-server

.PHONY: setup demo test lint bench clean system-deps

# The demo needs the default install only; the tests need every extra and the dev tools.
$(VENV)/.created:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	touch $@

$(VENV)/.installed-demo: pyproject.toml $(VENV)/.created
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed: pyproject.toml $(VENV)/.created
	$(PY) -m pip install -q -e '.[test,dev]'
	$(PY) -m graphkit.analysis.kernel  # compile the shortest-path kernels once (numba's cache)
	touch $@ $(VENV)/.installed-demo

setup: $(VENV)/.installed

system-deps:
	bash scripts/install-system-deps.sh

demo: $(VENV)/.installed-demo
	$(VENV)/bin/graphkit report data/cyber-multilateral -o reports/cyber-multilateral

# Installs Chromium (for the browser tests), starts a Bolt server on 127.0.0.1 for the
# Neo4j tests, runs the whole suite and stops the server again.
test: setup system-deps
	PYTHON=$(PY) bash scripts/run-tests.sh

lint: setup
	$(VENV)/bin/ruff check graphkit tests benchmarks scripts
	$(VENV)/bin/ruff format --check graphkit tests
	$(VENV)/bin/mypy

bench: setup
	$(PY) -m benchmarks

clean:
	rm -rf .cache build dist *.egg-info
