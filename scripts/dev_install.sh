#!/usr/bin/env bash
# Development install for working in this tree: famgraph is imported straight from python/ (a .pth
# file in the venv), so new and changed Python files are live at once; the extension module is
# rebuilt incrementally in scikit-build-core's build folder and linked into python/famgraph/.
# A lock serialises rebuilds, so that several people working in one tree never race in one build
# folder. `make python` (a normal `pip install .`) replaces this; run this script again after it.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
export PATH="$root/.venv/bin:$PATH"
exec 9>/tmp/famgraph-build.lock
flock 9
build=$(ls -d build/python-cp* 2>/dev/null | head -1 || true)
if [[ -z "$build" || ! -f "$build/build.ninja" ]]; then
  # first time: let scikit-build-core configure and build its folder
  .venv/bin/pip install -q --no-build-isolation .
  build=$(ls -d build/python-cp* | head -1)
fi
cmake --build "$build" --target _core
so=$(find "$build/python" -maxdepth 1 -name '_core*.so' | head -1)
ln -sf "$root/$so" "python/famgraph/$(basename "$so")"
site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
if .venv/bin/pip show -q famgraph >/dev/null 2>&1; then .venv/bin/pip uninstall -q -y famgraph; fi
echo "$root/python" > "$site/famgraph-dev.pth"
cat > .venv/bin/famgraph <<PY
#!$root/.venv/bin/python
import sys
from famgraph.cli import main
sys.exit(main())
PY
chmod +x .venv/bin/famgraph
