#!/usr/bin/env python3
"""The indicator bindings with the Dataset's cached family graph versus one built per call
(issue 16): one counting call, one public indicator and the whole suite at 1M persons.

    python benchmarks/run_graph_reuse.py --label after
    PYTHONPATH=<checkout before the change>/python python benchmarks/run_graph_reuse.py --label before

Each run measures the famgraph that the running Python imports and adds its block (``--label``) to
``benchmarks/results/graph_reuse-<date>.json`` (other labels already in the file are kept), so
the same script times the code before and after the change on the same machine. Every timing is
the minimum of ``--repeat`` runs (the machine is shared: the load average is recorded).

- ``family_graph_build_s``: ``famgraph._core.FamilyGraph(dataset)`` alone (what a call rebuilt);
- ``core_chains_s``: ``famgraph._core.indicators.chains`` building its own graph, and (where the
  binding takes one) ``core_chains_with_graph_s`` given ``Dataset.graph``;
- ``chains_s``: the public ``fg.indicators.chains(ds)``, the Dataset's graph already built;
- ``suite_s``: ``fg.indicators.suite(ds)`` on a Dataset whose graph is not built yet (the cache is
  cleared before each run, so one graph build is included where the code uses the cache).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import famgraph as fg
from famgraph import _core
from famgraph.bench import _machine
from famgraph.bench._machine import loadavg, log, machine

REPO = Path(__file__).resolve().parents[1]


def best(fn: Callable[[], Any], repeat: int, before: Callable[[], None] | None = None) -> float:
    """Minimum wall seconds of ``repeat`` calls (``before`` runs untimed ahead of each)."""
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return round(min(times), 4)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--label", required=True, help="name of this run's block, e.g. before / after")
    ap.add_argument("--persons", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--n-boot", type=int, default=0)
    ap.add_argument("--n-sim", type=int, default=0)
    ap.add_argument(
        "--commit", help="the commit of a famgraph copied out of its checkout (recorded as given)"
    )
    ap.add_argument(
        "--out", type=Path, default=REPO / "benchmarks" / "results" / f"graph_reuse-{dt.date.today()}.json"
    )
    a = ap.parse_args()
    la0 = loadavg()
    log(f"generate {a.persons:,} persons (famgraph from {Path(fg.__file__).parent})")
    ds = fg.synth.generate(persons=a.persons, seed=a.seed, progress=False)
    ind = _core.indicators
    try:  # a binding before the change has no `graph` argument
        ind.chains(ds._core, graph=None)
        takes_graph = True
    except TypeError:
        takes_graph = False
    runs: dict[str, Any] = {"takes_graph": takes_graph}

    def clear() -> None:
        ds.__dict__.pop("graph", None)  # Dataset.graph is a cached_property

    runs["family_graph_build_s"] = best(lambda: _core.FamilyGraph(ds._core), a.repeat)
    runs["core_chains_s"] = best(lambda: ind.chains(ds._core), a.repeat)
    if takes_graph:
        g = ds.graph._core
        runs["core_chains_with_graph_s"] = best(lambda: ind.chains(ds._core, graph=g), a.repeat)
    ds.graph  # noqa: B018 (built once, as after any earlier call)
    runs["chains_s"] = best(lambda: fg.indicators.chains(ds), a.repeat)
    log("suite")
    runs["suite_s"] = best(
        lambda: fg.indicators.suite(ds, n_boot=a.n_boot, n_sim=a.n_sim), a.repeat, before=clear
    )
    block = {
        "date": dt.date.today().isoformat(),
        "famgraph": str(Path(fg.__file__).parent),
        "git": {"commit": a.commit, "note": "given with --commit"}
        if a.commit
        else _machine.git_info(Path(fg.__file__).resolve().parents[2]),
        "loadavg_start": la0,
        "loadavg_end": loadavg(),
        "runs": runs,
    }
    doc: dict[str, Any] = json.loads(a.out.read_text()) if a.out.exists() else {}
    doc.update(
        {
            "benchmark": "graph_reuse",
            "machine": machine(),
            "persons": a.persons,
            "seed": a.seed,
            "repeat": a.repeat,
            "suite_options": {"n_boot": a.n_boot, "n_sim": a.n_sim},
            "note": "minimum of `repeat` wall-clock runs per timing; the machine is shared (load averages "
            "per block). suite_s clears Dataset.graph before each run. Numbers of the suite are "
            "byte-identical between the blocks (tests/python/test_core_types.py pins its JSON).",
        }
    )
    doc.setdefault("blocks", {})[a.label] = block
    a.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = a.out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(doc, indent=2) + "\n")
    tmp.replace(a.out)
    log(json.dumps(runs))
    log(f"written: {a.out}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
