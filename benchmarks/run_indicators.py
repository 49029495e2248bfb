#!/usr/bin/env python3
"""Indicator-suite benchmark: wall time of every published indicator (fg.indicators, statistics and
disclosure control included) on synthetic populations, and peak memory of the whole process.
Each size runs in its own process so that peak memory belongs to that size. Records
benchmarks/results/indicators-<date>.json.

    .venv/bin/python benchmarks/run_indicators.py                      # 1M and 20M
    .venv/bin/python benchmarks/run_indicators.py --sizes 1000000      # quick

Targets of the indicator issue (measurements, not tests): the suite without the permutation test
on 1M persons <= 3 s and on 20M <= 60 s with <= 8 GB peak on 2 cores; GIF with 1,000
permutations on 100,000 cases <= 60 s (benchmarks/run_familiality.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_foundation import git_info, loadavg, log, machine

REPO = Path(__file__).resolve().parents[1]
TARGETS = {1_000_000: {"suite_s": 3.0}, 20_000_000: {"suite_s": 60.0, "peak_gb": 8.0}}


def one_size(n: int, seed: int, n_boot: int, threads: int) -> dict:
    import famgraph as fg

    t = time.perf_counter()
    ds = fg.synth.generate(n, seed=seed, progress=False, threads=threads)
    gen = time.perf_counter() - t
    times: dict[str, float] = {}
    names = [x for x in fg.indicators.NAMES if x != "gif"]
    t_all = time.perf_counter()
    for name in names:
        t = time.perf_counter()
        fg.indicators.suite(ds, include=[name], n_boot=n_boot, n_sim=0)
        times[name] = round(time.perf_counter() - t, 3)
    suite = time.perf_counter() - t_all
    peak_suite = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    t = time.perf_counter()
    fg.indicators.feature_table(ds)
    feature = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    return {
        "persons": n,
        "event_rows": ds.n_events,
        "incidents": ds.n_incidents,
        "generate_s": round(gen, 3),
        "indicators_s": times,
        "suite_s": round(suite, 3),
        "suite_note": "all published indicators except the GIF permutation test; recurrence_risk with "
        f"{n_boot} bootstrap replicates",
        "feature_table_s": round(feature, 3),
        "peak_gb_after_suite": round(peak_suite, 3),
        "peak_gb_process": round(peak, 3),
        "peak_note": "peak_gb_after_suite includes generating the population (the generator's own peak); "
        "peak_gb_process also includes the feature table",
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000000,20000000")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--n-boot", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    ap.add_argument(
        "--out", type=Path, default=REPO / "benchmarks" / "results" / f"indicators-{dt.date.today()}.json"
    )
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one_size(args.one, args.seed, args.n_boot, args.threads)))
        return 0
    result = {
        "benchmark": "indicators",
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        **git_info(),
        "machine": machine(),
        "load_before": loadavg(),
        "runs": [],
    }
    for n in (int(s) for s in args.sizes.split(",")):
        log(f"indicators at {n:,} persons")
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--one",
                str(n),
                "--seed",
                str(args.seed),
                "--n-boot",
                str(args.n_boot),
                "--threads",
                str(args.threads),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        run = json.loads(out.stdout.strip().splitlines()[-1])
        target = TARGETS.get(n, {})
        run["targets"] = target
        run["load_after"] = loadavg()
        if "suite_s" in target:
            run["suite_hit"] = run["suite_s"] <= target["suite_s"]
        if "peak_gb" in target:
            run["peak_hit"] = run["peak_gb_after_suite"] <= target["peak_gb"]
        result["runs"].append(run)
        log(json.dumps(run))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(json.dumps(result, indent=2) + "\n")
    tmp.replace(args.out)
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
