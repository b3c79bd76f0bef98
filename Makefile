# Two commands on a fresh machine: `make run` and `make test`. Both call `make install`,
# which is idempotent: it creates .venv once and reinstalls only when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8501

.PHONY: install run test bench validate clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dist]'
	touch $(STAMP)

run: install
	$(BIN)/python -m streamlit run app.py --server.port $(PORT)

test: install
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python -m benchmarks

validate: install
	$(BIN)/python -m sim.validation --out docs

clean:
	rm -rf $(VENV) .cache .pytest_cache
