"""One measurement in its own process: ``python -m famgraph.bench.peers.worker --tool T --task K --data DIR``.

Prints one JSON line: status, the fastest wall time of ``--repeat`` runs (and every run), the peak
resident memory of the timed part (VmHWM, reset through /proc/self/clear_refs after the data was
loaded; for the load tasks, the peak of the loading itself), the resident memory before it, and the
``numbers`` the driver compares between tools. The driver (``benchmarks/bench.py``) starts it with
a time limit and a memory limit.

Tools: famgraph, pandas (pandas + networkx where a graph walk is needed), networkx, igraph,
networkit, pednet, inbreeding_calculator. Tasks: load_csv, load_parquet, relatives, structure,
kinship, the six indicators (victim_to_perpetrator, chains, recurrence_risk, repeat_incidents,
early_signalling, agency_overlap), report, e2e (famgraph only: generate → indicators → report).

Example
-------
    .venv/bin/python -m famgraph.bench.peers.worker --tool pandas --task chains --data /tmp/d
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

INDICATOR_TASKS = (
    "victim_to_perpetrator",
    "chains",
    "recurrence_risk",
    "repeat_incidents",
    "early_signalling",
    "agency_overlap",
)
GRAPH_TOOLS = ("networkx", "igraph", "networkit")
TASK_TOOLS: dict[str, tuple[str, ...]] = {
    "load_csv": ("famgraph", "pandas", *GRAPH_TOOLS),
    "load_parquet": ("famgraph", "pandas", *GRAPH_TOOLS),
    "relatives": ("famgraph", "pandas", *GRAPH_TOOLS),
    "structure": ("famgraph", "pandas", *GRAPH_TOOLS),
    "kinship": ("famgraph", "pandas", "pednet", "inbreeding_calculator"),
    **{name: ("famgraph", "pandas") for name in INDICATOR_TASKS},
    "report": ("famgraph",),
    "e2e": ("famgraph",),
}
RELATIONS = ("full_sibling", "half_sibling", "first_cousin")


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1]) * 1024
    return 0


def rss() -> int:
    return _status_kb("VmRSS:")


def reset_peak() -> bool:
    """Resets VmHWM to the current RSS (Linux ≥ 4.0); False where that is not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak() -> int:
    return _status_kb("VmHWM:") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def timed(fn: Callable[[], Any], repeat: int) -> tuple[Any, list[float], int, int, bool]:
    """Runs fn `repeat` times; returns the last result, the wall times, RSS before, peak, reset ok."""
    gc.collect()
    base = rss()
    ok = reset_peak()
    runs = []
    result = None
    for _ in range(repeat):
        result = None
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - t0)
    return result, runs, base, peak(), ok


# ---------------------------------------------------------------------------------- famgraph
def famgraph_task(task: str, data: Path, repeat: int, persons: int) -> dict[str, Any]:
    import famgraph as fg
    from famgraph.graph import FamilyGraph

    from . import famgraph_side

    out: dict[str, Any] = {"impl": "famgraph " + fg.__version__}
    if task in ("load_csv", "load_parquet"):
        fmt = task.split("_")[1]
        loader = fg.Dataset.from_csv if fmt == "csv" else fg.Dataset.from_parquet
        ds, runs, base, top, ok = timed(lambda: loader(data / fmt), repeat)
        n, rows = ds.n_persons, ds.n_events
        out["impl"] = f"fg.Dataset.from_{fmt}"
        out["numbers"] = {"persons": n, "event_rows": rows, "incidents": ds.n_incidents}
        core = ds._core
        person_cols = sum(a.nbytes for a in core.persons_columns().values() if hasattr(a, "nbytes"))
        event_cols = sum(a.nbytes for a in core.events_columns().values() if hasattr(a, "nbytes"))
        out["memory"] = {
            "dataset_bytes": ds.memory_bytes(),
            "bytes_per_person": ds.memory_bytes() / max(n, 1),
            "persons_bytes_per_person": person_cols / max(n, 1),
            "events_bytes_per_event_row": event_cols / max(rows, 1),
            "rss_growth_bytes_per_person": (rss() - base) / max(n, 1),
            "note": "bytes_per_person: Dataset.memory_bytes() (every table, with the CSR offsets) / persons; "
            "persons_/events_bytes: the exported columns (no CSR offsets or children lists)",
        }
        return {**out, "runs": runs, "base_rss": base, "peak_rss": top, "peak_reset": ok}
    if task == "e2e":
        return famgraph_e2e(persons, out)
    ds = fg.Dataset.from_csv(data / "csv")
    if task == "relatives":

        def run_relatives() -> dict[str, int]:
            g = FamilyGraph(ds)
            return {r: len(g.pairs(r)) for r in RELATIONS}

        out["impl"] = "FamilyGraph(ds).pairs(relation)"
        numbers, runs, base, top, ok = timed(run_relatives, repeat)
    elif task == "structure":

        def run_structure() -> dict[str, int]:
            g = FamilyGraph(ds)
            gen = g.generation()
            return {
                "components": g.n_components,
                "largest_component": int(g.component().value_counts().max()),
                "max_generation": int(gen.max()),
                "sum_generation": int(gen.sum()),
            }

        out["impl"] = "FamilyGraph(ds): n_components, component(), generation()"
        numbers, runs, base, top, ok = timed(run_structure, repeat)
    elif task == "kinship":
        import pandas as pd

        from .kinship import summarise

        g0 = FamilyGraph(ds)
        pairs = pd.concat([g0.pairs(r) for r in RELATIONS], ignore_index=True)
        del g0

        def run_kinship() -> dict[str, Any]:
            g = FamilyGraph(ds)
            f = g.inbreeding().to_numpy()
            phi = g.kinship_pairs(pairs).to_numpy()
            return summarise(f, phi)

        out["impl"] = "FamilyGraph(ds).inbreeding() + kinship_pairs(all sibling and first-cousin pairs)"
        numbers, runs, base, top, ok = timed(run_kinship, repeat)
    elif task in INDICATOR_TASKS:
        fn, label = famgraph_side.public_indicator(task)
        _, runs, base, top, ok = timed(lambda: fn(ds), repeat)
        out["impl"] = label
        numbers = famgraph_side.indicator_numbers(task, ds)
        if not label.startswith("famgraph._core"):
            core = famgraph_side.core_indicator(task)
            _, core_runs, _, _, _ = timed(lambda: core(ds._core), repeat)
            out["core_wall_s"] = min(core_runs)
    elif task == "report":
        rep = famgraph_side.report_function()
        if rep is None:
            return {"status": "not available", "note": "famgraph.report does not exist in this version"}
        with tempfile.TemporaryDirectory() as tmp:
            _, runs, base, top, ok = timed(lambda: rep(ds, str(Path(tmp) / "report.html")), repeat)
            out["report_bytes"] = (Path(tmp) / "report.html").stat().st_size
        out["impl"] = famgraph_side.report_label() + "(ds, path)"
        numbers = {}
    else:
        raise ValueError(f"famgraph has no task {task!r}")
    return {**out, "numbers": numbers, "runs": runs, "base_rss": base, "peak_rss": top, "peak_reset": ok}


