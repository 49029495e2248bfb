"""Relatives and graph structure the way a researcher would compute them.

Definitions: docs/spec/common_rules.md §relations.

* full sibling: both parents known for both and the same two persons;
* half sibling: exactly one recorded parent in common;
* first cousin: a child of a full sibling of a parent (half cousins are not first cousins);
  a pair counts once however many paths lead to it.

Pair counts are unordered pairs. ``pandas_*`` uses merges and groupbys on the long (child, parent)
table; ``graph_pair_counts`` walks adjacency lists, which are taken from networkx, python-igraph or
NetworKit (the graph libraries build the parent→child graph; the walk is the same Python loop).
``structure`` gives the number of family components (parent–child links; partners not joined), the
largest component and the generation depth (longest parent→child path from a founder) with each
graph library's own algorithms.

Example
-------
>>> pandas_pair_counts(t.persons)                                 # doctest: +SKIP
{'full_sibling': 1210, 'half_sibling': 388, 'first_cousin': 2071}
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .tables import parent_links


# ----------------------------------------------------------------------------------- pandas
def sibling_pairs(persons: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Unordered full- and half-sibling pairs (columns ``a`` < ``b``) by a self-merge on the parent."""
    links = parent_links(persons)
    pairs = links.merge(links, on="parent", suffixes=("_a", "_b"))
    pairs = pairs[pairs["person_id_a"] < pairs["person_id_b"]]
    shared = pairs.groupby(["person_id_a", "person_id_b"]).size()
    full = shared[shared == 2].index.to_frame(index=False).set_axis(["a", "b"], axis=1)
    half = shared[shared == 1].index.to_frame(index=False).set_axis(["a", "b"], axis=1)
    return full, half


def both_ways(pairs: pd.DataFrame) -> pd.DataFrame:
    """Ordered pairs (``person_id``, ``relative``) from unordered ones."""
    return pd.concat(
        [
            pd.DataFrame({"person_id": pairs["a"], "relative": pairs["b"]}),
            pd.DataFrame({"person_id": pairs["b"], "relative": pairs["a"]}),
        ],
        ignore_index=True,
    )


def first_cousin_pairs(persons: pd.DataFrame, full: pd.DataFrame | None = None) -> pd.DataFrame:
    """Unordered first-cousin pairs (``a`` < ``b``): x's parent is a full sibling of y's parent."""
    links = parent_links(persons)
    if full is None:
        full, _ = sibling_pairs(persons)
    sibs = both_ways(full).rename(columns={"person_id": "p", "relative": "q"})
    x = links.merge(sibs, left_on="parent", right_on="p")[["person_id", "q"]]
    xy = x.merge(links, left_on="q", right_on="parent", suffixes=("_x", "_y"))
    out = pd.DataFrame({"a": xy["person_id_x"], "b": xy["person_id_y"]})
    return out[out["a"] < out["b"]].drop_duplicates(ignore_index=True)


def pandas_pair_counts(persons: pd.DataFrame) -> dict[str, int]:
    full, half = sibling_pairs(persons)
    cousins = first_cousin_pairs(persons, full)
    return {"full_sibling": len(full), "half_sibling": len(half), "first_cousin": len(cousins)}


def pandas_generation(persons: pd.DataFrame) -> pd.Series:
    """Generation depth by repeated merges: a child is one deeper than its deepest parent."""
    links = parent_links(persons)
    gen = pd.Series(0, index=persons["person_id"].to_numpy(), dtype="int64")
    while True:
        deeper = gen.reindex(links["parent"]).to_numpy() + 1
        new = pd.Series(deeper, index=links["person_id"].to_numpy()).groupby(level=0).max()
        cur = gen.reindex(new.index)
        changed = new[new > cur.to_numpy()]
        if changed.empty:
            return gen
        gen[changed.index] = changed


