#!/usr/bin/env bash
# Development install shared by everyone working in this tree: an editable install (Python files
# live from python/famgraph, the extension is rebuilt incrementally in build/python-*), serialised
# with a lock so that two rebuilds never run in the same build folder at once.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
exec flock /tmp/famgraph-build.lock .venv/bin/pip install -q --no-build-isolation -e . -Ceditable.mode=redirect
