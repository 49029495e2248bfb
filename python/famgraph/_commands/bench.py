"""``famgraph bench``: famgraph side by side with pandas, networkx, python-igraph and NetworKit.

Runs the benchmark harness of the installed package (:mod:`famgraph.bench`; the peers need
``pip install 'famgraph[bench]'``). Every option is passed on.

Example
-------
    famgraph bench --sizes 10k,100k --peers pandas,networkx --out results.json
"""

from __future__ import annotations

import argparse
from pathlib import Path

PEERS = ("pandas", "networkx", "igraph", "networkit", "pednet", "inbreeding_calculator")


def to_argv(args: argparse.Namespace) -> list[str]:
    """The harness's command line for the parsed ``famgraph bench`` options."""
    argv = ["--sizes", args.sizes, "--peers", args.peers, "--timeout", str(args.timeout)]
    if args.out:
        argv += ["--out", str(args.out)]
    if args.tasks:
        argv += ["--tasks", args.tasks]
    if args.merge:
        argv += ["--merge", str(args.merge)]
    return argv


def cmd_bench(args: argparse.Namespace) -> int:
    if args.timeout <= 0:
        raise ValueError(f"--timeout {args.timeout}: expected a number of seconds > 0")
    from ..bench import main

    return int(main(to_argv(args)))


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds ``famgraph bench``."""
    p = subparsers.add_parser(
        "bench",
        help="benchmark famgraph against pandas/networkx/igraph/NetworKit on synthetic data",
        description="Generates synthetic populations once per size and measures famgraph and each peer "
        "(loading, relatives, kinship, indicators, report) in separate processes with a time limit; "
        "checks that the numbers agree; writes one JSON file. The peers need "
        "pip install 'famgraph[bench]'.",
    )
    p.add_argument("--sizes", default="10k,100k,1M", help="persons per population (default 10k,100k,1M)")
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help="result JSON (default benchmarks/results/bench-<date>.json in a source checkout, "
        "else ./famgraph-bench-<date>.json)",
    )
    p.add_argument(
        "--peers",
        default=",".join(PEERS),
        help=f"comma list of {', '.join(PEERS)}, or none (default: all)",
    )
    p.add_argument("--timeout", type=float, default=600.0, help="time limit per measurement, seconds")
    p.add_argument("--tasks", default=None, help="comma list of tasks (default: all)")
    p.add_argument("--merge", type=Path, default=None, help="add the sizes to this earlier result file")
    p.set_defaults(fn=cmd_bench)
