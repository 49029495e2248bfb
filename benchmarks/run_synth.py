#!/usr/bin/env python3
"""Synthetic-population benchmark: wall time and peak memory of `famgraph synth` (generate + write
CSV + truth.json) at 1M and 20M persons, with 1 and 2 threads, and a byte-identity check between
thread counts. Records benchmarks/results/synth-<date>.json.

    .venv/bin/python benchmarks/run_synth.py                       # 1M and 20M (~3 min, ~2 GB in /tmp)
    .venv/bin/python benchmarks/run_synth.py --sizes 1000000       # quick

Targets of the synthetic-population issue (measurements, not tests): 20M persons with their events
in <= 60 s on 2 cores and <= 6 GB peak memory; 1M in <= 4 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import filecmp
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_foundation import git_info, loadavg, log, machine

REPO = Path(__file__).resolve().parents[1]
CLI = REPO / "build" / "release" / "famgraph"
TARGETS = {1_000_000: {"wall_s": 4.0}, 20_000_000: {"wall_s": 60.0, "peak_gb": 6.0}}


def timed(cmd: list[str]) -> dict:
    out = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True, check=True)
    wall = re.search(
        r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", out.stderr
    )
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr)
    assert wall and rss, out.stderr
    h, m, s = wall.groups()
    seconds = int(h or 0) * 3600 + int(m) * 60 + float(s)
    return {
        "wall_s": round(seconds, 3),
        "peak_gb": round(int(rss.group(1)) / 1024**2, 3),
        "stdout": out.stdout.strip(),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000000,20000000")
    ap.add_argument(
        "--out", type=Path, default=REPO / "benchmarks" / "results" / f"synth-{dt.date.today()}.json"
    )
    args = ap.parse_args()
    if not CLI.exists():
        raise SystemExit(f"{CLI} missing: build the release preset first (make build)")
    result = {
        "benchmark": "synth",
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "git": git_info(),
        "loadavg_start": loadavg(),
        "runs": [],
    }
    for n in (int(x) for x in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="famgraph-synth-") as tmp:
            dirs = {}
            for threads in (2, 1):
                d = Path(tmp) / f"t{threads}"
                log(f"synth {n:,} persons, {threads} thread(s)")
                r = timed(
                    [
                        str(CLI),
                        "synth",
                        "--persons",
                        str(n),
                        "--seed",
                        "1",
                        "--out",
                        str(d),
                        "--threads",
                        str(threads),
                    ]
                )
                sizes = {f.name: f.stat().st_size for f in d.iterdir()}
                entry = {"persons": n, "threads": threads, **r, "bytes": sizes}
                target = TARGETS.get(n)
                if target and threads == 2:
                    entry["targets"] = {
                        k: {"target": v, "measured": entry[k], "verdict": "hit" if entry[k] <= v else "miss"}
                        for k, v in target.items()
                    }
                result["runs"].append(entry)
                dirs[threads] = d
            same = all(filecmp.cmp(dirs[1] / f, dirs[2] / f, shallow=False) for f in sizes)
            result["runs"][-1]["identical_to_2_threads"] = same
            shutil.rmtree(dirs[1])
            shutil.rmtree(dirs[2])
    result["loadavg_end"] = loadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp_out = args.out.with_suffix(".json.tmp")
    tmp_out.write_text(json.dumps(result, indent=2) + "\n")
    tmp_out.replace(args.out)
    print(json.dumps(result["runs"], indent=1))
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
