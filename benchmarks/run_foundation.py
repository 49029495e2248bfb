#!/usr/bin/env python3
"""Foundation benchmarks: generate 1M / 10M / 20M-person pedigrees, measure famgraph's core on each,
measure the alternatives a user would pick in the same run, and record everything in
benchmarks/results/foundation-<date>.json.

    .venv/bin/python benchmarks/run_foundation.py            # all sizes (~20-30 min, ~1.3 GB in /tmp)
    .venv/bin/python benchmarks/run_foundation.py --sizes 1000000 --repeat 1   # quick

Needs the release build (cmake --preset release && cmake --build --preset release; done for you
unless --no-build). Data goes to a temporary directory under /tmp and is deleted afterwards
(unless --keep-data). Targets (from the foundation issue) are reported as measured vs target, hit or
miss; they are measurements, not pass/fail tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from famgraph.bench import _machine
from famgraph.bench._machine import loadavg, log, machine

REPO = Path(__file__).resolve().parents[1]
BENCH_DIR = REPO / "benchmarks"
BUILD = REPO / "build" / "release" / "benchmarks"
PEERS = BENCH_DIR / "peers.py"

TARGETS = {
    "load_20m_wall_s": 20.0,
    "resident_bytes_per_person": 64.0,
    "inbreeding_10m_one_core_s": 10.0,
    "kinship_1m_pairs_s": 2.0,
}


def git_info() -> dict:
    """The commit of this checkout (the benchmarks' own, even when famgraph is installed elsewhere)."""
    return _machine.git_info(REPO)


def source_digest() -> dict:
    """SHA-256 over the library sources (include/, src/, CMakeLists.txt): identifies the code measured
    when there is no commit yet."""
    import hashlib

    h = hashlib.sha256()
    files = sorted(p for d in ("include", "src") for p in (REPO / d).rglob("*") if p.is_file())
    files.append(REPO / "CMakeLists.txt")
    for p in files:
        h.update(str(p.relative_to(REPO)).encode() + b"\0" + p.read_bytes() + b"\0")
    return {"sha256": h.hexdigest(), "files": len(files), "covers": "include/, src/, CMakeLists.txt"}


def versions() -> dict:
    out = {}
    for mod in ("numpy", "pandas", "pyarrow", "networkx"):
        try:
            out[mod] = __import__(mod).__version__
        except Exception:  # report whatever is missing
            out[mod] = None
    return out


def cmake_build_type() -> str | None:
    cache = REPO / "build" / "release" / "CMakeCache.txt"
    if cache.exists():
        for line in cache.read_text().splitlines():
            if line.startswith("CMAKE_BUILD_TYPE:"):
                return line.split("=", 1)[1]
    return None


def run_json(cmd: list[str], timeout: float, label: str) -> dict:
    """Runs cmd, parses the last stdout line as JSON. Stops it after `timeout` seconds."""
    log(f"{label}: {' '.join(cmd)}")
    t0 = time.perf_counter()
    la0 = loadavg()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.communicate()
        wall = time.perf_counter() - t0
        log(f"{label}: stopped after {wall:.0f} s")
        return {
            "status": f"stopped after {timeout:.0f} s (time limit)",
            "wall_s_at_stop": round(wall, 1),
            "loadavg_start": la0,
        }
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        log(f"{label}: failed rc={proc.returncode}: {err.strip()[-2000:]}")
        return {
            "status": "failed",
            "returncode": proc.returncode,
            "stderr": err.strip()[-4000:],
            "stdout": out.strip()[-4000:],
        }
    lines = [ln for ln in out.strip().splitlines() if ln.strip()]
    res = json.loads(lines[-1])
    res.setdefault("status", "ok")
    res["process_wall_s"] = round(wall, 3)
    res["loadavg_at_start"] = la0
    log(f"{label}: done in {wall:.1f} s")
    return res


def ratio(a, b):
    try:
        if a is None or b is None or b == 0:
            return None
        return round(a / b, 2)
    except TypeError:
        return None


def verdict(measured, target) -> str:
    if measured is None:
        return "not measured"
    return "hit" if measured <= target else "miss"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000000,10000000,20000000")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=2, help="runs per famgraph phase (fastest is reported)")
    ap.add_argument("--timeout", type=float, default=600.0, help="time limit per peer, seconds")
    ap.add_argument("--tmp", default="/tmp")
    ap.add_argument("--out", default=None, help="result file (default results/foundation-<date>.json)")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--keep-data", action="store_true")
    ap.add_argument(
        "--no-proto",
        action="store_true",
        help="skip the kinship-kernel prototype comparison (10M and larger)",
    )
    ap.add_argument(
        "--no-sparse-ids",
        action="store_true",
        help="skip the extra load of the largest size with hashed (sparse) ids",
    )
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    py = sys.executable

    if not args.no_build:
        log("building (cmake --preset release && cmake --build --preset release)")
        subprocess.run(["cmake", "--preset", "release"], cwd=REPO, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(
            [
                "cmake",
                "--build",
                "--preset",
                "release",
                "--target",
                "famgraph_benchgen",
                "famgraph_bench_core",
                "famgraph_kinship_proto",
            ],
            cwd=REPO,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    gen_bin, core_bin = BUILD / "famgraph_benchgen", BUILD / "famgraph_bench_core"
    proto_bin = BUILD / "famgraph_kinship_proto"
    for b in (gen_bin, core_bin, proto_bin):
        if not b.exists():
            sys.exit(f"{b} not found: build the release preset first")

    started = dt.datetime.now().astimezone()
    result: dict = {
        "benchmark": "famgraph foundation",
        "date": started.date().isoformat(),
        "started": started.isoformat(timespec="seconds"),
        "machine": machine(),
        "git": git_info(),
        "library_source_digest": source_digest(),
        "build": {"cmake_build_type": cmake_build_type(), "preset": "release"},
        "python_packages": versions(),
        "notes": [
            "networkx is not a famgraph dependency; it was pip-installed into .venv for this peer.",
            "The machine may be shared with other jobs: every phase lists wall and CPU time of each run, "
            "the load average at its start, and 'wall_s' is the fastest of --repeat runs.",
            "CSV files are read from the page cache (they were just written): the load figures are CPU "
            "and memory bound, not disk bound.",
            "pandas does not validate anything (famgraph checks ids, parents, dates, cycles, events); "
            "its figures are the cost of getting the table into memory only.",
        ],
        "parameters": {
            "sizes": sizes,
            "seed": args.seed,
            "repeat": args.repeat,
            "peer_time_limit_s": args.timeout,
        },
        "sizes": {},
    }
    out_path = Path(args.out) if args.out else BENCH_DIR / "results" / f"foundation-{result['date']}.json"
    out_path.parent.mkdir(parents=True, exist_ok=True)

    def save() -> None:
        out_path.write_text(json.dumps(result, indent=2) + "\n")

    tmp_root = Path(tempfile.mkdtemp(prefix="famgraph-bench-", dir=args.tmp))
    log(f"data under {tmp_root}")
    # Run private copies of the executables: the build tree may be rebuilt while this runs.
    (tmp_root / "bin").mkdir()
    gen_bin, core_bin, proto_bin = (
        Path(shutil.copy2(b, tmp_root / "bin" / b.name)) for b in (gen_bin, core_bin, proto_bin)
    )
    try:
        for n in sizes:
            key = f"{n // 1_000_000}M" if n % 1_000_000 == 0 else str(n)
            data = tmp_root / key
            entry: dict = {"persons": n}
            result["sizes"][key] = entry
            entry["generator"] = run_json(
                [str(gen_bin), str(n), str(args.seed), str(data)], 3600, f"{key} generate"
            )
            core_cmd = [str(core_bin), str(data), "--repeat", str(args.repeat)]
            pairs_csv = data / "pairs_10k.csv"
            if n <= 1_000_000:
                core_cmd += ["--dump-pairs", str(pairs_csv), "10000"]
            entry["famgraph"] = run_json(core_cmd, 4 * 3600, f"{key} famgraph_bench_core")
            save()
            peers: dict = {}
            for variant in ("c", "c_dates", "pyarrow"):
                peers[f"pandas_{variant}"] = run_json(
                    [py, str(PEERS), "pandas_read", str(data), variant],
                    args.timeout,
                    f"{key} pandas {variant}",
                )
            if n <= 1_000_000:
                peers["networkx_relatives"] = run_json(
                    [py, str(PEERS), "networkx_relatives", str(data)], args.timeout, f"{key} networkx"
                )
                if pairs_csv.exists():
                    peers["python_kinship"] = run_json(
                        [py, str(PEERS), "python_kinship", str(data), str(pairs_csv)],
                        args.timeout,
                        f"{key} python kinship",
                    )
            entry["peers"] = peers
            entry["comparison"] = compare(entry)
            save()
            if n >= 10_000_000 and not args.no_proto:
                # The kinship kernel proposed in README.md ("Hot spots"), against the library, same pairs.
                entry["kinship_kernel_prototype"] = run_json(
                    [str(proto_bin), str(data)], 3600, f"{key} kinship kernel prototype"
                )
                save()
            if n == max(sizes) and not args.no_sparse_ids:
                sdata = tmp_root / f"{key}-sparse"
                entry["sparse_ids"] = {
                    "note": "same model with ids spread over 1e9 + [0, 2^48) (hashed pseudonyms): the "
                    "loader's id lookup falls back from a direct table to binary search",
                    "generator": run_json(
                        [str(gen_bin), str(n), str(args.seed), str(sdata), "--sparse-ids"],
                        3600,
                        f"{key} generate sparse ids",
                    ),
                    "famgraph": run_json(
                        [
                            str(core_bin),
                            str(sdata),
                            "--pairs",
                            "0",
                            "--no-inbreeding",
                            "--no-relations",
                            "--no-persons-only",
                            "--repeat",
                            "1",
                        ],
                        3600,
                        f"{key} famgraph load, sparse ids",
                    ),
                }
                if not args.keep_data:
                    shutil.rmtree(sdata, ignore_errors=True)
                save()
            if not args.keep_data:
                shutil.rmtree(data, ignore_errors=True)
        result["targets"] = targets(result)
        result["finished"] = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        result["loadavg_end"] = loadavg()
        save()
    finally:
        if not args.keep_data:
            shutil.rmtree(tmp_root, ignore_errors=True)
    log(f"wrote {out_path}")
    print(json.dumps(result.get("targets", {}), indent=2))
    return 0


def g(d: dict, *path, default=None):
    for p in path:
        if not isinstance(d, dict) or p not in d:
            return default
        d = d[p]
    return d


def compare(entry: dict) -> dict:
    """Peer / famgraph ratios (> 1: famgraph is faster or smaller)."""
    fg = entry.get("famgraph", {})
    peers = entry.get("peers", {})
    po = fg.get("load_persons_only", {})
    fg_po_wall = g(po, "total_s")
    fg_po_peak = None
    if po:
        fg_po_peak = max(
            g(po, "parse", "peak_rss_bytes", default=0), g(po, "build", "peak_rss_bytes", default=0)
        ) - g(po, "parse", "rss_before_bytes", default=0)
    fg_person_bytes = g(fg, "load", "person_table_bytes_per_person")
    cmp: dict = {"convention": "ratio = peer / famgraph; > 1 means famgraph is faster / uses less memory"}
    for k, v in peers.items():
        if not k.startswith("pandas_"):
            continue
        if v.get("status") != "ok":
            cmp[k] = {"status": v.get("status")}
            continue
        cmp[k] = {
            "what": "persons.csv into memory: pandas vs famgraph persons-only load "
            "(parse + validate + build)",
            "peer_wall_s": v["wall_s"],
            "famgraph_wall_s": fg_po_wall,
            "time_ratio": ratio(v["wall_s"], fg_po_wall),
            "peer_resident_bytes_per_person": round(v["rss_delta_bytes_per_person"], 1),
            "famgraph_person_table_bytes_per_person": fg_person_bytes,
            "resident_memory_ratio": ratio(v["rss_delta_bytes_per_person"], fg_person_bytes),
            "peer_peak_rss_growth_bytes": v["peak_rss_delta_bytes"],
            "famgraph_peak_rss_growth_bytes": fg_po_peak,
            "peak_memory_ratio": ratio(v["peak_rss_delta_bytes"], fg_po_peak),
            "peak_note": "peak RSS during the load minus the RSS before it "
            "(interpreter and imports excluded)",
        }
    nx_ = peers.get("networkx_relatives")
    if nx_:
        if nx_.get("status") != "ok":
            cmp["networkx_relatives"] = {"status": nx_.get("status")}
        else:
            rel = {}
            for r, v in nx_["relations"].items():
                fr = g(fg, "relations", r, default={})
                rel[r] = {
                    "peer_wall_s": v["wall_s"],
                    "famgraph_wall_s": fr.get("wall_s"),
                    "time_ratio": ratio(v["wall_s"], fr.get("wall_s")),
                    "peer_pairs": v["pairs"],
                    "famgraph_pairs": fr.get("pairs"),
                    "same_count": v["pairs"] == fr.get("pairs"),
                }
            cmp["networkx_relatives"] = {
                "graph_build": {
                    "peer_wall_s": nx_["graph_build_s"],
                    "famgraph_wall_s": g(fg, "graph", "wall_s"),
                    "time_ratio": ratio(nx_["graph_build_s"], g(fg, "graph", "wall_s")),
                    "peer_graph_bytes_per_person": round(nx_["graph_rss_delta_bytes_per_person"], 1),
                    "famgraph_graph_bytes_per_person": g(fg, "graph", "bytes_per_person"),
                },
                "relations": rel,
            }
    pk = peers.get("python_kinship")
    if pk:
        if pk.get("status") != "ok":
            cmp["python_kinship"] = {"status": pk.get("status")}
        else:
            fk = g(fg, "kinship_pairs", "threads_1", "wall_s")
            cmp["python_kinship"] = {
                "what": "1,000,000 random related pairs; the peer is EXTRAPOLATED from 10,000 pairs",
                "peer_extrapolated_1m_s": round(pk["extrapolated_1m_pairs_s"], 2),
                "famgraph_1m_s_threads_1": fk,
                "time_ratio": ratio(pk["extrapolated_1m_pairs_s"], fk),
                "values_agree": pk["max_abs_diff_vs_famgraph"] < 1e-12,
                "max_abs_diff": pk["max_abs_diff_vs_famgraph"],
            }
    return cmp


def targets(result: dict) -> dict:
    sizes = result["sizes"]
    out: dict = {}
    s20 = sizes.get("20M", {}).get("famgraph", {})
    load_wall = g(s20, "load", "wall_s")
    out["load_20m_persons_csv"] = {
        "target": "load 20M persons from CSV <= 20 s",
        "measured_s": load_wall,
        "cpu_s": g(s20, "load", "cpu_s"),
        "target_s": TARGETS["load_20m_wall_s"],
        "verdict": verdict(load_wall, TARGETS["load_20m_wall_s"]),
        "includes": "persons.csv + events.csv (0.3 event rows per person), parse + validation + build",
        "persons_only_s": g(s20, "load_persons_only", "total_s"),
    }
    mb = g(s20, "load", "memory_bytes_per_person")
    pt = g(s20, "load", "person_table_bytes_per_person")
    rss = g(s20, "load", "rss_delta_bytes_per_person")
    rss_trim = g(s20, "load", "rss_delta_after_malloc_trim_bytes_per_person")
    out["resident_bytes_per_person_20m"] = {
        "target": "<= 64 bytes resident per person",
        "target_bytes": TARGETS["resident_bytes_per_person"],
        "memory_bytes_per_person_all_tables": mb,
        "person_table_bytes_per_person": pt,
        "event_table_bytes_per_event_row": g(s20, "load", "event_table_bytes_per_event_row"),
        "rss_delta_bytes_per_person": rss,
        "rss_delta_after_malloc_trim_bytes_per_person": rss_trim,
        "peak_rss_bytes_per_person_during_load": g(s20, "load", "peak_rss_bytes_per_person"),
        "verdict_data_model": verdict(mb, TARGETS["resident_bytes_per_person"]),
        "verdict_rss_after_load": verdict(rss, TARGETS["resident_bytes_per_person"]),
    }
    s10 = sizes.get("10M", {}).get("famgraph", {})
    inb = g(s10, "inbreeding", "threads_1", "wall_s")
    out["inbreeding_10m_one_core"] = {
        "target": "inbreeding of everyone, 10M-person pedigree, one core <= 10 s",
        "measured_s": inb,
        "cpu_s": g(s10, "inbreeding", "threads_1", "cpu_s"),
        "threads_2_s": g(s10, "inbreeding", "threads_2", "wall_s"),
        "target_s": TARGETS["inbreeding_10m_one_core_s"],
        "verdict": verdict(inb, TARGETS["inbreeding_10m_one_core_s"]),
    }
    kin = {}
    for key in ("1M", "10M", "20M"):
        f = sizes.get(key, {}).get("famgraph", {})
        if not f:
            continue
        t1 = g(f, "kinship_pairs", "threads_1", "wall_s")
        t2 = g(f, "kinship_pairs", "threads_2", "wall_s")
        kin[f"pedigree_{key}"] = {
            "threads_1_s": t1,
            "threads_2_s": t2,
            "first_call_threads_1_s": g(f, "kinship_pairs", "threads_1", "first_call", "wall_s"),
            "verdict_threads_1": verdict(t1, TARGETS["kinship_1m_pairs_s"]),
            "verdict_threads_2": verdict(t2, TARGETS["kinship_1m_pairs_s"]),
        }
    out["kinship_1m_related_pairs"] = {
        "target": "kinship of 1M random related pairs <= 2 s",
        "target_s": TARGETS["kinship_1m_pairs_s"],
        **kin,
    }
    return out


if __name__ == "__main__":
    sys.exit(main())
