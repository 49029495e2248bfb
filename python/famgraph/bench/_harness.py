"""famgraph side by side with what a researcher would otherwise write, in one run on the same data.

For every size the synthetic population is generated once (``famgraph.synth.write``, CSV and
Parquet, in a temporary folder); then every task is measured for famgraph and for each peer, each
measurement in its own process (``famgraph.bench.peers.worker``) with a time limit and a memory
limit. A peer that runs out of time or memory is marked so at that size and skipped at larger
sizes. Wherever famgraph and a peer both ran, their numbers are compared (``agree`` and the
differing values). Results: ``--out``, by default ``benchmarks/results/bench-<date>.json`` in a
source checkout and ``famgraph-bench-<date>.json`` in the working folder otherwise (written
atomically after every size). Part of the installed package (``famgraph bench``,
``famgraph.bench.run``); the peers need ``pip install 'famgraph[bench]'``.

    famgraph bench --sizes 10k,100k --peers pandas,networkx
    python benchmarks/bench.py                               # 10k, 100k, 1M with peers (source checkout)
    python benchmarks/bench.py --sizes 10M,20M --peers none --merge results/bench-X.json

Tasks: load_csv, load_parquet (the four tables), relatives (full/half-sibling and first-cousin
pair counts), structure (components, generation depth), kinship (F of everyone + φ of every
sibling and first-cousin pair), the indicators victim_to_perpetrator, chains, recurrence_risk,
repeat_incidents, early_signalling, agency_overlap, report (famgraph.report when it exists), e2e
(famgraph only: generate → every indicator → report in one process).

Goals (reported as measured vs goal, hit or miss — never tests): ≥ 50× faster than
pandas + networkx at 1M persons with identical numbers; log-log slope ≤ 1.1 from 1M to 20M for
loading, kinship and the indicator suite; 20M end-to-end ≤ 2 min and ≤ 8 GB peak on 2 cores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ._machine import git_info, loadavg, log, machine
from .peers.worker import INDICATOR_TASKS, TASK_TOOLS

#: The source checkout this package runs from, if any (benchmarks/ next to python/famgraph/).
REPO = Path(__file__).resolve().parents[3]
BENCH_DIR = REPO / "benchmarks"

ALL_PEERS = ("pandas", "networkx", "igraph", "networkit", "pednet", "inbreeding_calculator")
TASKS = (
    "load_csv",
    "load_parquet",
    "relatives",
    "structure",
    "kinship",
    *INDICATOR_TASKS,
    "report",
    "e2e",
)
#: Tasks whose numbers must match key by key, a key missing on one side counting as 0.
UNION_TASKS = set(INDICATOR_TASKS)
STOPPING = ("timeout", "memory")
TOOL_LABELS = {
    "famgraph": "famgraph",
    "pandas": "pandas (+ networkx for graph walks)",
    "networkx": "networkx (+ pandas to read)",
    "igraph": "python-igraph (+ pandas to read)",
    "networkit": "NetworKit (+ pandas to read)",
    "pednet": "pednet (PyPI, dense kinship per family component)",
    "inbreeding_calculator": "inbreeding-calculator (PyPI, Wright's path method)",
}
KNOWN_DIFFERENCES = {
    "pednet": "pednet gives all children of a parent whose other parent is unknown one shared "
    "placeholder parent, so they become full siblings (φ = 1/4); famgraph and "
    "docs/spec/common_rules.md §relations treat each unknown parent as a distinct founder (half "
    "siblings, φ = 1/8).",
}


def parse_size(text: str) -> int:
    """'10k' → 10000, '1M' → 1000000, '2500' → 2500."""
    t = text.strip().lower().replace("_", "").replace(",", "")
    mult = 1
    if t.endswith("k"):
        mult, t = 1_000, t[:-1]
    elif t.endswith("m"):
        mult, t = 1_000_000, t[:-1]
    try:
        value = float(t) * mult
    except ValueError:
        raise ValueError(f"size {text!r}: expected a number with an optional k or M suffix") from None
    if value < 1 or value != int(value):
        raise ValueError(f"size {text!r}: expected a whole number of persons ≥ 1")
    return int(value)


def size_label(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1_000 and n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


def parse_peers(text: str) -> list[str]:
    if text.strip().lower() in ("", "none"):
        return []
    names = [p.strip() for p in text.split(",") if p.strip()]
    bad = [p for p in names if p not in ALL_PEERS]
    if bad:
        raise ValueError(f"--peers: unknown {', '.join(bad)} (allowed: {', '.join(ALL_PEERS)}, or none)")
    return names


def compiler() -> str | None:
    for cache in sorted(REPO.glob("build/python-*/CMakeCache.txt")):
        fields = {}
        for line in cache.read_text().splitlines():
            for key in ("CMAKE_CXX_COMPILER:", "CMAKE_BUILD_TYPE:", "CMAKE_CXX_FLAGS_RELEASE:"):
                if line.startswith(key):
                    fields[key.rstrip(":")] = line.split("=", 1)[1]
        cxx = fields.get("CMAKE_CXX_COMPILER")
        version = None
        if cxx:
            try:
                version = subprocess.run(
                    [cxx, "--version"], capture_output=True, text=True
                ).stdout.splitlines()[0]
            except (OSError, IndexError):
                version = None
        return f"{version or cxx} ({fields.get('CMAKE_BUILD_TYPE')}, {fields.get('CMAKE_CXX_FLAGS_RELEASE')})"
    return None


def available_memory() -> int:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def default_out() -> Path:
    """benchmarks/results/bench-<date>.json in a source checkout, else ./famgraph-bench-<date>.json."""
    name = f"bench-{dt.date.today().isoformat()}.json"
    if (BENCH_DIR / "results").is_dir():
        return BENCH_DIR / "results" / name
    return Path.cwd() / f"famgraph-{name}"


# ------------------------------------------------------------------------------------ running
def snapshot_code(dest: Path) -> dict[str, Any]:
    """Private copies of the famgraph package (with its compiled module) and of the peers, so that
    rebuilds or edits in the shared tree during a long run do not change what is measured."""
    import hashlib
    import importlib.util

    spec = importlib.util.find_spec("famgraph")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("famgraph is not importable: install it first (pip install famgraph)")
    src = Path(next(iter(spec.submodule_search_locations))).resolve()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(src, dest / "famgraph", symlinks=False, ignore=ignore)
    # A wheel repaired by auditwheel keeps the libraries it vendored (oneTBB) beside the package,
    # found through the extension's RPATH $ORIGIN/../famgraph.libs: copied along.
    libs = src.parent / "famgraph.libs"
    if libs.is_dir():
        shutil.copytree(libs, dest / "famgraph.libs", symlinks=False)
    h = hashlib.sha256()
    files = sorted(p for p in (dest / "famgraph").rglob("*") if p.is_file())
    for p in files:
        h.update(str(p.relative_to(dest)).encode() + b"\0" + p.read_bytes() + b"\0")
    return {"famgraph_from": str(src), "famgraph_sha256": h.hexdigest(), "files": len(files)}


def run_worker(
    tool: str,
    task: str,
    data: Path | None,
    repeat: int,
    persons: int,
    timeout: float,
    mem_limit: int,
    code: Path,
) -> dict[str, Any]:
    """One measurement in a fresh process, stopped at `timeout` seconds or `mem_limit` bytes RSS."""
    import psutil

    cmd = [
        sys.executable,
        "-m",
        "famgraph.bench.peers.worker",
        "--tool",
        tool,
        "--task",
        task,
        "--repeat",
        str(repeat),
    ]
    if data is not None:
        cmd += ["--data", str(data)]
    if task == "e2e":
        cmd += ["--persons", str(persons)]
    env = dict(os.environ)
    env["PYTHONPATH"] = str(code) + os.pathsep + env.get("PYTHONPATH", "")
    la = loadavg()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=code, env=env, stdout=out, stderr=err, start_new_session=True)
        ps = psutil.Process(proc.pid)
        sampled = 0
        stopped = None
        while proc.poll() is None:
            try:
                sampled = max(sampled, ps.memory_info().rss)
            except psutil.Error:
                pass
            elapsed = time.perf_counter() - t0
            if elapsed > timeout:
                stopped = "timeout"
            elif sampled > mem_limit:
                stopped = "memory"
            if stopped:
                os.killpg(proc.pid, 9)
                proc.wait()
                break
            time.sleep(0.05 if elapsed < 2 else 0.25)
        wall = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    base = {"loadavg_start": la, "loadavg_end": loadavg(), "process_wall_s": round(wall, 3)}
    if stopped:
        base["stderr_tail"] = stderr[-1500:]
    if stopped == "timeout":
        return {**base, "status": "timeout", "note": f"stopped after {timeout:.0f} s"}
    if stopped == "memory":
        return {
            **base,
            "status": "memory",
            "note": f"stopped at {sampled / 2**30:.2f} GiB resident (limit {mem_limit / 2**30:.1f} GiB)",
        }
    lines = [ln for ln in stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {**base, "status": "error", "returncode": proc.returncode, "stderr": stderr[-3000:]}
    res: dict[str, Any] = json.loads(lines[-1])
    res.update(base)
    res["sampled_peak_rss"] = sampled
    return res


def compare(task: str, ref: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    """Exact comparison of two tools' numbers."""
    if task in UNION_TASKS:
        keys = sorted(set(ref) | set(other))
        diff = {
            k: {"famgraph": ref.get(k), "peer": other.get(k)}
            for k in keys
            if (ref.get(k) or 0) != (other.get(k) or 0)
        }
    else:
        keys = sorted(set(ref) & set(other))
        diff = {k: {"famgraph": ref[k], "peer": other[k]} for k in keys if ref[k] != other[k]}
    return {"agree": not diff, "compared": len(keys), "differences": diff}


