# Two commands do all set-up on a fresh Linux machine with Python 3.10+:
#   make demo   create .venv, install the kit, run the main job on the demo campaign
#   make test   create .venv, install the kit with test tools, run every test
#   make test-fast   the inner loop: every test but the browser, LibreOffice, notebook and PostgreSQL ones
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/kit demo

test: $(STAMP)
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not (browser or libreoffice or notebooks or postgresql)"

lint: $(STAMP)
	$(BIN)/ruff check kit tests bench tools
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/check_forms.py
	$(BIN)/python bench/results_scale.py
	$(BIN)/python bench/appraisal_save.py
	$(BIN)/python bench/render_reports.py
	$(BIN)/python bench/province.py

clean:
	rm -rf $(VENV) reports/*/ .pytest_cache