def famgraph_e2e(persons: int, out: dict[str, Any]) -> dict[str, Any]:
    """generate → every indicator → report, in one process; peak = VmHWM of the whole process."""
    import famgraph as fg

    from . import famgraph_side

    phases: dict[str, float] = {}
    t_all = time.perf_counter()

    def note(phase: str) -> None:
        # progress on stderr: the driver keeps its tail when it has to stop this process
        print(
            f"e2e: {phase} done after {time.perf_counter() - t_all:.1f} s, "
            f"RSS {rss() / 2**30:.2f} GiB, peak {peak() / 2**30:.2f} GiB",
            file=sys.stderr,
            flush=True,
        )

    t = time.perf_counter()
    ds = fg.synth.generate(persons=persons, seed=1, progress=False)
    phases["generate_s"] = time.perf_counter() - t
    note("generate")
    suite, label = famgraph_side.suite_function()
    t = time.perf_counter()
    results = suite(ds)
    phases["indicators_s"] = time.perf_counter() - t
    note("indicators")
    rep = famgraph_side.report_function()
    if rep is not None:
        import inspect

        # the report reuses the computed results when it can (what a user would do)
        reuse = label == "famgraph.indicators.suite" and "results" in inspect.signature(rep).parameters
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            if reuse:
                rep(ds, str(Path(tmp) / "report.html"), results=results)
            else:
                rep(ds, str(Path(tmp) / "report.html"))
            phases["report_s"] = time.perf_counter() - t
        note("report")
        out["report_reused_results"] = reuse
    total = time.perf_counter() - t_all
    out.update(
        {
            "impl": f"fg.synth.generate → {label} → "
            + (famgraph_side.report_label() if rep else "(fg.report not available)"),
            "phases": phases,
            "report": "done" if rep else "not available",
            "numbers": {"persons": ds.n_persons},
            "runs": [total],
            "base_rss": 0,
            "peak_rss": peak(),
            "peak_reset": False,
        }
    )
    return out


