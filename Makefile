# The front door: `make demo` and `make test` work on a fresh machine with Python and pip.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DB := demo.db
N ?= 100000
RUNS ?= 5

.PHONY: demo test lint bench clean

$(BIN)/newscli: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/newscli
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/newscli --db $(DEMO_DB) import fixtures/articles
	$(BIN)/newscli --db $(DEMO_DB) import fixtures/json fixtures/jsonl fixtures/csv fixtures/markdown fixtures/html fixtures/gzip
	$(BIN)/newscli --db $(DEMO_DB) show 79019f60
	$(BIN)/newscli --db $(DEMO_DB) search kharkiv
	$(BIN)/newscli --db $(DEMO_DB) timeline kharkiv --by month --since 2022 --until 2022

test: $(BIN)/newscli
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(BIN)/newscli
	$(BIN)/ruff check .
	$(BIN)/ruff format --check newscli tests benchmarks

bench: $(BIN)/newscli
	@command -v rg >/dev/null 2>&1 || apt-get install -y ripgrep >/dev/null 2>&1 \
		|| (apt-get update >/dev/null 2>&1 && apt-get install -y ripgrep >/dev/null 2>&1) \
		|| echo "ripgrep could not be installed: the rg rows will read 'absent'"
	$(BIN)/python benchmarks/run.py --n $(N) --runs $(RUNS)

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm .pytest_cache .ruff_cache
