#!/usr/bin/env bash
# Runs Python fuzz harnesses (atheris; a plain random-mutation loop when atheris is missing).
#
#   tests/fuzz/run_python_fuzz.sh SECONDS HARNESS.py...
#
# Each harness runs for SECONDS. Its seed folders are named on a line `# fuzz-seeds: DIR...` of the
# harness (paths relative to the repository root); new inputs go to a scratch folder, the seeds
# stay untouched. Exits non-zero if any harness finds a crash (an uncaught exception), a timeout or
# runs out of memory; the reproducer is left in build/fuzz-python/<harness>/ (replay:
# `.venv/bin/python HARNESS.py FILE`), the full log in build/fuzz-python/<harness>.log.
set -euo pipefail

if [ "$#" -lt 2 ] || ! [[ "$1" =~ ^[0-9]+$ ]] || [ "$1" -lt 1 ]; then
  echo "usage: $0 SECONDS HARNESS.py..." >&2
  exit 2
fi
run_seconds="$1"
shift

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
py="${PYTHON:-$root/.venv/bin/python}"
out="$root/build/fuzz-python"
mkdir -p "$out"

failed=0
for harness in "$@"; do
  if [ ! -f "$harness" ]; then
    echo "$harness: no such harness" >&2
    exit 2
  fi
  name="$(basename "$harness" .py)"
  seeds=()
  for d in $(sed -n 's/^# fuzz-seeds: *//p' "$harness" | head -n 1); do
    seeds+=("$root/$d")
  done
  work="$(mktemp -d "${TMPDIR:-/tmp}/famgraph-pyfuzz.XXXXXX")"
  artifacts="$out/$name"
  log="$out/$name.log"
  mkdir -p "$artifacts"
  set +e
  "$py" "$harness" -max_total_time="$run_seconds" -timeout=30 -rss_limit_mb=4096 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$work" "${seeds[@]}" >"$log" 2>&1
  status=$?
  set -e
  rm -rf "$work"
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^plain loop" "$log" || true
  if [ "$status" -ne 0 ]; then
    tail -n 60 "$log" >&2
    echo "$name: FAILED (exit $status); reproducer(s) in $artifacts/, full log $log" >&2
    failed=1
  else
    echo "$name: no findings in ${run_seconds}s"
  fi
done
exit "$failed"
