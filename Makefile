PYTHON ?= $(if $(wildcard .venv/bin/python),.venv/bin/python,python3)
N ?= 100000
RUNS ?= 5

.PHONY: bench
bench:
	@command -v rg >/dev/null 2>&1 || apt-get install -y ripgrep >/dev/null 2>&1 \
		|| (apt-get update >/dev/null 2>&1 && apt-get install -y ripgrep >/dev/null 2>&1) \
		|| echo "ripgrep could not be installed: the rg rows will read 'absent'"
	$(PYTHON) benchmarks/run.py --n $(N) --runs $(RUNS)
