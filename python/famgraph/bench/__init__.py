"""The side-by-side benchmark: famgraph against what a researcher would otherwise write (pandas +
networkx, python-igraph, NetworKit, pedigree packages from PyPI), on synthetic populations.

Part of the installed package: ``famgraph bench`` on the command line, :func:`run` from Python.
The peers are not famgraph dependencies: ``pip install 'famgraph[bench]'`` installs
networkx, psutil (the process monitor the harness needs) and pyarrow (the peers read Parquet);
python-igraph, NetworKit, pednet and inbreeding-calculator are used when installed. Every
measurement runs in its own process with a time and memory limit; wherever famgraph and a peer
both ran, their numbers are compared.
See docs/benchmarks.md.

Example
-------
>>> import famgraph as fg
>>> doc = fg.bench.run(sizes="10k", peers="pandas", out="bench.json")   # doctest: +SKIP
>>> doc["results"]["relatives"]["pandas"]["10000"]["agreement"]["agree"]   # doctest: +SKIP
True
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ._harness import ALL_PEERS, TASKS, main, parse_peers, parse_size

__all__ = ["PEERS", "TASKS", "main", "run"]

#: Peers the benchmark knows (each used when installed).
PEERS: tuple[str, ...] = ALL_PEERS


def run(
    sizes: str | list[int] = "10k",
    peers: str | list[str] = "pandas",
    *,
    out: str | os.PathLike[str] | None = None,
    tasks: str | list[str] | None = None,
    timeout: float = 600.0,
    seed: int = 1,
) -> dict[str, Any]:
    """Run the benchmark and return its result document (also written to ``out`` as JSON).

    Parameters
    ----------
    sizes
        Persons per synthetic population: ``"10k,100k"`` or a list of integers.
    peers
        Comma list or list of :data:`PEERS`, or ``"none"`` (famgraph only).
    out
        The result JSON (written atomically after every size); default
        ``benchmarks/results/bench-<date>.json`` in a source checkout, else
        ``./famgraph-bench-<date>.json``.
    tasks
        Subset of :data:`TASKS` (default: all).
    timeout
        Time limit per measurement, seconds.
    seed
        Seed of the synthetic populations.

    Example
    -------
    >>> import famgraph as fg
    >>> doc = fg.bench.run("2000", "none", tasks="relatives", out="b.json")   # doctest: +SKIP
    >>> doc["results"]["relatives"]["famgraph"]["2000"]["status"]              # doctest: +SKIP
    'ok'
    """
    # checked here so that a bad value is a ValueError, not the command line's exit
    size_text = sizes if isinstance(sizes, str) else ",".join(str(s) for s in sizes)
    for s in size_text.split(","):
        if s.strip():
            parse_size(s)
    peer_text = peers if isinstance(peers, str) else (",".join(peers) or "none")
    parse_peers(peer_text)
    if not timeout > 0:
        raise ValueError(f"timeout={timeout!r}: expected a number of seconds > 0")
    argv = ["--sizes", size_text, "--peers", peer_text, "--timeout", str(timeout), "--seed", str(seed)]
    if tasks is not None:
        argv += ["--tasks", tasks if isinstance(tasks, str) else ",".join(tasks)]
    out_path = Path(out) if out is not None else None
    if out_path is not None:
        argv += ["--out", str(out_path)]
    from ._harness import default_out

    target = out_path or default_out()
    code = main(argv)
    if code != 0:  # pragma: no cover - main raises or exits on every failure
        raise RuntimeError(f"the benchmark ended with status {code}")
    doc: dict[str, Any] = json.loads(target.read_text(encoding="utf-8"))
    return doc


def __dir__() -> list[str]:
    # tab completion shows the public API only, not the helper imports
    return sorted(__all__)
