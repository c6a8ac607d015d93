# dyadlab: every target bootstraps .venv itself when it is missing or older than the pins.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two stamps: what running the platform needs (demo, lab, serve), and the developer extras
# (Spark, PostgreSQL driver, Playwright, pytest, ruff) that only the tests and benchmarks need.
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# JupyterLab refuses to start as root unless told; a container or a VM often runs as root.
LAB_FLAGS := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: demo test lint bench lab serve system-deps clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(DEV_STAMP)

## demo: install, check the demo study, and build its report into reports/demo/
demo: $(STAMP)
	$(BIN)/dyadlab validate demo
	$(BIN)/dyadlab report demo
	@echo "Report: reports/demo/study_report.html"

## test: install (Python packages, and Chromium/PostgreSQL/Java when run as root), run every test
test: $(DEV_STAMP) system-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 --dist loadgroup

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## bench: run every benchmark and print ratios against baselines measured in the same run
bench: $(DEV_STAMP)
	$(BIN)/python -m benchmarks

## lab: JupyterLab on the notebooks (start with notebooks/tour.ipynb)
lab: $(STAMP)
	$(BIN)/jupyter lab $(LAB_FLAGS) notebooks/

## serve: the coding web app on the demo study (http://127.0.0.1:8000)
serve: $(STAMP)
	$(BIN)/dyadlab serve demo

system-deps:
	@bash .ci/system-deps

clean:
	rm -rf $(VENV) reports .pytest_cache
