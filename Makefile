# The two commands: `make demo` and `make test`. Everything else is a building block.
SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -euo pipefail -c
VENV := .venv
PY := $(VENV)/bin/python
JOBS ?= $(shell nproc)
export CMAKE_BUILD_PARALLEL_LEVEL := $(JOBS)
# cmake >= 3.24 and ninja come from .venv (requirements-dev.txt), whatever the system has.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
# A compiler cache (installed by scripts/bootstrap.sh): the library has the same compile line in
# the release tree, the Python module's build and the shared-library consumer check, so it is
# compiled once. Paths are hashed relative to the checkout; set CMAKE_CXX_COMPILER_LAUNCHER= to
# build without it.
export CMAKE_CXX_COMPILER_LAUNCHER ?= ccache
export CCACHE_BASEDIR ?= $(CURDIR)
# One compiler name for every build: ccache hashes it, and pip's build would otherwise see make's
# built-in CXX=g++ while CMake presets pick c++ (the same compiler).
ifeq ($(origin CXX),default)
export CXX := c++
endif

.PHONY: demo test setup build python ctest asan fuzz fuzz-long consumer wheel-check sdist-check pytest notebooks docs lint bench clean

demo: python
	$(VENV)/bin/famgraph demo

test: setup build python
	scripts/run_tests.sh

setup:
	scripts/bootstrap.sh

build: setup
	cmake --preset release >/dev/null
	cmake --build --preset release

python: setup
	$(PY) -m pip install -q --no-build-isolation .

ctest: build
	ctest --preset release

asan: setup
	cmake --preset asan-ubsan >/dev/null
	cmake --build --preset asan-ubsan --target famgraph_tests
	ctest --preset asan-ubsan

fuzz: setup
	tests/fuzz/run.sh 60

# Not part of `make test`: 10 min of libFuzzer, then 10 min for each Python harness.
fuzz-long: python
	tests/fuzz/run.sh 600
	tests/fuzz/run_python_fuzz.sh 600 tests/fuzz/fuzz_*.py

consumer: build
	scripts/check_consumer.sh build/release

# Slow, not part of `make test`: the repaired manylinux wheel in a fresh venv without system oneTBB
# (README quickstart, demo, bench), and the sdist built without system Boost/Eigen.
wheel-check: setup
	scripts/check_wheel.sh

sdist-check: setup
	scripts/check_sdist.sh

pytest: python
	$(PY) -m pytest -n auto

notebooks: python
	$(PY) scripts/run_notebooks.py notebooks

docs: python
	$(PY) -m sphinx -W --keep-going -q -b html docs build/docs

lint: setup
	$(VENV)/bin/ruff check python tests/python benchmarks scripts
	$(VENV)/bin/ruff format --check python tests/python scripts
	$(VENV)/bin/mypy

bench: build python
	$(VENV)/bin/pip install -q -r requirements-bench.txt
	$(VENV)/bin/famgraph bench --sizes 10k,100k,1M --out benchmarks/results/bench-$$(date +%F).json

clean:
	rm -rf build
