#!/usr/bin/env bash
# Builds the `fuzz` preset and runs the CSV fuzzer for SECONDS (default 60).
# Exits non-zero if the fuzzer finds a crash, a sanitizer error, a leak or a timeout; the
# reproducer is left in build/fuzz/artifacts/ (replay: build/fuzz/tests/fuzz/fuzz_csv FILE).
set -euo pipefail

run_seconds="${1:-60}"
if ! [[ "$run_seconds" =~ ^[0-9]+$ ]] || [ "$run_seconds" -lt 1 ]; then
  echo "usage: $0 [SECONDS]" >&2
  exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target fuzz_csv

bin="$root/build/fuzz/tests/fuzz/fuzz_csv"
artifacts="$root/build/fuzz/artifacts"
work="$(mktemp -d "${TMPDIR:-/tmp}/famgraph-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"

# New inputs go to the scratch corpus (the first directory); the checked-in seeds stay untouched.
# The fuzzer's progress lines go to a log; its last lines are shown on failure.
log="$root/build/fuzz/fuzz_csv.log"
set +e
"$bin" -max_total_time="$run_seconds" -max_len=4096 -timeout=10 -print_final_stats=1 \
  -artifact_prefix="$artifacts/" "$work" "$root/tests/fuzz/corpus" >"$log" 2>&1
status=$?
set -e
grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$log" || true
if [ "$status" -ne 0 ]; then
  tail -n 60 "$log" >&2
  echo "fuzz_csv: FAILED (exit $status); reproducer(s) in $artifacts/, full log $log" >&2
  exit "$status"
fi
echo "fuzz_csv: no findings in ${run_seconds}s"
