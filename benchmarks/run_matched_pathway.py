#!/usr/bin/env python3
"""What the matched headline adds to the victim→perpetrator pathway (issue #12): the core call
with and without `matched=True` (strata, Mantel–Haenszel, conditional logit, stratified Cox on
time since the 18th birthday, rates, cohorts, ages at first perpetration), on synthetic
populations, best of 3. Records benchmarks/results/matched_pathway-<date>.json (machine, date,
commit, load average).

    .venv/bin/python benchmarks/run_matched_pathway.py                       # 1M
    .venv/bin/python benchmarks/run_matched_pathway.py --sizes 1000000,20000000

Target (a measurement, not a test): the matched estimates and the Cox model add <= 1 s at 1M
persons and <= 15 s at 20M. The window is the generator's 15 years (the default data window).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_foundation import git_info, loadavg, log, machine

TARGETS = {1_000_000: 1.0, 20_000_000: 15.0}


def best(fn, repeat: int = 3) -> float:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return min(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000000")
    ap.add_argument("--window-years", type=int, default=15)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    a = ap.parse_args()
    import famgraph as fg

    core = fg._core.indicators  # type: ignore[attr-defined]
    rows = []
    load_before = loadavg()
    for n in (int(x) for x in a.sizes.split(",")):
        log(f"generating {n:,} persons")
        t = time.perf_counter()
        ds = fg.synth.generate(persons=n, seed=1, window_years=a.window_years, progress=False)
        gen = time.perf_counter() - t
        plain = best(lambda ds=ds: core.victim_to_perpetrator(ds._core, None, None))
        matched = best(lambda ds=ds: core.victim_to_perpetrator(ds._core, None, None, matched=True))
        full = best(lambda ds=ds: fg.indicators.victim_to_perpetrator(ds), repeat=1)
        c = core.victim_to_perpetrator(ds._core, None, None, matched=True)
        assert c.matched_pathway is not None
        row = {
            "persons": n,
            "eligible": len(c.time),
            "strata": c.matched_pathway.matched.strata,
            "generate_s": round(gen, 2),
            "counts_s": round(plain, 3),
            "counts_and_matched_s": round(matched, 3),
            "matched_added_s": round(matched - plain, 3),
            "python_indicator_s": round(full, 3),
            "target_added_s": TARGETS.get(n),
        }
        log(json.dumps(row))
        rows.append(row)
        del ds
    doc = {
        "benchmark": "matched_pathway",
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "git": git_info(),
        "load_before": load_before,
        "load_after": loadavg(),
        "rows": rows,
    }
    a.out.mkdir(parents=True, exist_ok=True)
    path = a.out / f"matched_pathway-{dt.date.today().isoformat()}.json"
    path.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"written: {path}")


if __name__ == "__main__":
    main()
