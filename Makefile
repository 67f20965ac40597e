# The two commands of README.md: `make build` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
ARGS ?=

.PHONY: build test serve pdf check system clean

system:
	@bash scripts/install-system-deps.sh

$(VENV)/installed: requirements.txt requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-test.txt
	@touch $@

build: system $(VENV)/installed
	$(PY) build.py build $(ARGS)

pdf: system $(VENV)/installed
	$(PY) build.py pdf $(ARGS)

serve: system $(VENV)/installed
	$(PY) build.py serve $(ARGS)   # ARGS="--navigate --port 8080" etc.

check: $(VENV)/installed
	$(PY) build.py check

test: $(VENV)/installed
	@bash scripts/install-system-deps.sh chromium
	$(PY) -m pytest -q $(ARGS)

clean:
	rm -rf output .cache
