#!/usr/bin/env python3
"""The person-level ``feature_table`` (issue 16): wall time and memory at a given population, for
this checkout and, optionally, another source tree (the implementation before the change).

    python benchmarks/run_feature_table.py --persons 1000000 [--before /path/to/old/python]

Each implementation runs in a fresh process: generate the population (not timed), build the graph
(not timed; the old implementation read the dataset's cached graph), then ``--repeats`` calls of
``famgraph.indicators.feature_table`` (median and minimum wall seconds), the peak resident
memory each call added over the memory before it (``/proc/self/statm`` polled every 2 ms) and the
size of the result. With ``--before``, the two tables are checked to be identical
(``pandas.testing.assert_frame_equal``) on a smaller population first. Results:
``benchmarks/results/feature_table-<date>.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from famgraph.bench import _machine
from famgraph.bench._machine import loadavg, log, machine

REPO = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, os, statistics, sys, threading, time
import famgraph as fg
persons, seed, repeats = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
ds = fg.synth.generate(persons=persons, seed=seed)
ds.graph
page = os.sysconf("SC_PAGE_SIZE")
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * page
times, peaks, kept = [], [], []
for _ in range(repeats):
    base, peak, stop = rss(), [0], threading.Event()
    def poll():
        while not stop.is_set():
            peak[0] = max(peak[0], rss())
            time.sleep(0.002)
    th = threading.Thread(target=poll)
    th.start()
    t = time.perf_counter()
    ft = fg.indicators.feature_table(ds)
    times.append(time.perf_counter() - t)
    stop.set()
    th.join()
    peaks.append(max(peak[0], rss()) - base)
    kept.append(rss() - base)
    shape = list(ft.shape)
    result_bytes = int(ft.memory_usage(deep=True).sum())
    del ft
print(json.dumps({"seconds_median": statistics.median(times), "seconds_min": min(times),
                  "seconds_all": times, "peak_rss_added_bytes_max": max(peaks),
                  "peak_rss_added_bytes_all": peaks, "rss_kept_with_result_bytes": kept[0],
                  "result_bytes": result_bytes, "shape": shape, "famgraph": fg.__file__}))
"""

SAME = r"""
import pickle, sys
import famgraph as fg
ds = fg.synth.generate(persons=int(sys.argv[1]), seed=int(sys.argv[2]))
pickle.dump(fg.indicators.feature_table(ds), sys.stdout.buffer)
"""


def run(code: str, pythonpath: str, *args: str) -> bytes:
    env = dict(os.environ, PYTHONPATH=pythonpath)
    r = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, env=env)
    if r.returncode != 0:
        raise SystemExit(f"child failed ({r.returncode}):\n{r.stderr.decode()}")
    return r.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--persons", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--before", help="python/ folder of the implementation to compare with")
    ap.add_argument("--before-commit", help="its commit, for the record")
    ap.add_argument("--out", type=Path)
    a = ap.parse_args()
    here = str(REPO / "python")
    out: dict[str, Any] = {
        "benchmark": "feature_table",
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "git": _machine.git_info(REPO),
        "persons": a.persons,
        "seed": a.seed,
        "repeats": a.repeats,
        "loadavg_start": loadavg(),
    }
    if a.before:
        import pickle

        import pandas as pd

        for persons, seed in ((20_000, 1), (50_000, 7)):
            new = pickle.loads(run(SAME, here, str(persons), str(seed)))
            old = pickle.loads(run(SAME, a.before, str(persons), str(seed)))
            pd.testing.assert_frame_equal(new, old)
            assert new.attrs == old.attrs
        out["identical_to_before"] = "20,000 persons seed 1 and 50,000 persons seed 7: assert_frame_equal"
        log("before: running")
        out["before"] = json.loads(run(CHILD, a.before, str(a.persons), str(a.seed), str(a.repeats)))
        out["before"]["commit"] = a.before_commit
    log("after: running")
    out["after"] = json.loads(run(CHILD, here, str(a.persons), str(a.seed), str(a.repeats)))
    if a.before:
        out["speedup_median"] = round(out["before"]["seconds_median"] / out["after"]["seconds_median"], 2)
    out["loadavg_end"] = loadavg()
    text = json.dumps(out, indent=2)
    print(text)
    path = a.out or REPO / "benchmarks" / "results" / f"feature_table-{dt.date.today().isoformat()}.json"
    path.write_text(text + "\n")
    log(f"wrote {path}")


if __name__ == "__main__":
    main()
