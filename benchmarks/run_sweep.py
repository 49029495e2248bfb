#!/usr/bin/env python3
"""Sweep throughput on dask.distributed: the same tasks on a 2-worker and a 1-worker LocalCluster.

Runs ``fg.sweep`` (default indicators: victim_to_perpetrator, recurrence_risk, chains) with
``--replicates`` populations of ``--persons`` each, first on a LocalCluster of 2 worker processes,
then on one of 1 worker (one thread each), checks that both give the identical DataFrame, and
records benchmarks/results/sweep-<date>[-<tag>].json: machine, date, commit, load average before
and after each run, wall time, throughput (tasks/s), the time of every task in its worker and the
2-worker/1-worker throughput ratio (target >= 1.7 on 2 free cores).

    .venv/bin/python benchmarks/run_sweep.py                                  # 200 x 100,000 (~5 min)
    .venv/bin/python benchmarks/run_sweep.py --replicates 40 --persons 20000 --tag small

The machine may be shared: the load average is recorded so that a low ratio on a busy machine can
be told apart from a scaling problem.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import famgraph as fg
from run_foundation import git_info, loadavg, log, machine

REPO = Path(__file__).resolve().parents[1]
TARGET_RATIO = 1.7


def run(workers: int, args: argparse.Namespace) -> tuple[pd.DataFrame, dict[str, Any]]:
    with fg.distributed.client(n_workers=workers, threads_per_worker=1, timeout=120) as c:
        c.wait_for_workers(workers, timeout=120)
        c.run(lambda: __import__("famgraph.distributed") and None)  # imports outside the timed run
        load_before = loadavg()
        log(f"{workers} worker(s): {args.replicates} tasks of {args.persons:,} persons (load {load_before})")
        start = time.perf_counter()
        df = fg.sweep(
            {"transmission_or": [args.transmission_or]},
            args.replicates,
            persons=args.persons,
            client=c,
            seed=args.seed,
            progress=None,
        )
        wall = time.perf_counter() - start
        load_after = loadavg()
    tasks = [round(s, 4) for s in df.attrs["task_seconds"]]
    cpu = [round(s, 4) for s in df.attrs["task_cpu_seconds"]]
    entry = {
        "workers": workers,
        "threads_per_worker": 1,
        "wall_s": round(wall, 3),
        "throughput_tasks_per_s": round(len(df) / wall, 4),
        "task_s_median": round(statistics.median(tasks), 4),
        "task_s_mean": round(statistics.fmean(tasks), 4),
        "task_s_sum": round(sum(tasks), 3),
        "busy_fraction": round(sum(tasks) / (wall * workers), 3),
        # CPU time / wall time of the tasks: below 1 when the workers waited for a core
        "task_cpu_s_median": round(statistics.median(cpu), 4),
        "cpu_share_of_task_time": round(sum(cpu) / sum(tasks), 3),
        "loadavg_before": load_before,
        "loadavg_after": load_after,
        "task_seconds": tasks,
        "task_cpu_seconds": cpu,
    }
    log(f"{workers} worker(s): {wall:.1f} s, {entry['throughput_tasks_per_s']} tasks/s (load {load_after})")
    return df, entry


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--replicates", type=int, default=200)
    ap.add_argument("--persons", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--transmission-or", type=float, default=3.0)
    ap.add_argument("--tag", default="", help="suffix of the result file name (e.g. 'small')")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    name = f"sweep-{dt.date.today()}" + (f"-{args.tag}" if args.tag else "") + ".json"
    out = args.out or REPO / "benchmarks" / "results" / name
    result: dict[str, Any] = {
        "benchmark": "sweep",
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "git": git_info(),
        "famgraph_version": fg.__version__,
        "loadavg_start": loadavg(),
        "persons": args.persons,
        "replicates": args.replicates,
        "grid": {"transmission_or": [args.transmission_or]},
        "indicators": list(fg.distributed.DEFAULT_INDICATORS),
        "seed": args.seed,
        "runs": [],
    }
    frames = {}
    for workers in (2, 1):
        frames[workers], entry = run(workers, args)
        result["runs"].append(entry)
    result["loadavg_end"] = loadavg()
    pd.testing.assert_frame_equal(frames[1], frames[2])
    result["identical_results"] = True
    two, one = (next(r for r in result["runs"] if r["workers"] == w) for w in (2, 1))
    ratio = two["throughput_tasks_per_s"] / one["throughput_tasks_per_s"]
    result["throughput_ratio_2_vs_1"] = {
        "target": TARGET_RATIO,
        "measured": round(ratio, 3),
        "verdict": "hit" if ratio >= TARGET_RATIO else "miss",
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(result, indent=1) + "\n")
    tmp.replace(out)
    summary = {k: v for k, v in result.items() if k != "runs"}
    summary["runs"] = [
        {k: v for k, v in r.items() if k not in ("task_seconds", "task_cpu_seconds")} for r in result["runs"]
    ]
    print(json.dumps(summary, indent=1))
    log(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
