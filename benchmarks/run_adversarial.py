#!/usr/bin/env python3
"""Adversarial-shape benchmark: every indicator on a normal synthetic population of 1M persons with
one adversarial family added (benchmarks/adversarial_shapes.py), wall time and peak memory per
indicator. Each shape runs in its own process. Records benchmarks/results/adversarial-<date>.json.

    .venv/bin/python benchmarks/run_adversarial.py                    # 1M persons, every shape
    .venv/bin/python benchmarks/run_adversarial.py --persons 200000   # quick

The shapes at full size: a sibship of 100,000 children of one couple; a placeholder parent with
100,000 children by different partners (each with a child of their own); one incident with
200,000 participants (parents perpetrators, their children victims); one person with 10,000
partners (two children each). Target (a measurement, not a test): every indicator <= 2 s at 1M
persons with any of them. The complexity itself is tested by operation counts in
tests/python/test_linear_complexity.py.

Peak memory of an indicator is the highest resident set size seen while it runs (sampled every
2 ms by a thread; the C++ counts release the GIL), and "added" is that minus the resident set just
before it: what the indicator needs on top of the loaded data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_foundation import git_info, loadavg, log, machine

REPO = Path(__file__).resolve().parents[1]
SIZES = {"none": 0, "sibship": 100_000, "placeholder": 100_000, "incident": 200_000, "partners": 10_000}
TARGET_S = 2.0
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


class Peak:
    """The highest resident set size while the block runs."""

    def __enter__(self) -> Peak:
        gc.collect()
        self.before = rss()
        self.peak = self.before
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._watch, daemon=True)
        self._t.start()
        return self

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss())
            time.sleep(0.002)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()
        self.peak = max(self.peak, rss())


def one_shape(shape: str, persons: int, seed: int, scale: float) -> dict:
    import numpy as np

    import famgraph as fg
    from adversarial_shapes import sizes, with_shape

    t = time.perf_counter()
    base = fg.synth.generate(persons, seed=seed, progress=False)
    k = int(SIZES[shape] * scale)
    ds = with_shape(base, shape, k) if k else base
    del base
    build_s = time.perf_counter() - t
    core, ind = ds._core, fg._core.indicators
    rels = list(fg.RELATIONS)
    pairs = [(a, b) for a in ("victim", "perpetrator") for b in ("victim", "perpetrator")]
    flags = np.ones(ds.n_persons, dtype=np.uint8)
    runs = {
        # the C++ counting rules (the part that was quadratic on these shapes)
        "core.relative_exposure[7 relations]": lambda: ind.relative_exposure(
            core, None, None, list(fg.indicators.transmission.DEFAULT_RELATIONS), pairs
        ),
        "core.relative_exposure[all 10 relations]": lambda: ind.relative_exposure(
            core, None, None, rels, pairs
        ),
        "core.recurrence_risk[all 10 relations]": lambda: ind.recurrence_risk(
            core, None, None, ["perpetrator"], rels
        ),
        "core.chains": lambda: ind.chains(core, None, None),
        "core.repeat_incidents": lambda: ind.repeat_incidents(core, None, None, 365),
        "core.early_signalling": lambda: ind.early_signalling(core, None, None, [1, 2, 5]),
        "core.agency_overlap": lambda: ind.agency_overlap(core, None, None),
        "core.victim_to_perpetrator": lambda: ind.victim_to_perpetrator(core, None, None),
        "core.relative_counts[first_cousin]": lambda: fg._core.FamilyGraph(core).relative_counts(
            "first_cousin", flags, 1
        ),
        "summary (graph + kinship)": lambda: fg.Dataset(core).summary(),
    }
    # the published indicators (statistics and disclosure control included)
    for name in fg.indicators.NAMES:
        runs[f"fg.indicators.{name}"] = lambda nm=name: fg.indicators.suite(
            ds, include=[nm], n_boot=200, n_sim=0
        )
    runs["fg.indicators.feature_table"] = lambda: fg.indicators.feature_table(ds)
    out: dict = {}
    for name, fn in runs.items():
        with Peak() as p:
            t = time.perf_counter()
            fn()
            s = time.perf_counter() - t
        out[name] = {
            "s": round(s, 3),
            "peak_gb": round(p.peak / 1e9, 3),
            "added_gb": round((p.peak - p.before) / 1e9, 3),
            "hit": s <= TARGET_S,
        }
        log(f"  {shape:<12} {name:<42} {s:7.3f} s  +{(p.peak - p.before) / 1e9:.3f} GB")
    return {
        "shape": shape,
        "k": k,
        **sizes(ds),
        "build_s": round(build_s, 2),
        "indicators": out,
        "process_peak_gb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2, 3),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--persons", type=int, default=1_000_000)
    ap.add_argument("--shapes", default=",".join(SIZES))
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every shape size (quick runs)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument(
        "--out", type=Path, default=REPO / "benchmarks" / "results" / f"adversarial-{dt.date.today()}.json"
    )
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one_shape(args.one, args.persons, args.seed, args.scale)))
        return 0
    result = {
        "benchmark": "adversarial",
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        **git_info(),
        "machine": machine(),
        "load_before": loadavg(),
        "persons": args.persons,
        "target_s": TARGET_S,
        "note": "seconds and peak resident memory per indicator on a synthetic population with one "
        "adversarial shape added (benchmarks/adversarial_shapes.py); 'added_gb' = peak minus the "
        "resident set before the call",
        "runs": [],
    }
    for shape in args.shapes.split(","):
        log(f"shape {shape} on {args.persons:,} persons")
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--one",
                shape,
                "--persons",
                str(args.persons),
                "--seed",
                str(args.seed),
                "--scale",
                str(args.scale),
            ],
            capture_output=True,
            text=True,
        )
        sys.stderr.write(out.stderr)
        if out.returncode:
            result["runs"].append({"shape": shape, "error": out.stderr[-2000:]})
            continue
        run = json.loads(out.stdout.strip().splitlines()[-1])
        run["load_after"] = loadavg()
        run["all_hit"] = all(v["hit"] for v in run["indicators"].values())
        result["runs"].append(run)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(json.dumps(result, indent=2) + "\n")
    tmp.replace(args.out)
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