def summarise_entry(res: dict[str, Any]) -> dict[str, Any]:
    out = {
        "status": res.get("status"),
        "wall_s": res.get("wall_s"),
        "runs_s": res.get("runs"),
        "peak_rss_bytes": res.get("peak_rss"),
        "rss_before_bytes": res.get("base_rss"),
        "peak_reset": res.get("peak_reset"),
        "sampled_peak_rss_bytes": res.get("sampled_peak_rss"),
        "impl": res.get("impl"),
        "numbers": res.get("numbers"),
        "versions": res.get("versions"),
        "loadavg_start": res.get("loadavg_start"),
        "loadavg_end": res.get("loadavg_end"),
        "process_wall_s": res.get("process_wall_s"),
    }
    for k in (
        "memory",
        "core_wall_s",
        "phases",
        "report_reused_results",
        "report",
        "report_bytes",
        "note",
        "error",
        "stderr",
        "stderr_tail",
        "traceback",
    ):
        if k in res:
            out[k] = res[k]
    return {k: v for k, v in out.items() if v is not None}


def ratio(a: float | None, b: float | None) -> float | None:
    if not a or not b:
        return None
    return round(a / b, 2)


def generate(n: int, seed: int, folder: Path, formats: list[str]) -> dict[str, Any]:
    import famgraph as fg

    info: dict[str, Any] = {}
    for fmt in formats:
        t = time.perf_counter()
        fg.synth.write(folder / fmt, n, seed, format=fmt, progress=False)  # type: ignore[arg-type]
        info[f"{fmt}_s"] = round(time.perf_counter() - t, 3)
        info[f"{fmt}_bytes"] = {p.name: p.stat().st_size for p in sorted((folder / fmt).iterdir())}
    return info


