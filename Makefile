# The front door: `make demo` and `make test` work on a fresh machine with Python and pip.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DB := demo.db
FLOORS_VENV ?= .venv-floors
N ?= 100000
RUNS ?= 5

.PHONY: demo test test-floors lint bench clean

$(BIN)/newscli: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/newscli
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/newscli --db $(DEMO_DB) import fixtures/articles
	@echo "# fixtures/gzip holds gzip-compressed copies of files in the other folders: its articles are"
	@echo "# already stored when it comes, and count as duplicates"
	$(BIN)/newscli --db $(DEMO_DB) import fixtures/json fixtures/jsonl fixtures/csv fixtures/markdown fixtures/html fixtures/gzip
	$(BIN)/newscli --db $(DEMO_DB) show 79019f60
	$(BIN)/newscli --db $(DEMO_DB) search kharkiv
	$(BIN)/newscli --db $(DEMO_DB) timeline kharkiv --by month --since 2022 --until 2022
	@echo "# the picture in README.md (timeline --plot draws with matplotlib, the 'plot' extra)"
	$(BIN)/newscli --db $(DEMO_DB) timeline kyiv --compare kharkiv --compare mariupol --by month --since 2022 --until 2022 --peaks --plot docs/timeline.svg
	@echo
	@echo "newscli is installed in $(VENV): run it as $(BIN)/newscli, or first '. $(BIN)/activate' to"
	@echo "have newscli on your PATH in this shell (pipx install . puts it there for good). Try next:"
	@echo
	@echo "  $(BIN)/newscli --db $(DEMO_DB) search 'kharkiv -crimea' --sort newest"

test: lint
	$(BIN)/python -m pytest

lint: $(BIN)/newscli
	$(BIN)/ruff check .
	$(BIN)/ruff format --check newscli tests benchmarks
	$(BIN)/mypy

# The lowest versions pyproject.toml allows (every `>=`, read from it by .ci/floors.py),
# installed exactly in a venv of their own: lint and the fast tests must pass with them.
test-floors:
	rm -rf $(FLOORS_VENV)
	$(PYTHON) -m venv $(FLOORS_VENV)
	$(FLOORS_VENV)/bin/pip install --quiet --upgrade pip
	$(PYTHON) .ci/floors.py > $(FLOORS_VENV)/floors.txt
	$(FLOORS_VENV)/bin/pip install --quiet -c $(FLOORS_VENV)/floors.txt -e '.[test]'
	$(FLOORS_VENV)/bin/pip check
	$(FLOORS_VENV)/bin/ruff check .
	$(FLOORS_VENV)/bin/ruff format --check newscli tests benchmarks
	$(FLOORS_VENV)/bin/mypy
	$(FLOORS_VENV)/bin/python -m pytest -q -m "not slow" -p no:cacheprovider

bench: $(BIN)/newscli
	@command -v rg >/dev/null 2>&1 || echo "ripgrep (rg) is not installed: its rows will read 'absent'." \
		"To compare with it, install it (apt install ripgrep, brew install ripgrep, cargo install ripgrep)."
	$(BIN)/python benchmarks/run.py --n $(N) --runs $(RUNS)

clean:
	rm -rf $(VENV) $(FLOORS_VENV) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm .pytest_cache .ruff_cache .mypy_cache
