# The two commands a user needs: `make run` and `make test` (see README.md).
# Both create the virtual environment in .venv on first use and check the system libraries.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
OFFSCREEN := QT_QPA_PLATFORM=offscreen

.PHONY: run test lint bench bench-anchors fuzz sample venv clean

run: $(INSTALLED)
	@$(PYTHON) desktop/system_check.py --screen
	$(BIN)/situation-map $(ARGS)

test: lint
	@$(PYTHON) desktop/system_check.py --tests
	$(OFFSCREEN) $(BIN)/python -m pytest $(PYTEST_ARGS)

# The house habits, configured in pyproject.toml: lint and format (ruff), types (mypy).
lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(INSTALLED)
	@$(PYTHON) desktop/system_check.py
	$(OFFSCREEN) $(BIN)/python -m tests.bench $(ARGS)

# The benchmarks beside QGIS on the same files (installs Debian's qgis and python3-qgis first).
bench-anchors: $(INSTALLED)
	@$(PYTHON) desktop/system_check.py --anchors
	$(OFFSCREEN) $(BIN)/python -m tests.bench $(ARGS)

# The import fuzz suite at length (make test runs a short pass of it).
fuzz: $(INSTALLED)
	@$(PYTHON) desktop/system_check.py --tests
	SITUATION_MAP_FUZZ=long $(OFFSCREEN) $(BIN)/python -m pytest tests/geodata/test_import_fuzz.py $(PYTEST_ARGS)

# Regenerate the bundled sample from its code (geodata/sample/) after changing that code.
sample: $(INSTALLED)
	$(BIN)/situation-map sample --out resources/sample/guanwangmiao.gpkg --force

venv: $(INSTALLED)

# An editable install compiles none of our own modules: compileall does, or a cold process
# compiles about thirty of them each time where bytecode is not written (PYTHONDONTWRITEBYTECODE).
$(INSTALLED): setup.cfg pyproject.toml
	@$(PYTHON) desktop/system_check.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q desktop layers geodata resources
	touch $(INSTALLED)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
