"""The alternatives a user would pick instead of famgraph, measured the same way.

Each subcommand runs one peer in its own process (run_foundation.py starts it with a time limit)
and prints one JSON object on stdout:

  pandas_read DATA_DIR VARIANT     read persons.csv with pandas; VARIANT is
                                   c          pd.read_csv(path)  (dates stay strings)
                                   c_dates    the same + pd.to_datetime(format="ISO8601") of both
                                              date columns (what a careful user does)
                                   pyarrow    pd.read_csv(path, engine="pyarrow",
                                              dtype_backend="pyarrow")
  networkx_relatives DATA_DIR      nx.DiGraph of parent->child links; full/half siblings via pandas
                                   groupby/merge; grandparent and first-cousin pairs via networkx
  python_kinship DATA_DIR PAIRS    pure-Python kinship recursion with memoisation over the pairs
                                   in PAIRS (CSV id_a,id_b,relation,phi written by
                                   famgraph_bench_core --dump-pairs) and agreement with famgraph

Memory: peak RSS of the process (getrusage) and the RSS growth over the baseline after imports.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path


def rss_now() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def pandas_read(data_dir: str, variant: str) -> dict:
    import pandas as pd

    path = Path(data_dir) / "persons.csv"
    base = rss_now()
    t0 = time.perf_counter()
    if variant == "pyarrow":
        df = pd.read_csv(path, engine="pyarrow", dtype_backend="pyarrow")
    else:
        df = pd.read_csv(path)
    t_read = time.perf_counter() - t0
    t_dates = 0.0
    if variant == "c_dates":
        t1 = time.perf_counter()
        for col in ("birth_date", "exit_date"):
            df[col] = pd.to_datetime(df[col], format="ISO8601")
        t_dates = time.perf_counter() - t1
    wall = time.perf_counter() - t0
    rss_after = rss_now()
    n = len(df)
    deep = int(df.memory_usage(deep=True).sum())
    return {
        "peer": f"pandas read_csv ({variant})",
        "pandas": pd.__version__,
        "persons": n,
        "wall_s": round(wall, 4),
        "read_s": round(t_read, 4),
        "to_datetime_s": round(t_dates, 4),
        "rss_delta_bytes_per_person": (rss_after - base) / max(n, 1),
        "memory_usage_deep_bytes_per_person": deep / max(n, 1),
        "peak_rss_bytes": peak_rss(),
        "baseline_rss_bytes": base,
        "peak_rss_delta_bytes": peak_rss() - base,
        "peak_rss_delta_bytes_per_person": (peak_rss() - base) / max(n, 1),
        "dtypes": {c: str(t) for c, t in df.dtypes.items()},
    }


def networkx_relatives(data_dir: str) -> dict:
    import networkx as nx
    import pandas as pd

    out: dict = {"peer": "networkx + pandas groupby relatives", "networkx": nx.__version__}
    base = rss_now()
    t = time.perf_counter()
    df = pd.read_csv(Path(data_dir) / "persons.csv", usecols=["person_id", "mother_id", "father_id"])
    df["mother_id"] = df["mother_id"].astype("Int64")
    df["father_id"] = df["father_id"].astype("Int64")
    out["read_s"] = round(time.perf_counter() - t, 4)
    out["persons"] = len(df)

    t = time.perf_counter()
    G = nx.DiGraph()
    G.add_nodes_from(df["person_id"].tolist())
    for col in ("mother_id", "father_id"):
        known = df[df[col].notna()]
        G.add_edges_from(zip(known[col].astype("int64").tolist(), known["person_id"].tolist(), strict=True))
    out["graph_build_s"] = round(time.perf_counter() - t, 4)
    out["graph_rss_delta_bytes_per_person"] = (rss_now() - base) / max(len(df), 1)

    rel: dict = {}
    # Full siblings: both parents known and the same -> groupby on the parent pair.
    t = time.perf_counter()
    both = df.dropna(subset=["mother_id", "father_id"])
    groups = both.groupby(["mother_id", "father_id"])["person_id"].apply(list)
    full_pairs = []
    for kids in groups:
        kids = sorted(kids)
        for a in range(len(kids)):
            for b in range(a + 1, len(kids)):
                full_pairs.append((kids[a], kids[b]))
    rel["full_sibling"] = {"wall_s": round(time.perf_counter() - t, 4), "pairs": len(full_pairs)}

    # Half siblings: exactly one recorded parent in common (self-merge on each parent column).
    t = time.perf_counter()
    shared = []
    for col in ("mother_id", "father_id"):
        k = df.loc[df[col].notna(), ["person_id", col]]
        m = k.merge(k, on=col, suffixes=("_a", "_b"))
        m = m[m["person_id_a"] < m["person_id_b"]]
        shared.append(set(zip(m["person_id_a"].tolist(), m["person_id_b"].tolist(), strict=True)))
    half = shared[0] ^ shared[1]
    rel["half_sibling"] = {"wall_s": round(time.perf_counter() - t, 4), "pairs": len(half)}

    # Grandparents: predecessors of predecessors (ordered (person, grandparent) pairs).
    t = time.perf_counter()
    n_gp = 0
    for v in G.nodes:
        gps = set()
        for p in G.predecessors(v):
            gps.update(G.predecessors(p))
        n_gp += len(gps)
    rel["grandparent"] = {"wall_s": round(time.perf_counter() - t, 4), "pairs": n_gp}

    # First cousins: children of a full sibling of a parent (unordered pairs).
    t = time.perf_counter()
    sibs: dict = {}
    for a, b in full_pairs:
        sibs.setdefault(a, []).append(b)
        sibs.setdefault(b, []).append(a)
    n_fc = 0
    for v in G.nodes:
        cousins = set()
        for p in G.predecessors(v):
            for s in sibs.get(p, ()):
                cousins.update(G.successors(s))
        cousins.discard(v)
        n_fc += sum(1 for c in cousins if c > v)
    rel["first_cousin"] = {"wall_s": round(time.perf_counter() - t, 4), "pairs": n_fc}
    out["relations"] = rel
    out["peak_rss_bytes"] = peak_rss()
    return out


def python_kinship(data_dir: str, pairs_csv: str) -> dict:
    import pandas as pd

    sys.setrecursionlimit(100_000)
    t = time.perf_counter()
    df = pd.read_csv(
        Path(data_dir) / "persons.csv",
        usecols=["person_id", "birth_date", "mother_id", "father_id"],
        dtype={"birth_date": str},
    )
    ids = df["person_id"].tolist()
    mo = dict(zip(ids, (None if pd.isna(x) else int(x) for x in df["mother_id"]), strict=True))
    fa = dict(zip(ids, (None if pd.isna(x) else int(x) for x in df["father_id"]), strict=True))
    # Ancestors are born at least 12 years earlier, so ISO birth strings order them (YYYY sorts
    # before YYYY-MM-DD of the same year, and partial dates are >= 12 years from any relative).
    birth = dict(zip(ids, df["birth_date"].fillna("").tolist(), strict=True))
    pairs = pd.read_csv(pairs_csv)
    setup_s = time.perf_counter() - t

    memo: dict = {}

    def phi(a, b):
        if a is None or b is None:
            return 0.0
        if a == b:
            return 0.5 * (1.0 + phi(mo[a], fa[a]))
        key = (a, b) if a < b else (b, a)
        v = memo.get(key)
        if v is not None:
            return v
        if birth[a] < birth[b]:
            a, b = b, a  # expand the younger one: it cannot be an ancestor of the other
        v = 0.5 * (phi(mo[a], b) + phi(fa[a], b))
        memo[key] = v
        return v

    a_list = pairs["id_a"].tolist()
    b_list = pairs["id_b"].tolist()
    t = time.perf_counter()
    res = [phi(a, b) for a, b in zip(a_list, b_list, strict=True)]
    wall = time.perf_counter() - t
    ref = pairs["phi"].tolist()
    max_diff = max((abs(x - y) for x, y in zip(res, ref, strict=True)), default=0.0)
    n = len(res)
    return {
        "peer": "pure-Python kinship recursion with memoisation",
        "pairs_measured": n,
        "setup_s": round(setup_s, 4),
        "wall_s": round(wall, 4),
        "s_per_pair": wall / max(n, 1),
        "extrapolated_1m_pairs_s": wall / max(n, 1) * 1_000_000,
        "extrapolation_note": f"measured on {n} pairs, scaled linearly to 1,000,000 pairs",
        "memo_entries": len(memo),
        "max_abs_diff_vs_famgraph": max_diff,
        "peak_rss_bytes": peak_rss(),
    }


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    cmd = argv[1]
    if cmd == "pandas_read" and len(argv) == 4:
        res = pandas_read(argv[2], argv[3])
    elif cmd == "networkx_relatives" and len(argv) == 3:
        res = networkx_relatives(argv[2])
    elif cmd == "python_kinship" and len(argv) == 4:
        res = python_kinship(argv[2], argv[3])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    res["pid"] = os.getpid()
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
