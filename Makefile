# The two commands of README.md: `make build` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
ARGS ?=
# Test workers (pytest-xdist): two more than the cores, since the tests wait for a third of their time on
# the servers, browsers and programs they start (docs/benchmarks.md); each takes the next test when it is
# free (worksteal: the long ones do not gather at the end). JOBS=0 runs the tests in this one process.
JOBS ?= $(shell echo $$(( $$(nproc) + 2 )))
# Python keeps the engine compiled (__pycache__) as on an editor's machine, even where the shell says
# not to: the tests start build.py a few hundred times, and each would compile the engine anew.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: build test serve pdf check lighthouse system clean

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

# make serve ARGS="--navigate --port 8080" etc. (a comment on a recipe line would be echoed with it)
serve: system $(VENV)/installed
	$(PY) build.py serve $(ARGS)

check: $(VENV)/installed
	$(PY) build.py check

# The tests also need a browser (Debian's chromium), zbarimg to read the printed QR codes back,
# Java and npm for the HTML checker and axe-core, LibreOffice to make the Word files the import tests read,
# and an OpenSSH server the deploy tests start on 127.0.0.1.
TEST_SYSTEM := chromium zbar-tools libreoffice-writer-nogui openssh-server $(shell command -v java >/dev/null || echo default-jre-headless) $(shell command -v npm >/dev/null || echo npm)

# --ignore-scripts: vnu-jar's script would download a Java; we use the system's.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	@touch $@

test: $(VENV)/installed
	@bash scripts/install-system-deps.sh $(TEST_SYSTEM)
	@$(MAKE) --no-print-directory node_modules/.installed
	$(PY) -m ruff check .
	$(PY) -m pytest -q -n $(JOBS) --dist worksteal $(ARGS)

# Lighthouse (mobile) scores of every kind of reader page of the sample, built afresh in a temporary
# folder: the table of docs/benchmarks.md. make lighthouse ARGS="--runs 3" gives each score's range.
lighthouse: $(VENV)/installed
	@bash scripts/install-system-deps.sh chromium $(shell command -v npm >/dev/null || echo npm)
	@$(MAKE) --no-print-directory node_modules/.installed
	$(PY) bench/lighthouse.py $(ARGS)

clean:
	rm -rf output .cache node_modules