# ---------------------------------------------------------------------------------- peers
def peer_task(tool: str, task: str, data: Path, repeat: int) -> dict[str, Any]:
    from . import indicators, kinship, relatives, tables

    out: dict[str, Any] = {}
    if task in ("load_csv", "load_parquet"):
        fmt = task.split("_")[1]

        def run() -> Any:
            t = tables.load(data / fmt, fmt)
            if tool == "networkx":
                return t, relatives.networkx_graph(t.persons)
            if tool == "igraph":
                return t, relatives.igraph_graph(t.persons)
            if tool == "networkit":
                return t, relatives.networkit_graph(t.persons)
            return t, None

        (t, graph), runs, base, top, ok = timed(run, repeat)
        n, rows = len(t.persons), len(t.events)
        mem = t.memory_bytes()
        out["impl"] = f"pd.read_{'csv' if fmt == 'csv' else 'parquet'} of the four tables + date parsing" + (
            "" if tool == "pandas" else f" + {tool} parent→child graph"
        )
        out["numbers"] = {
            "persons": n,
            "event_rows": rows,
            "incidents": int(t.events["incident_id"].nunique()),
        }
        out["memory"] = {
            "dataframes_bytes": sum(mem.values()),
            "bytes_per_person": sum(mem.values()) / max(n, 1),
            "persons_bytes_per_person": mem["persons"] / max(n, 1),
            "events_bytes_per_event_row": mem["events"] / max(rows, 1),
            "rss_growth_bytes_per_person": (rss() - base) / max(n, 1),
            "note": "DataFrame.memory_usage(deep=True) of the four tables"
            + ("" if graph is None else "; the graph is only in the RSS growth"),
        }
        return {**out, "runs": runs, "base_rss": base, "peak_rss": top, "peak_reset": ok}
    t = tables.load(data / "parquet", "parquet")
    if task == "relatives":
        out["impl"] = {
            "pandas": "self-merge of the (child, parent) table + groupby; cousins by two merges",
            "networkx": "nx.DiGraph + walks over pred/succ",
            "igraph": "igraph.Graph + walks over get_adjlist()",
            "networkit": "networkit.Graph + walks over iterInNeighbors/iterNeighbors",
        }[tool]
        numbers, runs, base, top, ok = timed(lambda: relatives.pair_counts(tool, t.persons), repeat)
    elif task == "structure":
        out["impl"] = {
            "pandas": "generation depth by repeated merges (no components)",
            "networkx": "weakly_connected_components + topological_sort",
            "igraph": "connected_components(weak) + topological_sorting",
            "networkit": "WeaklyConnectedComponents + graphtools.topologicalSort",
        }[tool]
        numbers, runs, base, top, ok = timed(lambda: relatives.structure(tool, t.persons), repeat)
    elif task == "kinship":
        import pandas as pd

        full, half = relatives.sibling_pairs(t.persons)
        cousins = relatives.first_cousin_pairs(t.persons, full)
        pairs = pd.concat([full, half, cousins], ignore_index=True)
        out["impl"] = {
            "pandas": "memoised recursive kinship (dict), F = φ(mother, father); φ of the pairs",
            "pednet": "pednet.kinship_matrix per family component (dense)",
            "inbreeding_calculator": "inbreeding_calculator.InbreedingCalculator (Wright's paths), F only",
        }[tool]
        numbers, runs, base, top, ok = timed(
            lambda: kinship.kinship_numbers(tool, t.persons, pairs["a"], pairs["b"]), repeat
        )
    elif task in INDICATOR_TASKS:
        out["impl"] = "pandas merges/groupby" + (" + networkx" if task == "chains" else "")
        numbers, runs, base, top, ok = timed(lambda: indicators.INDICATORS[task](t), repeat)
    else:
        raise ValueError(f"{tool} has no task {task!r}")
    return {**out, "numbers": numbers, "runs": runs, "base_rss": base, "peak_rss": top, "peak_reset": ok}


def versions(tool: str) -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    dist = {
        "famgraph": ["famgraph"],
        "pandas": ["pandas", "networkx"],
        "networkx": ["pandas", "networkx"],
        "igraph": ["pandas", "python-igraph", "igraph"],
        "networkit": ["pandas", "networkit"],
        "pednet": ["pandas", "pednet"],
        "inbreeding_calculator": ["pandas", "inbreeding-calculator"],
    }.get(tool, [])
    out = {}
    for d in dist:
        try:
            out[d] = version(d)
        except PackageNotFoundError:
            if d == "famgraph":  # the development install has no distribution metadata
                import famgraph

                out[d] = famgraph.__version__
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tool", required=True)
    ap.add_argument("--task", required=True, choices=sorted(TASK_TOOLS))
    ap.add_argument("--data", type=Path, help="folder with csv/ and parquet/ subfolders")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--persons", type=int, default=0, help="e2e only: persons to generate")
    args = ap.parse_args(argv)
    if args.tool not in TASK_TOOLS[args.task]:
        ap.error(
            f"--tool {args.tool} does not run --task {args.task} (tools: {', '.join(TASK_TOOLS[args.task])})"
        )
    try:
        if args.tool == "famgraph":
            res = famgraph_task(args.task, args.data, args.repeat, args.persons)
        else:
            res = peer_task(args.tool, args.task, args.data, args.repeat)
        res.setdefault("status", "ok")
    except MemoryError as e:
        res = {"status": "memory", "error": str(e) or "MemoryError"}
    except Exception as e:  # recorded in the results, not hidden
        res = {
            "status": "error",
            "error": f"{type(e).__name__}: {e}",
            "traceback": traceback.format_exc()[-3000:],
        }
    if "runs" in res:
        res["wall_s"] = min(res["runs"])
    res["versions"] = versions(args.tool)
    res["pid"] = os.getpid()
    sys.stdout.write(json.dumps(res) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
