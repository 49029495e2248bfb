#!/usr/bin/env python3
"""``famgraph report`` recomputing every indicator versus reading them with ``--from results.json``
(issue 16): wall time of each command as a user runs it (separate processes, loading included).

    python benchmarks/run_report_reuse.py --persons 1000000

Steps, on one synthetic folder (CSV, written by ``famgraph synth``):

1. ``famgraph indicators DIR --json results.json``            (the computation, saved)
2. ``famgraph report DIR -o recompute.html``                  (recomputes everything)
3. ``famgraph report DIR -o reuse.html --from results.json``  (reads the results back)
4. ``famgraph indicators DIR --json r2.json --report both.html`` (both from one computation)

Also the time of the dataset fingerprint alone (in process). The two reports are checked to be
byte-identical (fixed ``--date``). Results: ``benchmarks/results/report_reuse-<date>.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from famgraph.bench import _machine
from famgraph.bench._machine import loadavg, log, machine

REPO = Path(__file__).resolve().parents[1]
DATE = "2025-01-01"


def famgraph(*args: str) -> float:
    """Wall seconds of one ``famgraph`` command in a fresh process (exit status 0 required)."""
    cmd = [
        sys.executable,
        "-c",
        "import sys; from famgraph.cli import main; sys.exit(main(sys.argv[1:]))",
        *args,
    ]
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    s = time.perf_counter() - t
    if r.returncode != 0:
        raise SystemExit(f"famgraph {' '.join(args)} failed ({r.returncode}):\n{r.stderr}")
    return s


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--persons", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--n-boot", type=int, default=1000)
    ap.add_argument("--n-sim", type=int, default=1000)
    ap.add_argument(
        "--out", type=Path, default=REPO / "benchmarks" / "results" / f"report_reuse-{dt.date.today()}.json"
    )
    a = ap.parse_args()
    la0 = loadavg()
    runs: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="famgraph-reuse-") as tmp:
        d = Path(tmp)
        data = d / "data"
        log(f"synth {a.persons:,} persons")
        runs["synth_s"] = round(
            famgraph("synth", "--persons", str(a.persons), "--seed", str(a.seed), "--out", str(data)), 2
        )
        opts = ["--n-boot", str(a.n_boot), "--n-sim", str(a.n_sim)]
        log("indicators --json")
        runs["indicators_json_s"] = round(
            famgraph("indicators", str(data), "--json", str(d / "r.json"), *opts), 2
        )
        log("report (recompute)")
        runs["report_recompute_s"] = round(
            famgraph("report", str(data), "-o", str(d / "recompute.html"), "--date", DATE), 2
        )
        log("report --from results.json")
        runs["report_from_json_s"] = round(
            famgraph(
                "report", str(data), "-o", str(d / "reuse.html"), "--from", str(d / "r.json"), "--date", DATE
            ),
            2,
        )
        log("indicators --json --report")
        runs["indicators_json_and_report_s"] = round(
            famgraph(
                "indicators",
                str(data),
                "--json",
                str(d / "r2.json"),
                "--report",
                str(d / "both.html"),
                "--date",
                DATE,
                *opts,
            ),
            2,
        )
        same = (d / "recompute.html").read_bytes() == (d / "reuse.html").read_bytes()
        same_both = (d / "both.html").read_bytes() == (d / "reuse.html").read_bytes()
        runs["json_bytes"] = (d / "r.json").stat().st_size
        import famgraph as fg

        ds = fg.Dataset.from_csv(data)
        t = time.perf_counter()
        fg.indicators.fingerprint(ds)
        runs["fingerprint_s"] = round(time.perf_counter() - t, 3)
    runs["speedup_recompute_over_from"] = round(runs["report_recompute_s"] / runs["report_from_json_s"], 2)
    runs["separate_commands_s"] = round(runs["indicators_json_s"] + runs["report_recompute_s"], 2)
    result = {
        "benchmark": "report_reuse",
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "git": _machine.git_info(REPO),
        "persons": a.persons,
        "seed": a.seed,
        "n_boot": a.n_boot,
        "n_sim": a.n_sim,
        "loadavg_start": la0,
        "loadavg_end": loadavg(),
        "note": "wall seconds of each famgraph command in its own process (loading the CSV folder "
        "included); report_recompute uses the defaults n_boot=n_sim=1000 as indicators does here, so "
        "the two reports are byte-identical (reports_identical)",
        "reports_identical": same,
        "report_of_indicators_identical": same_both,
        "runs": runs,
    }
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(result, indent=2) + "\n")
    log(json.dumps(runs))
    log(f"written: {a.out}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
