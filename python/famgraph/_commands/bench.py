"""``famgraph bench``: famgraph side by side with pandas, networkx, python-igraph and NetworKit.

Runs the benchmark driver ``benchmarks/bench.py`` of a source checkout (the benchmarks and their
peer implementations are not part of the installed package). Every option is passed on.

Example
-------
    famgraph bench --sizes 10k,100k --peers pandas,networkx --out results.json
"""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path
from types import ModuleType

#: benchmarks/bench.py relative to python/famgraph/_commands/ in a source checkout.
DRIVER = Path(__file__).resolve().parents[3] / "benchmarks" / "bench.py"
PEERS = ("pandas", "networkx", "igraph", "networkit", "pednet", "inbreeding_calculator")


def _driver(path: Path = DRIVER) -> ModuleType:
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: not found; `famgraph bench` needs a famgraph source checkout (benchmarks/bench.py), "
            "for example an editable install (scripts/dev_install.sh)"
        )
    spec = importlib.util.spec_from_file_location("famgraph_bench_driver", path)
    if spec is None or spec.loader is None:  # pragma: no cover - a .py file always has a loader
        raise FileNotFoundError(f"{path}: cannot be loaded")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def to_argv(args: argparse.Namespace) -> list[str]:
    """The driver's command line for the parsed ``famgraph bench`` options."""
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
    return int(_driver().main(to_argv(args)))


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds ``famgraph bench``."""
    p = subparsers.add_parser(
        "bench",
        help="benchmark famgraph against pandas/networkx/igraph/NetworKit on synthetic data",
        description="Generates synthetic populations once per size and measures famgraph and each peer "
        "(loading, relatives, kinship, indicators, report) in separate processes with a time limit; "
        "checks that the numbers agree; writes one JSON file.",
    )
    p.add_argument("--sizes", default="10k,100k,1M", help="persons per population (default 10k,100k,1M)")
    p.add_argument(
        "--out", type=Path, default=None, help="result JSON (default benchmarks/results/bench-<date>.json)"
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
