#!/usr/bin/env bash
# The installed C++ package as an outside project uses it, in user-writable prefixes (no root):
#  1. static: `cmake --install` of the given build tree (default build/release) into a temporary
#     prefix, then examples/cpp_consumer and the README's C++ quickstart (extracted verbatim, so it
#     cannot rot) built against it with find_package(famgraph); the consumer prints an indicator's
#     2×2 table under the core's disclosure control (<10 markers, the stamp), checked here;
#  2. shared: a library-only configure (no preset, BUILD_SHARED_LIBS=ON, Catch2 and google-benchmark
#     made unfindable, so the install provably needs neither) in build/consumer-shared, installed
#     into a second prefix; the same consumer built against it, checked to load libfamgraph.so.X.Y
#     from that prefix, to catch a famgraph::DataError thrown inside the library, and to export
#     only famgraph's own symbols; plus a build through pkg-config.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=${1:-build/release}
shared_build=${FAMGRAPH_SHARED_BUILD:-build/consumer-shared}
PY=${PY:-.venv/bin/python}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "consumer: $*" >&2; exit 1; }

mkdir -p "$tmp/snippets"
"$PY" scripts/extract_snippet.py README.md cpp > "$tmp/snippets/readme_quickstart.cpp"

# consumer_against PREFIX NAME: configure + build examples/cpp_consumer against PREFIX, run it.
consumer_against() {
  local prefix=$1 name=$2 out
  cmake -S examples/cpp_consumer -B "$tmp/build-$name" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$prefix" -DSNIPPETS_DIR="$tmp/snippets" >/dev/null
  cmake --build "$tmp/build-$name" >/dev/null
  out=$("$tmp/build-$name/consumer" examples/data)
  echo "[$name] $out"
  grep -q "first cousins of 403: 401 402" <<<"$out" || fail "$name: consumer output unexpected"
  # The parent victim -> proband victim table of examples/data is a=1 b=4 c=4 d=17 (margins 5, 21,
  # 5, 21; total 26): with min_cell = 10 every cell, every margin (5 primary, 21 secondary) is <10
  # and only the total is published.
  local table
  table=$(tr -s ' ' <<<"$out")
  grep -qx " exposed <10 <10 <10" <<<"$table" || fail "$name: disclosure-controlled table: exposed row unexpected"
  grep -qx " unexposed <10 <10 <10" <<<"$table" || fail "$name: disclosure-controlled table: unexposed row unexpected"
  grep -qx " total <10 <10 26" <<<"$table" || fail "$name: disclosure-controlled table: total row unexpected"
  grep -qF "disclosure control: on (min_cell = 10): counts below 10 and every estimate derived from a suppressed count are suppressed" <<<"$out" ||
    fail "$name: the disclosure-control stamp is missing"
  out=$("$tmp/build-$name/readme_quickstart" examples/data)
  echo "[$name] $out"
  # Children of first cousins: F = 1/16; full sibs with inbred parents: phi = 9/32.
  grep -q "phi = 0.28125, F = 0.0625" <<<"$out" || fail "$name: README C++ quickstart output unexpected"
  # A DataError thrown inside the library is caught by the consumer (type information exported).
  set +e
  out=$("$tmp/build-$name/consumer" tests/fixtures/invalid/parent_born_after_child 2>&1)
  local rc=$?
  set -e
  [[ $rc -eq 1 ]] || fail "$name: invalid data gave exit status $rc (expected 1, a caught DataError): $out"
}

# ---- 1. static library, from the given build tree
cmake --install "$build" --prefix "$tmp/static" >/dev/null
[[ -f $(echo "$tmp"/static/lib*/libfamgraph.a) ]] || fail "no libfamgraph.a in the static install"
consumer_against "$tmp/static" static

# ---- 2. shared library, library-only configure without test tools
cmake -S . -B "$shared_build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON \
  -DCMAKE_DISABLE_FIND_PACKAGE_Catch2=ON -DCMAKE_DISABLE_FIND_PACKAGE_benchmark=ON --no-warn-unused-cli >/dev/null
cmake --build "$shared_build"
cmake --install "$shared_build" --prefix "$tmp/shared" >/dev/null
lib=$(find "$tmp/shared" -name 'libfamgraph.so.*.*' -type f | head -1)
[[ -n $lib ]] || fail "no libfamgraph.so.X.Y in the shared install"
[[ ! -e $(echo "$tmp"/shared/lib*/libfamgraph.a) ]] || fail "the shared install also holds libfamgraph.a"
soname=$(objdump -p "$lib" | awk '/SONAME/ {print $2}')
echo "[shared] $(basename "$lib"), SONAME $soname"
[[ $soname =~ ^libfamgraph\.so\.[0-9]+\.[0-9]+$ ]] || fail "unexpected SONAME '$soname'"
# Exported symbols: famgraph's own only (not Boost, Eigen, oneTBB or std:: instantiations).
foreign=$(nm -D --defined-only -C "$lib" | awk '{ $1=""; $2=""; sub(/^  /, ""); print }' |
  grep -vE '^(famgraph::|typeinfo for famgraph::|typeinfo name for famgraph::|vtable for famgraph::|VTT for famgraph::|guard variable for famgraph::)' || true)
[[ -z $foreign ]] || fail "libfamgraph.so exports non-famgraph symbols: $(head -5 <<<"$foreign")"
echo "[shared] exports $(nm -D --defined-only "$lib" | wc -l) symbols, all in namespace famgraph"
consumer_against "$tmp/shared" shared
# Captured first: under pipefail, `ldd | grep -q` fails when grep exits early and ldd gets SIGPIPE.
consumer_ldd=$(ldd "$tmp/build-shared/consumer")
grep -q "libfamgraph.so.* => $tmp/shared/" <<<"$consumer_ldd" ||
  fail "the consumer does not load libfamgraph from the shared prefix: $consumer_ldd"

# ---- the same quickstart through pkg-config, against the shared install
pc_dir=$(dirname "$(find "$tmp/shared" -name famgraph.pc | head -1)")
export PKG_CONFIG_PATH="$pc_dir"
pkg-config --exact-version "$(cat VERSION)" famgraph || fail "pkg-config famgraph: version is not $(cat VERSION)"
# Boost headers come from the compiler's default include path (Boost ships no .pc file).
# shellcheck disable=SC2046
c++ -O1 -o "$tmp/pc_quickstart" "$tmp/snippets/readme_quickstart.cpp" $(pkg-config --cflags --libs famgraph) \
  -Wl,-rpath,"$(pkg-config --variable=libdir famgraph)"
out=$("$tmp/pc_quickstart" examples/data)
grep -q "phi = 0.28125, F = 0.0625" <<<"$out" || fail "pkg-config build: output unexpected: $out"
echo "[pkg-config] $out"
echo "consumer: OK (static and shared installs in user-writable prefixes; find_package and pkg-config)"
