#!/usr/bin/env bash
# Runs Python fuzz harnesses (atheris; a plain random-mutation loop when atheris is missing).
#
#   tests/fuzz/run_python_fuzz.sh SECONDS HARNESS.py...
#
# Each harness runs for SECONDS, FUZZ_JOBS of them at once (default 1). Its seed folders are named
# on a line `# fuzz-seeds: DIR...` of the harness (paths relative to the repository root); new
# inputs go to a scratch folder, the seeds
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

# FUZZ_JOBS harnesses run at once (default 1); each is one single-threaded process.
jobs="${FUZZ_JOBS:-1}"
[[ $jobs =~ ^[1-9][0-9]*$ ]] || { echo "FUZZ_JOBS must be a positive integer, got '$jobs'" >&2; exit 2; }
for harness in "$@"; do
  if [ ! -f "$harness" ]; then
    echo "$harness: no such harness" >&2
    exit 2
  fi
done

# One harness; its summary is printed in one piece when it ends, so parallel runs do not interleave.
run_one() {
  local harness="$1" name seeds=() d work artifacts log status summary
  name="$(basename "$harness" .py)"
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
  summary="$(grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^plain loop" "$log" || true)"
  if [ "$status" -ne 0 ]; then
    { printf '%s\n' "$summary"; tail -n 60 "$log"
      echo "$name: FAILED (exit $status); reproducer(s) in $artifacts/, full log $log"; } >&2
    return 1
  fi
  printf '%s\n%s: no findings in %ss\n' "$summary" "$name" "$run_seconds"
}

# Each process is waited for exactly once (the oldest first when all slots are taken), so every
# exit status is seen.
failed=0
pids=()
for harness in "$@"; do
  if [ "${#pids[@]}" -ge "$jobs" ]; then
    wait "${pids[0]}" || failed=1
    pids=("${pids[@]:1}")
  fi
  run_one "$harness" &
  pids+=($!)
done
for pid in "${pids[@]}"; do
  wait "$pid" || failed=1
done
exit "$failed"
