#!/usr/bin/env bash
# Installs famgraph from a build tree into a temporary prefix, then configures, builds and runs
# examples/cpp_consumer against it with find_package(famgraph) — including the README's C++
# quickstart, extracted verbatim so it cannot rot.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=${1:-build/release}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
mkdir -p "$tmp/snippets"
.venv/bin/python scripts/extract_snippet.py README.md cpp > "$tmp/snippets/readme_quickstart.cpp"
cmake -S examples/cpp_consumer -B "$tmp/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$tmp/prefix" -DSNIPPETS_DIR="$tmp/snippets" >/dev/null
cmake --build "$tmp/build"
out=$("$tmp/build/consumer" examples/data)
echo "$out"
grep -q "first cousins of 403: 401 402" <<<"$out" || { echo "consumer output unexpected" >&2; exit 1; }
out=$("$tmp/build/readme_quickstart" examples/data)
echo "$out"
# Children of first cousins: F = 1/16; full sibs with inbred parents: phi = 9/32.
grep -q "phi = 0.28125, F = 0.0625" <<<"$out" || { echo "README C++ quickstart output unexpected" >&2; exit 1; }
echo "consumer: OK (built against the installed package in a temporary prefix)"
