#!/usr/bin/env bash
# The whole test suite, as `make test` and CI run it. Each stage prints its own counts.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=.venv/bin/python
# Each stage header carries the minutes elapsed so far, so a slow CI run shows where its time went.
start=$SECONDS
stage() { printf '\n==== %s [%d:%02d elapsed] ====\n' "$*" $(((SECONDS - start) / 60)) $(((SECONDS - start) % 60)); }

stage "C++ unit tests (release)"
ctest --preset release

stage "C++ unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake --preset asan-ubsan >/dev/null
cmake --build --preset asan-ubsan --target famgraph_tests
ctest --preset asan-ubsan

stage "libFuzzer on the CSV loader (${FUZZ_SECONDS:-60} s)"
tests/fuzz/run.sh "${FUZZ_SECONDS:-60}"

# Two harnesses at a time (one per core on CI); 10-minute runs: `make fuzz-long`.
stage "Python fuzz harnesses (atheris, ${PY_FUZZ_SECONDS:-60} s each, two at a time)"
FUZZ_JOBS="${FUZZ_JOBS:-2}" tests/fuzz/run_python_fuzz.sh "${PY_FUZZ_SECONDS:-60}" tests/fuzz/fuzz_*.py

stage "installed CMake package + C++ consumer + README C++ quickstart"
scripts/check_consumer.sh build/release

stage "lint (ruff, stubs of the compiled core, mypy)"
.venv/bin/ruff check python tests/python benchmarks scripts
# The committed python/famgraph/_core/*.pyi must match the built extension (docs/development.md).
$PY scripts/gen_stubs.py --check
.venv/bin/mypy

stage "notebooks"
$PY scripts/run_notebooks.py notebooks

stage "docs (Sphinx, warnings as errors)"
$PY -m sphinx -W --keep-going -q -b html docs build/docs

stage "HTML report in headless Chromium"
$PY -m pytest tests/browser -q

# pytest-xdist: one worker per core (2 on CI); every test writes only below its own tmp_path.
stage "Python tests"
$PY -m pytest -n "${PYTEST_WORKERS:-auto}"
stage "done"