def write_json(path: Path, doc: dict[str, Any]) -> None:
    """Atomically, by famgraph's one writer (docs/cli.md, "Files")."""
    from famgraph import _files

    path.parent.mkdir(parents=True, exist_ok=True)
    _files.write_output(path, json.dumps(doc, indent=1, default=str) + "\n")


# ------------------------------------------------------------------------------------ goals
def slope(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of log(time) on log(size)."""
    pts = [(math.log(n), math.log(t)) for n, t in points if t and t > 0]
    if len(pts) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    return round(sum((x - mx) * (y - my) for x, y in pts) / sxx, 3) if sxx else None


def wall(doc: dict[str, Any], task: str, tool: str, n: int) -> float | None:
    e = doc["results"].get(task, {}).get(tool, {}).get(str(n))
    return e.get("wall_s") if e and e.get("status") == "ok" else None


def goals(doc: dict[str, Any]) -> dict[str, Any]:
    sizes = sorted(int(s) for s in doc["sizes"])
    out: dict[str, Any] = {}
    # 1. >= 50x faster than pandas + networkx at 1M, identical numbers.
    analysis = ["relatives", "structure", "kinship", *INDICATOR_TASKS]
    n = 1_000_000
    per_task = {}
    fg_total = peer_total = fg_counts_total = 0.0
    all_agree = True
    complete = True
    for task in analysis:
        f = wall(doc, task, "famgraph", n)
        fe = doc["results"].get(task, {}).get("famgraph", {}).get(str(n), {})
        f_counts = fe.get("core_wall_s", f) if f else None
        # the pandas + networkx peer: pandas where it has the task, networkx for graph structure
        peer_tool = "networkx" if task == "structure" else "pandas"
        p = wall(doc, task, peer_tool, n)
        entry = doc["results"].get(task, {}).get(peer_tool, {}).get(str(n), {})
        agree = entry.get("agreement", {}).get("agree")
        per_task[task] = {
            "peer": peer_tool,
            "famgraph_s": f,
            "peer_s": p,
            "peer_status": entry.get("status"),
            "ratio": ratio(p, f),
            "famgraph_counts_only_s": f_counts,
            "ratio_counts_only": ratio(p, f_counts),
            "agree": agree,
        }
        if f and p:
            fg_total += f
            fg_counts_total += f_counts or f
            peer_total += p
            all_agree = all_agree and bool(agree)
        else:
            complete = False
    measured = ratio(peer_total, fg_total)
    ratios = [v["ratio"] for v in per_task.values() if v["ratio"]]
    geo = round(math.exp(sum(math.log(r) for r in ratios) / len(ratios)), 2) if ratios else None
    counts_ratio = ratio(peer_total, fg_counts_total)

    def verdict_of(r: float | None) -> str:
        return "not measured" if r is None else ("hit" if r >= 50 and all_agree else "miss")

    out["speedup_vs_pandas_networkx_1M"] = {
        "goal": ">= 50x (sum of wall times of the analysis tasks) with identical numbers",
        "measured_total_ratio": measured,
        "measured_total_ratio_counts_only": counts_ratio,
        "famgraph_total_s": round(fg_total, 4),
        "famgraph_counts_only_total_s": round(fg_counts_total, 4),
        "peer_total_s": round(peer_total, 4),
        "geometric_mean_ratio": geo,
        "all_numbers_agree": all_agree,
        "complete": complete,
        "per_task": per_task,
        "verdict": verdict_of(counts_ratio),
        "verdict_public_api": verdict_of(measured),
        "note": "loading is excluded (pandas reads without validating; see load_csv/load_parquet). "
        "famgraph's time is its public API (fg.indicators.<name>: counts + statistics + disclosure "
        "control, recurrence_risk with 1,000 bootstrap replicates); the peers compute the counts only, "
        "so the counts-only ratio is the like-for-like one: 'verdict' uses it, 'verdict_public_api' "
        "the other.",
    }
    # 2. log-log slope <= 1.1 from 1M to 20M.
    big = [s for s in sizes if s >= 1_000_000]
    slopes: dict[str, Any] = {}
    for label, tasks in (
        ("load_csv", ["load_csv"]),
        ("kinship", ["kinship"]),
        ("indicator_suite", list(INDICATOR_TASKS)),
    ):
        pts = []
        for s in big:
            ts = [wall(doc, t, "famgraph", s) for t in tasks]
            if all(ts):
                pts.append((s, sum(t for t in ts if t)))
        sl = slope(pts)
        slopes[label] = {
            "points": {size_label(s): round(t, 4) for s, t in pts},
            "slope": sl,
            "goal": "<= 1.1",
            "verdict": "not measured"
            if sl is None or len(pts) < 2 or max(big, default=0) < 20_000_000
            else ("hit" if sl <= 1.1 else "miss"),
        }
        if sl is not None and max(big, default=0) < 20_000_000:
            slopes[label]["note"] = "20M not measured: slope over the sizes that were"
    out["scaling_slope_1M_20M"] = slopes
    # 3. 20M end to end.
    e = doc["results"].get("e2e", {}).get("famgraph", {}).get(str(20_000_000))
    if e and e.get("status") == "ok":
        w, p = e["wall_s"], e["peak_rss_bytes"] / 1e9
        out["e2e_20M"] = {
            "goal": "<= 120 s and <= 8 GB peak on 2 cores",
            "wall_s": round(w, 1),
            "peak_gb": round(p, 2),
            "phases": e.get("phases"),
            "report": e.get("report"),
            "verdict": "hit" if w <= 120 and p <= 8 else "miss",
        }
    elif e and e.get("status") in STOPPING:
        out["e2e_20M"] = {
            "goal": "<= 120 s and <= 8 GB peak on 2 cores",
            "status": e["status"],
            "note": e.get("note"),
            "progress": e.get("stderr_tail"),
            "verdict": "miss",
        }
    else:
        out["e2e_20M"] = {"goal": "<= 120 s and <= 8 GB peak on 2 cores", "verdict": "not measured"}
    return out


# ------------------------------------------------------------------------------------ main
def main(argv: list[str] | None = None) -> int:
    """The benchmark's command line (``famgraph bench``, ``benchmarks/bench.py``); returns 0.

    Example
    -------
    >>> from famgraph.bench import main
    >>> main(["--sizes", "10k", "--peers", "pandas", "--out", "bench.json"])   # doctest: +SKIP
    0
    """
    ap = argparse.ArgumentParser(
        prog="famgraph bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", default="10k,100k,1M", help="persons per population, e.g. 10k,100k,1M,10M,20M")
    ap.add_argument(
        "--peers", default=",".join(ALL_PEERS), help=f"comma list of {', '.join(ALL_PEERS)} or none"
    )
    ap.add_argument("--timeout", type=float, default=600.0, help="time limit per measurement, seconds")
    ap.add_argument("--out", type=Path, default=None, help="result JSON (default results/bench-<date>.json)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tasks", default=",".join(TASKS), help="comma list of tasks to run")
    ap.add_argument(
        "--repeat", type=int, default=3, help="runs per measurement at sizes <= --small (best is kept)"
    )
    ap.add_argument("--small", default="100k", help="largest size measured --repeat times (larger: once)")
    ap.add_argument("--peer-max-size", default="1M", help="peers are not run above this size")
    ap.add_argument("--parquet-max-size", default="20M", help="Parquet is not written/loaded above this size")
    ap.add_argument(
        "--memory-limit-gb",
        type=float,
        default=None,
        help="resident-memory limit per measurement (default: 8 GB or 70%% of available memory, the smaller)",
    )
    ap.add_argument(
        "--no-skip",
        action="store_true",
        help="measure even where a tool ran out of time or memory at a smaller size (with a larger limit)",
    )
    ap.add_argument(
        "--merge", type=Path, default=None, help="start from this result file and add/replace sizes"
    )
    ap.add_argument("--tmp", default=None, help="folder for the generated data (default: system temp)")
    args = ap.parse_args(argv)
    try:
        sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
        peers = parse_peers(args.peers)
        small, peer_max, parquet_max = (
            parse_size(x) for x in (args.small, args.peer_max_size, args.parquet_max_size)
        )
    except ValueError as e:
        ap.error(str(e))
    from .._extras import require

    # psutil watches every measurement's memory; the data are written as CSV and Parquet (pyarrow);
    # the pandas peer walks graphs with networkx
    require("bench", "psutil", "pyarrow", *(["networkx"] if peers else []), feature="famgraph bench")
    tasks = [t.strip() for t in args.tasks.split(",") if t.strip()]
    bad = [t for t in tasks if t not in TASKS]
    if bad:
        ap.error(f"--tasks: unknown {', '.join(bad)} (allowed: {', '.join(TASKS)})")
    if args.timeout <= 0:
        ap.error("--timeout must be > 0 seconds")
    mem_limit = int(
        args.memory_limit_gb * 1e9 if args.memory_limit_gb else min(8e9, 0.7 * (available_memory() or 8e9))
    )
    out_path = args.out or default_out()

    # Everything below uses private copies of famgraph and the peers (see snapshot_code).
    code = Path(tempfile.mkdtemp(prefix="famgraph-bench-code-", dir=args.tmp))
    snapshot = snapshot_code(code)
    sys.path.insert(0, str(code))
    import famgraph as fg

    if args.merge:
        doc = json.loads(args.merge.read_text())
    else:
        doc = {
            "benchmark": "famgraph bench (famgraph vs pandas, networkx, igraph, NetworKit, pedigree packages)"
        }
    started = dt.datetime.now().astimezone()
    doc.update(
        {
            "date": started.date().isoformat(),
            "machine": {
                **machine(),
                "compiler": compiler(),
                "memory_available_bytes_at_start": available_memory(),
            },
            "git": git_info(),
            "famgraph_version": fg.__version__,
            "tools": TOOL_LABELS,
            "known_differences": KNOWN_DIFFERENCES,
        }
    )
    doc.setdefault("runs", []).append(
        {
            "started": started.isoformat(timespec="seconds"),
            "argv": sys.argv[1:] if argv is None else argv,
            "sizes": sizes,
            "peers": peers,
            "timeout_s": args.timeout,
            "memory_limit_bytes": mem_limit,
            "loadavg_start": loadavg(),
            "cores": os.cpu_count(),
        }
    )
    doc.setdefault("results", {})
    doc.setdefault("data", {})
    doc["sizes"] = sorted({*(int(s) for s in doc.get("sizes", [])), *sizes})
    doc["notes"] = [
        "Every measurement runs in its own process; wall_s is the fastest of the runs (repeated only at "
        "small sizes); peak_rss_bytes is VmHWM of the timed part (reset after the data was loaded, so it "
        "includes the resident data), rss_before_bytes the resident memory before it.",
        "famgraph's numbers come from famgraph._core.indicators (exact counts); the timed call is recorded "
        "in 'impl' (fg.indicators.<name> once that package exists, with statistics and disclosure control).",
        "The machine is shared: the load average at the start and end of every measurement is recorded.",
        "Peers read Parquet for the analysis tasks; famgraph reads CSV (its faster loader).",
    ]
    doc["runs"][-1]["code_snapshot"] = snapshot
    stopped: dict[tuple[str, str], str] = {}
    for entry_task, by_tool in ({} if args.no_skip else doc["results"]).items():
        for tool, by_size in by_tool.items():
            for s, prev in by_size.items():
                if prev.get("status") in STOPPING and int(s) < min(sizes):
                    stopped[(entry_task, tool)] = f"{prev['status']} at {size_label(int(s))}"

    try:
        run_sizes(
            doc, args, sizes, tasks, peers, small, peer_max, parquet_max, mem_limit, code, stopped, out_path
        )
    finally:
        shutil.rmtree(code, ignore_errors=True)
    doc["runs"][-1]["loadavg_end"] = loadavg()
    doc["goals"] = goals(doc)
    write_json(out_path, doc)
    print(json.dumps(doc["goals"], indent=1))
    log(f"wrote {out_path}")
    return 0


def run_sizes(
    doc: dict[str, Any],
    args: argparse.Namespace,
    sizes: list[int],
    tasks: list[str],
    peers: list[str],
    small: int,
    peer_max: int,
    parquet_max: int,
    mem_limit: int,
    code: Path,
    stopped: dict[tuple[str, str], str],
    out_path: Path,
) -> None:
    for n in sizes:
        label = size_label(n)
        repeat = args.repeat if n <= small else 1
        formats = ["csv"] + (["parquet"] if n <= parquet_max else [])
        tmp = Path(tempfile.mkdtemp(prefix=f"famgraph-bench-{label}-", dir=args.tmp))
        try:
            need_data = any(t != "e2e" for t in tasks)
            if need_data:
                log(f"{label}: generating ({', '.join(formats)}) in {tmp}")
                doc["data"][str(n)] = generate(n, args.seed, tmp, formats)
            for task in tasks:
                tools = [t for t in TASK_TOOLS[task] if t == "famgraph" or (t in peers and n <= peer_max)]
                if task == "load_parquet" and "parquet" not in formats:
                    tools = []
                for tool in tools:
                    res_by_size = doc["results"].setdefault(task, {}).setdefault(tool, {})
                    if (task, tool) in stopped:
                        res_by_size[str(n)] = {"status": "skipped", "note": stopped[(task, tool)]}
                        log(f"{label} {task} {tool}: skipped ({stopped[(task, tool)]})")
                        continue
                    log(f"{label} {task} {tool} (load average {loadavg()})")
                    res = run_worker(
                        tool, task, tmp if need_data else None, repeat, n, args.timeout, mem_limit, code
                    )
                    entry = summarise_entry(res)
                    res_by_size[str(n)] = entry
                    log(f"{label} {task} {tool}: {entry['status']} {entry.get('wall_s', '')}")
                    if entry["status"] in STOPPING:
                        stopped[(task, tool)] = f"{entry['status']} at {label}"
                # agreement and ratios against famgraph at this size
                ref = doc["results"].get(task, {}).get("famgraph", {}).get(str(n))
                for tool in tools:
                    if tool == "famgraph":
                        continue
                    e = doc["results"][task][tool][str(n)]
                    if ref and ref.get("status") == "ok" and e.get("status") == "ok":
                        e["agreement"] = compare(task, ref.get("numbers") or {}, e.get("numbers") or {})
                        if tool in KNOWN_DIFFERENCES and not e["agreement"]["agree"]:
                            e["agreement"]["explanation"] = KNOWN_DIFFERENCES[tool]
                        e["ratio_to_famgraph"] = {
                            "wall": ratio(e.get("wall_s"), ref.get("wall_s")),
                            "wall_vs_counts_only": ratio(
                                e.get("wall_s"), ref.get("core_wall_s", ref.get("wall_s"))
                            ),
                            "peak_rss": ratio(e.get("peak_rss_bytes"), ref.get("peak_rss_bytes")),
                        }
                doc["goals"] = goals(doc)
                write_json(out_path, doc)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        log(f"{label}: done, wrote {out_path}")


if __name__ == "__main__":
    raise SystemExit(main())
