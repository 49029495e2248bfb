#!/usr/bin/env bash
# The sdist builds on a machine with a compiler, CMake and oneTBB but without Boost and Eigen:
#  1. build dist/famgraph-X.tar.gz and check what it holds (LICENSE, third-party licences, VERSION,
#     the dependency fallback) and what it must not (build trees, compiled modules);
#  2. make Boost and Eigen unfindable (a private mount namespace: tmpfs over /usr/include/boost,
#     /usr/include/eigen3 and their CMake package folders; needs unshare) and
#     `pip install dist/famgraph-X.tar.gz` into a fresh venv: CMake's find_package fails, so
#     cmake/FamgraphDependencies.cmake takes the pinned archives (FetchContent URL + URL_HASH);
#  3. check from the build tree's dependency records that every Boost/Eigen header compiled came
#     from the fetched archives, then run the example through the installed package.
# No internet here: by default the archives are made from this machine's Boost 1.74 / Eigen 3.4
# headers (file:// URLs, their SHA-256 computed here) and passed as FAMGRAPH_{BOOST,EIGEN}_{URL,SHA256};
# FAMGRAPH_SDIST_OFFICIAL=1 uses the pinned official URLs and hashes instead (needs the network).
# Slow (a full build): `make sdist-check`, tests/python/test_wheel.py with FAMGRAPH_WHEEL_TEST=1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
PY=${PY:-$ROOT/.venv/bin/python}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
say() { printf '\n== %s\n' "$*"; }
fail() { echo "check_sdist: $*" >&2; exit 1; }
version=$(cat VERSION)

say "sdist"
mkdir -p dist
rm -f "dist/famgraph-$version.tar.gz"
"$PY" -c 'from scikit_build_core.build import build_sdist; print(build_sdist("dist"))'
sdist=dist/famgraph-$version.tar.gz
tar -tzf "$sdist" > "$tmp/list.txt"
for f in LICENSE VERSION CITATION.cff pyproject.toml CMakeLists.txt cmake/FamgraphDependencies.cmake \
         third_party/LICENSES/Boost-BSL-1.0.txt third_party/LICENSES/Eigen-MPL-2.0.txt \
         examples/data/persons.csv python/famgraph/__init__.py python/famgraph/bench/peers/worker.py; do
  grep -qx "famgraph-$version/$f" "$tmp/list.txt" || fail "the sdist lacks $f"
done
if grep -E "/build/|\.venv/|_core.*\.so$|/dist/" "$tmp/list.txt"; then fail "the sdist holds build products"; fi
echo "$sdist: $(wc -l < "$tmp/list.txt") files, $(du -h "$sdist" | cut -f1)"

if [[ ${FAMGRAPH_SDIST_OFFICIAL:-0} == 1 ]]; then
  defines=()
else
  say "local archives of this machine's Boost and Eigen headers (no internet here)"
  mkdir -p "$tmp/arch/boost_1_74_0" "$tmp/arch/eigen-3.4.0"
  ln -s /usr/include/boost "$tmp/arch/boost_1_74_0/boost"
  ln -s /usr/include/eigen3/Eigen "$tmp/arch/eigen-3.4.0/Eigen"
  ln -s /usr/include/eigen3/unsupported "$tmp/arch/eigen-3.4.0/unsupported"
  tar -C "$tmp/arch" -chf "$tmp/boost_1_74_0.tar" boost_1_74_0
  tar -C "$tmp/arch" -chf "$tmp/eigen-3.4.0.tar" eigen-3.4.0
  rm -rf "$tmp/arch"
  bsha=$(sha256sum "$tmp/boost_1_74_0.tar" | cut -d' ' -f1)
  esha=$(sha256sum "$tmp/eigen-3.4.0.tar" | cut -d' ' -f1)
  defines=(
    "--config-settings=cmake.define.FAMGRAPH_BOOST_URL=file://$tmp/boost_1_74_0.tar"
    "--config-settings=cmake.define.FAMGRAPH_BOOST_SHA256=$bsha"
    "--config-settings=cmake.define.FAMGRAPH_EIGEN_URL=file://$tmp/eigen-3.4.0.tar"
    "--config-settings=cmake.define.FAMGRAPH_EIGEN_SHA256=$esha"
  )
  ls -la "$tmp"/*.tar
fi

cat > "$tmp/isolated.sh" <<'INNER'
set -euo pipefail
hide() { for d in "$@"; do if [[ -d $d ]]; then mount -t tmpfs none "$d"; fi; done; }
hide /usr/include/boost /usr/include/eigen3 /usr/share/eigen3 /usr/lib/x86_64-linux-gnu/cmake/[Bb]oost*
if [[ -e /usr/include/boost/graph/adjacency_list.hpp || -e /usr/include/eigen3/Eigen/Core ]]; then
  echo "Boost/Eigen headers still visible" >&2; exit 1
fi
echo "system Boost and Eigen: hidden"
"$PY" -m venv "$TMP/venv"
"$TMP/venv/bin/python" -m pip install -q --upgrade pip
CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2} "$TMP/venv/bin/python" -m pip install -v "$SDIST" \
  "--config-settings=build-dir=$TMP/sdist-build" "$@" > "$TMP/pip.log" 2>&1 || { tail -60 "$TMP/pip.log"; exit 1; }
grep "famgraph: .* from the pinned archive" "$TMP/pip.log"
"$TMP/venv/bin/python" -c 'import famgraph as fg; ds = fg.datasets.example(); print("installed from the sdist:", fg.__version__, ds)'
INNER
say "pip install $sdist in a fresh venv, system Boost/Eigen hidden"
unshare --mount --propagation private true 2>/dev/null || fail "unshare is not permitted here (needed to hide the system headers)"
TMP=$tmp SDIST=$ROOT/$sdist PY=$PY unshare --mount --propagation private bash "$tmp/isolated.sh" "${defines[@]}"

say "which Boost/Eigen headers were compiled (ninja's dependency records)"
NINJA=${NINJA:-$(command -v ninja || echo "$(dirname "$PY")/ninja")}
"$NINJA" -C "$tmp/sdist-build" -t deps > "$tmp/deps.txt"
fetched=$(grep -cE "_deps/famgraph_(boost|eigen)-src/" "$tmp/deps.txt" || true)
system=$(grep -cE "^ +/usr/include/(boost|eigen3)/" "$tmp/deps.txt" || true)
echo "header uses from the fetched archives: $fetched; from /usr/include/{boost,eigen3}: $system"
[[ $fetched -gt 0 && $system -eq 0 ]] || fail "the build did not use the fetched Boost/Eigen only"
say "check_sdist: OK"
