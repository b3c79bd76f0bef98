# Two commands on a fresh machine: `make run` and `make test`. Both call `make install`,
# which is idempotent: it creates .venv once and reinstalls only when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8501
ADDRESS ?= 127.0.0.1

.PHONY: install run test bench bench-climada validate clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dist]'
	touch $(STAMP)

run: install
	$(BIN)/python -m ui.serve app.py --server.port $(PORT) --server.address $(ADDRESS)

test: install
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python -m benchmarks

validate: install
	$(BIN)/python -m sim.validation --out docs

# CLIMADA's ImpactCalc against our impact step, in a venv of its own (CLIMADA may pull other
# numpy/pandas versions; the product's .venv is left alone). Needs Debian's libgdal-dev: the
# GDAL Python bindings are built against the system's GDAL, at its version. Not part of `make test`.
CLIMADA_VENV  := .venv-climada
CLIMADA_STAMP := $(CLIMADA_VENV)/.installed

bench-climada: $(CLIMADA_STAMP)
	$(CLIMADA_VENV)/bin/python -m benchmarks.bench_climada

$(CLIMADA_STAMP): pyproject.toml
	@command -v gdal-config >/dev/null || { echo "bench-climada: gdal-config not found; CLIMADA needs GDAL's headers: apt-get install libgdal-dev, then make bench-climada"; exit 2; }
	test -x $(CLIMADA_VENV)/bin/python || $(PYTHON) -m venv $(CLIMADA_VENV)
	$(CLIMADA_VENV)/bin/python -m pip install --quiet --upgrade pip setuptools wheel numpy
	$(CLIMADA_VENV)/bin/python -m pip install --quiet --no-build-isolation "gdal==$$(gdal-config --version)" || { echo "bench-climada: the GDAL Python bindings $$(gdal-config --version) (matching the system's GDAL) did not build; see the error above"; exit 2; }
	$(CLIMADA_VENV)/bin/python -m pip install --quiet "climada==6.1.0" -e . || { echo "bench-climada: climada 6.1.0 with this project did not install; see the error above"; exit 2; }
	touch $(CLIMADA_STAMP)

clean:
	rm -rf $(VENV) $(CLIMADA_VENV) .cache .pytest_cache
