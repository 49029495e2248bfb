"""Kinship φ and inbreeding F = φ(mother, father) as a researcher would compute them.

* ``pandas`` (the tool name in the benchmark): the textbook recursion (Malécot; the tabular
  method written recursively), memoised in a dict: φ(a, a) = ½(1 + φ(mother(a), father(a)));
  for a ≠ b expand the one in the later generation (it cannot be an ancestor of the other):
  φ(a, b) = ½(φ(mother(a), b) + φ(father(a), b)); an unknown parent contributes 0 (a distinct
  founder).
* ``pednet``: the PyPI package ``pednet`` (dense kinship matrix per pedigree), run per family
  component, since a dense n×n matrix of the whole population does not fit.
* ``inbreeding_calculator``: the PyPI package ``inbreeding-calculator`` (Wright's path method over
  a nested-dict pedigree).

:func:`kinship_numbers` returns exact summaries (number of inbred persons, ``math.fsum`` of F and
of φ over the given pairs, maxima) that the driver compares with famgraph's.

Example
-------
>>> kinship_numbers("pandas", t.persons, pairs["a"], pairs["b"])   # doctest: +SKIP
{'inbred': 0, 'sum_F': 0.0, 'max_F': 0.0, 'pairs': 17707, 'sum_phi': 2587.6875, 'max_phi': 0.25}
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from .relatives import pandas_generation

MEMORY_LIMIT_BYTES = 4 * 2**30


def _parent_indices(persons: pd.DataFrame) -> tuple[list[int], list[int]]:
    index = pd.Index(persons["person_id"])
    out = []
    for col in ("mother_id", "father_id"):
        ids = persons[col]
        idx = np.full(len(persons), -1, dtype=np.int64)
        known = ids.notna().to_numpy()
        idx[known] = index.get_indexer(ids[known].astype("int64"))
        out.append(idx.tolist())
    return out[0], out[1]


def kinship_function(persons: pd.DataFrame) -> Callable[[int, int], float]:
    """φ over row numbers of ``persons`` (−1 = unknown), memoised."""
    mother, father = _parent_indices(persons)
    gen = pandas_generation(persons).reindex(persons["person_id"]).to_numpy().tolist()
    n = len(mother)
    memo: dict[int, float] = {}
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))

    def phi(a: int, b: int) -> float:
        if a < 0 or b < 0:
            return 0.0
        if a == b:
            return 0.5 * (1.0 + phi(mother[a], father[a]))
        if gen[a] < gen[b] or (gen[a] == gen[b] and a < b):
            a, b = b, a
        key = a * n + b
        v = memo.get(key)
        if v is None:
            v = 0.5 * (phi(mother[a], b) + phi(father[a], b))
            memo[key] = v
        return v

    return phi


def _components(persons: pd.DataFrame) -> np.ndarray:
    import networkx as nx

    from .relatives import networkx_graph

    g = networkx_graph(persons)
    comp = np.empty(len(persons), dtype=np.int64)
    for k, c in enumerate(nx.weakly_connected_components(g)):
        comp[list(c)] = k
    return comp


def pednet_kinship(
    persons: pd.DataFrame, a_ids: pd.Series, b_ids: pd.Series, memory_limit: int = MEMORY_LIMIT_BYTES
) -> tuple[np.ndarray, np.ndarray]:
    """F of everyone and φ of the pairs (a_ids, b_ids) with ``pednet.kinship_matrix`` per family
    component (pednet builds a dense matrix per pedigree; pairs in different components have φ = 0)."""
    import pednet

    comp = _components(persons)
    sizes = np.bincount(comp)
    largest = int(sizes.max(initial=0))
    if largest * largest * 8 > memory_limit:
        raise MemoryError(
            f"pednet: the largest family component has {largest:,} persons; its dense kinship matrix "
            f"needs {largest * largest * 8 / 2**30:.1f} GiB (limit {memory_limit / 2**30:.1f} GiB)"
        )
    index = pd.Index(persons["person_id"])
    ia, ib = index.get_indexer(a_ids), index.get_indexer(b_ids)
    pairs = pd.DataFrame({"k": np.arange(len(ia)), "a": ia, "b": ib, "component": comp[ia]})
    pairs = pairs[comp[ia] == comp[ib]]
    pairs_by_comp = dict(tuple(pairs.groupby("component")))
    f = np.zeros(len(persons))
    phi = np.zeros(len(ia))
    sex_code = {"M": 1, "F": 2}
    df = persons.assign(component=comp, row=np.arange(len(persons)))
    for c, part in df[sizes[comp] > 1].groupby("component"):
        rows = [
            (
                str(pid),
                None if pd.isna(fa) else str(fa),
                None if pd.isna(mo) else str(mo),
                sex_code.get(str(sx), 0),
                0,
            )
            for pid, fa, mo, sx in zip(
                part["person_id"], part["father_id"], part["mother_id"], part["sex"], strict=True
            )
        ]
        ped = pednet.pedigree_from_rows(rows)
        ids, matrix = pednet.kinship_matrix(ped)
        pos = {pid: k for k, pid in enumerate(ids)}
        at = np.array([pos[str(pid)] for pid in part["person_id"]])
        both = (part["father_id"].notna() & part["mother_id"].notna()).to_numpy()
        fm = np.array([pos[str(x)] for x in part["father_id"][both].tolist()], dtype=np.int64)
        mm = np.array([pos[str(x)] for x in part["mother_id"][both].tolist()], dtype=np.int64)
        f[part["row"].to_numpy()[both]] = matrix[fm, mm]
        sel = pairs_by_comp.get(c)
        if sel is not None:
            local = pd.Series(at, index=part["row"].to_numpy())
            phi[sel["k"].to_numpy()] = matrix[local[sel["a"]].to_numpy(), local[sel["b"]].to_numpy()]
    return f, phi


def inbreeding_calculator(persons: pd.DataFrame) -> np.ndarray:
    """The ``inbreeding-calculator`` package: nested dicts {id, sire, dam}, parents built first."""
    from inbreeding_calculator import InbreedingCalculator

    gen = pandas_generation(persons).reindex(persons["person_id"]).to_numpy()
    mother, father = _parent_indices(persons)
    nodes: list[dict[str, Any]] = [{"id": int(pid)} for pid in persons["person_id"]]
    for v in np.argsort(gen, kind="stable").tolist():
        if father[v] >= 0:
            nodes[v]["sire"] = nodes[father[v]]
        if mother[v] >= 0:
            nodes[v]["dam"] = nodes[mother[v]]
    calc = InbreedingCalculator()
    out = np.empty(len(nodes))
    for k, node in enumerate(nodes):
        calc.pedigree = node
        out[k] = calc.get_coefficient()
    return out


def kinship_numbers(tool: str, persons: pd.DataFrame, a_ids: pd.Series, b_ids: pd.Series) -> dict[str, Any]:
    """F of everyone and φ of the given pairs with ``tool``; the numbers the driver compares."""
    if tool == "pandas":
        phi_fn = kinship_function(persons)
        mother, father = _parent_indices(persons)
        f = np.array([phi_fn(m, x) for m, x in zip(mother, father, strict=True)], dtype=np.float64)
        index = pd.Index(persons["person_id"])
        ia, ib = index.get_indexer(a_ids).tolist(), index.get_indexer(b_ids).tolist()
        phi: np.ndarray | None = np.array([phi_fn(x, y) for x, y in zip(ia, ib, strict=True)])
    elif tool == "pednet":
        f, phi = pednet_kinship(persons, a_ids, b_ids)
    elif tool == "inbreeding_calculator":
        f, phi = inbreeding_calculator(persons), None
    else:
        raise ValueError(f"tool={tool!r} (expected pandas, pednet or inbreeding_calculator)")
    return summarise(f, phi)


def summarise(f: np.ndarray, phi: np.ndarray | None) -> dict[str, Any]:
    """Exact summaries: math.fsum is correctly rounded, so equal values give equal sums."""
    import math

    out: dict[str, Any] = {
        "inbred": int((f > 0).sum()),
        "sum_F": math.fsum(f.tolist()),
        "max_F": float(f.max(initial=0.0)),
    }
    if phi is not None:
        out.update(
            {"pairs": len(phi), "sum_phi": math.fsum(phi.tolist()), "max_phi": float(phi.max(initial=0.0))}
        )
    return out