# ----------------------------------------------------------------------------------- graph walks
def graph_pair_counts(parents: Sequence[Sequence[int]], children: Sequence[Sequence[int]]) -> dict[str, int]:
    """Sibling and first-cousin pair counts from adjacency lists over dense vertex numbers."""
    n_full = n_half = 0
    full_sibs: list[list[int]] = [[] for _ in range(len(parents))]
    for v in range(len(parents)):
        pv = set(parents[v])
        seen: set[int] = set()
        for p in pv:
            for u in children[p]:
                if u == v or u in seen:
                    continue
                seen.add(u)
                common = len(pv.intersection(parents[u]))
                if common == 2:
                    full_sibs[v].append(u)
                    if u > v:
                        n_full += 1
                elif u > v:
                    n_half += 1
    n_cousin = 0
    for v in range(len(parents)):
        cousins: set[int] = set()
        for p in parents[v]:
            for s in full_sibs[p]:
                cousins.update(children[s])
        cousins.discard(v)
        n_cousin += sum(1 for c in cousins if c > v)
    return {"full_sibling": n_full, "half_sibling": n_half, "first_cousin": n_cousin}


def _edges(persons: pd.DataFrame) -> tuple[int, np.ndarray, np.ndarray]:
    """Dense vertex numbers (row order) and parent→child edges."""
    index = pd.Index(persons["person_id"])
    links = parent_links(persons)
    return len(persons), index.get_indexer(links["parent"]), index.get_indexer(links["person_id"])


def networkx_graph(persons: pd.DataFrame) -> Any:
    import networkx as nx

    n, src, dst = _edges(persons)
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
    return g


def igraph_graph(persons: pd.DataFrame) -> Any:
    import igraph as ig

    n, src, dst = _edges(persons)
    return ig.Graph(n=n, edges=np.column_stack([src, dst]).tolist(), directed=True)


def networkit_graph(persons: pd.DataFrame) -> Any:
    import networkit as nk

    n, src, dst = _edges(persons)
    g = nk.Graph(n, directed=True)
    g.addEdges((src.astype(np.uint64), dst.astype(np.uint64)))
    return g


def pair_counts(tool: str, persons: pd.DataFrame) -> dict[str, int]:
    """Relative-pair counts with graph library ``tool`` (networkx, igraph, networkit) or pandas."""
    if tool == "pandas":
        return pandas_pair_counts(persons)
    if tool == "networkx":
        g = networkx_graph(persons)
        n = g.number_of_nodes()
        return graph_pair_counts([list(g.pred[v]) for v in range(n)], [list(g.succ[v]) for v in range(n)])
    if tool == "igraph":
        g = igraph_graph(persons)
        return graph_pair_counts(g.get_adjlist(mode="in"), g.get_adjlist(mode="out"))
    if tool == "networkit":
        g = networkit_graph(persons)
        n = g.numberOfNodes()
        return graph_pair_counts(
            [list(g.iterInNeighbors(v)) for v in range(n)], [list(g.iterNeighbors(v)) for v in range(n)]
        )
    raise ValueError(f"tool={tool!r} (expected pandas, networkx, igraph or networkit)")


def _longest_from_founders(order: Sequence[int], parents: Sequence[Sequence[int]]) -> list[int]:
    gen = [0] * len(parents)
    for v in order:
        ps = parents[v]
        if ps:
            gen[v] = 1 + max(gen[p] for p in ps)
    return gen


def structure(tool: str, persons: pd.DataFrame) -> dict[str, int]:
    """Components, largest component, maximum and total generation depth."""
    if tool == "pandas":
        gen_s = pandas_generation(persons)
        return {"max_generation": int(gen_s.max()), "sum_generation": int(gen_s.sum())}
    if tool == "networkx":
        import networkx as nx

        g = networkx_graph(persons)
        comps = [len(c) for c in nx.weakly_connected_components(g)]
        gen = _longest_from_founders(list(nx.topological_sort(g)), [list(g.pred[v]) for v in g])
    elif tool == "igraph":
        g = igraph_graph(persons)
        cc = g.connected_components(mode="weak")
        comps = list(cc.sizes())
        gen = _longest_from_founders(g.topological_sorting(mode="out"), g.get_adjlist(mode="in"))
    elif tool == "networkit":
        import networkit as nk

        g = networkit_graph(persons)
        wcc = nk.components.WeaklyConnectedComponents(g)
        wcc.run()
        comps = list(wcc.getComponentSizes().values())
        order = nk.graphtools.topologicalSort(g)
        gen = _longest_from_founders(order, [list(g.iterInNeighbors(v)) for v in range(g.numberOfNodes())])
    else:
        raise ValueError(f"tool={tool!r} (expected pandas, networkx, igraph or networkit)")
    return {
        "components": len(comps),
        "largest_component": max(comps, default=0),
        "max_generation": max(gen, default=0),
        "sum_generation": int(sum(gen)),
    }
