"""Time of the core's LP audit and repair on a problem of whole-output size (docs/disclosure.md,
"Audit and repair in the core"): 5,000 atoms, 2,000 published rows, 500 hidden counts.

The problem: atoms in a line (age by region by ..., flattened), true counts drawn so that many are
small; published and hidden numbers are sums over intervals of atoms of random length (1 to 60, so
that intervals nest and overlap like the bands and groupings of a report), each its own suppression
group; an interval whose count is below 10 is hidden (a target), the others are published until
there are 2,000 rows, and the grand total is published and may not be suppressed. Measured: wall time
of ``audit`` and of ``protect`` (fastest of ``--repeat``), with the counts the result reports.

    .venv/bin/python benchmarks/disclosure_audit_protect.py \
        --out benchmarks/results/disclosure_audit-DATE.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from pathlib import Path

import numpy as np

import famgraph as fg
from famgraph import _core
from famgraph.bench import _machine
from famgraph.bench._machine import loadavg, machine

REPO = Path(__file__).resolve().parents[1]


def problem(atoms: int, rows: int, targets: int, seed: int) -> _core.disclosure.AuditProblem:
    rng = np.random.default_rng(seed)
    truth = rng.geometric(0.25, atoms).astype(np.float64) - 1.0  # mean 3: many zeros and small counts
    cum = np.concatenate([[0.0], np.cumsum(truth)])
    pub: list[tuple[int, int]] = []
    hid: list[tuple[int, int]] = []
    seen: set[tuple[int, int]] = set()
    while len(pub) < rows - 1 or len(hid) < targets:
        length = int(np.exp(rng.uniform(0, np.log(60))))
        s = int(rng.integers(0, atoms - length + 1))
        if (s, s + length) in seen:
            continue
        v = cum[s + length] - cum[s]
        if v < 10 and len(hid) < targets:
            hid.append((s, s + length))
        elif v >= 10 and len(pub) < rows - 1:
            pub.append((s, s + length))
        else:
            continue
        seen.add((s, s + length))
    pub.append((0, atoms))  # the grand total

    def csr(iv: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        lens = np.array([e - s for s, e in iv], np.int64)
        indptr = np.concatenate([[0], np.cumsum(lens)]).astype(np.int64)
        idx = np.concatenate([np.arange(s, e, dtype=np.int64) for s, e in iv])
        return indptr, idx, np.ones(idx.size)

    ri, rj, rd = csr(pub)
    values = np.array([cum[e] - cum[s] for s, e in pub])
    ti, tj, td = csr(hid)
    suppressible = np.ones(len(pub), bool)
    suppressible[-1] = False
    return _core.disclosure.AuditProblem(
        truth=truth,
        row_indptr=ri,
        row_indices=rj,
        row_data=rd,
        lower=values,
        upper=values,
        row_group=np.arange(len(pub), dtype=np.int64),
        group_value=values,
        group_suppressible=suppressible,
        group_indptr=ri,
        group_indices=rj,
        group_data=rd,
        target_indptr=ti,
        target_indices=tj,
        target_data=td,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--atoms", type=int, default=5000)
    ap.add_argument("--rows", type=int, default=2000)
    ap.add_argument("--targets", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path)
    a = ap.parse_args()
    load_start = loadavg()
    p = problem(a.atoms, a.rows, a.targets, a.seed)
    audit_s, protect_s = [], []
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        au = _core.disclosure.audit(p, min_cell=10)
        audit_s.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        pr = _core.disclosure.protect(p, min_cell=10)
        protect_s.append(time.perf_counter() - t0)
    doc = {
        "benchmark": "disclosure_audit_protect",
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "git": _machine.git_info(REPO),
        "famgraph_version": fg.__version__,
        "machine": machine(),
        "loadavg_start": load_start,
        "loadavg_end": loadavg(),
        "problem": {
            "atoms": p.n_atoms,
            "rows": p.n_rows,
            "groups": p.n_groups,
            "targets": p.n_targets,
            "seed": a.seed,
        },
        "audit": {
            "seconds": {"best": min(audit_s), "runs": audit_s},
            "disclosed": au.disclosed,
            "lp_solves": au.lp_solves,
        },
        "protect": {
            "seconds": {"best": min(protect_s), "runs": protect_s},
            "groups_suppressed": len(pr.suppressed),
            "rounds": pr.rounds,
            "lp_solves": pr.lp_solves,
            "protected_all": pr.protected_all,
            "still_disclosed": len(pr.still_disclosed),
            "ms_per_lp": 1000 * min(protect_s) / pr.lp_solves,
        },
    }
    text = json.dumps(doc, indent=2)
    print(text)
    if a.out:
        a.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
