# Two commands on a fresh clone with Python 3.11 and make: `make site`, `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: site serve test check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

site: $(VENV)/.installed  ## build site/ from postmortems/, failing on any problem
	$(BIN)/mkdocs build --strict

serve: $(VENV)/.installed  ## preview at http://127.0.0.1:8000 with live reload
	$(BIN)/mkdocs serve

check: $(VENV)/.installed  ## validate postmortems without building
	$(BIN)/pmkb check

test: $(VENV)/.installed  ## lint, type-check and run the test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

clean:
	rm -rf site $(VENV) .pytest_cache
