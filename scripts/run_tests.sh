#!/usr/bin/env bash
# The whole test suite, as `make test` and CI run it. Each stage prints its own counts.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=.venv/bin/python
stage() { printf '\n==== %s ====\n' "$*"; }

stage "C++ unit tests (release)"
ctest --preset release

stage "C++ unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake --preset asan-ubsan >/dev/null
cmake --build --preset asan-ubsan --target famgraph_tests
ctest --preset asan-ubsan

stage "libFuzzer on the CSV loader (${FUZZ_SECONDS:-60} s)"
tests/fuzz/run.sh "${FUZZ_SECONDS:-60}"

stage "Python fuzz harnesses (atheris, ${PY_FUZZ_SECONDS:-60} s each)"
tests/fuzz/run_python_fuzz.sh "${PY_FUZZ_SECONDS:-60}" tests/fuzz/fuzz_*.py

stage "installed CMake package + C++ consumer + README C++ quickstart"
scripts/check_consumer.sh build/release

stage "lint (ruff, mypy)"
.venv/bin/ruff check python tests/python scripts
.venv/bin/mypy

stage "notebooks"
$PY scripts/run_notebooks.py notebooks

stage "docs (Sphinx, warnings as errors)"
$PY -m sphinx -W --keep-going -q -b html docs build/docs

stage "HTML report in headless Chromium"
$PY -m pytest tests/browser -q

stage "Python tests"
$PY -m pytest
