"""The ``famgraph`` command line.

The core subcommands (validate, summary, synth, demo) live here; every other subcommand lives in
its own module under :mod:`famgraph._commands`, which has a ``register(subparsers)`` function
adding its parser (listed in :data:`COMMAND_MODULES`, in the order ``--help`` shows them).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import Any

from . import __version__
from ._commands._shared import add_dataset_arguments
from ._commands._shared import load as _load
from ._errors import DataError
from .dataset import Dataset

# Installed with the package; an editable development install reads it from the source tree.
EXAMPLE_DATA = Path(__file__).resolve().parent / "data" / "example"
if not EXAMPLE_DATA.is_dir():  # pragma: no cover - editable installs only
    EXAMPLE_DATA = Path(__file__).resolve().parents[2] / "examples" / "data"

#: Modules of famgraph._commands that add a subcommand each (``register(subparsers)``).
COMMAND_MODULES: tuple[str, ...] = ("indicators", "bench", "link", "convert", "scan", "report")


def _print_summary(ds: Dataset) -> None:
    s = ds.summary()
    roles = ", ".join(f"{r} {n}" for r, n in s["events_by_role"].items())
    print(
        f"persons              {s['persons']} (founders {s['founders']}, "
        f"added parents {s['added_parents']}, without birth date {s['without_birth_date']})"
    )
    print(f"generations          {s['generations']}")
    print(f"family components    {s['family_components']} (largest {s['largest_component']} persons)")
    print(f"partnerships         {s['partnerships']}")
    print(f"incidents            {s['incidents']} ({s['event_rows']} participant rows)")
    print(f"  by role            {roles}")
    print(
        f"contacts             {s['contacts']} with {s['organisations']} organisations "
        f"({', '.join(ds.organisations)})"
    )
    print(
        f"inbreeding           {s['inbred']} persons with F > 0; mean F {s['mean_inbreeding']:.6f}, "
        f"max F {s['max_inbreeding']:.6f}"
    )
    print(f"warnings             {s['warnings']}")
    for rule, n in sorted(ds.warning_counts.items()):
        print(f"  {rule:<28} {n}")


def cmd_validate(args: argparse.Namespace) -> int:
    ds = _load(args)
    print(
        f"{args.dir}: valid ({ds.n_persons} persons, {ds.n_incidents} incidents, "
        f"{sum(ds.warning_counts.values())} warnings)"
    )
    for w in ds._core.warnings:
        print(f"warning: {w}", file=sys.stderr)
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    _print_summary(_load(args))
    return 0


def _parse_sets(items: list[str]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for item in items:
        name, eq, value = item.partition("=")
        if not eq or not name:
            raise ValueError(f"--set {item!r}: expected name=value")
        if name.strip() in ("persons", "seed"):
            raise ValueError(f"--set {item!r}: use --{name.strip()} for this parameter")
        try:
            params[name.strip()] = float(value)
        except ValueError:
            raise ValueError(f"--set {item!r}: {value!r} is not a number") from None
    return params


def cmd_synth(args: argparse.Namespace) -> int:
    from . import synth

    params = _parse_sets(args.set or [])
    out = synth.write(args.out, args.persons, args.seed, format=args.format, threads=args.threads, **params)
    print(f"wrote {args.persons:,} persons to {out} ({args.format}, with truth.json)")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    # Synthetic population -> every indicator -> the HTML report (or a given folder instead of the
    # synthetic data). The report goes to $FAMGRAPH_DEMO_DIR (default build/demo) under the cwd.
    import os
    import time

    from . import indicators, synth
    from .report import report

    start = time.perf_counter()
    if args.data:
        folder = Path(args.data)
        print(f"famgraph {__version__} demo: loading {folder}")
        ds = Dataset.from_csv(folder)
        print("Note: descriptive counts for the holder of the data, not disclosure-controlled output.\n")
        _print_summary(ds)
        print()
    else:
        print(f"famgraph {__version__} demo: a synthetic population of 200,000 persons (seed 2024)")
        ds = synth.generate(persons=200_000, seed=2024)
        print(f"  {ds}")
    print("computing every indicator (disclosure control on, min_cell = 10) ...", flush=True)
    results = indicators.suite(ds)
    print("writing the HTML report ...", flush=True)
    out_dir = Path(os.environ.get("FAMGRAPH_DEMO_DIR", "build/demo"))
    out_dir.mkdir(parents=True, exist_ok=True)
    path = report(ds, out_dir / "report.html", results=results)
    print(f"done in {time.perf_counter() - start:.1f} s; open the report in a browser:")
    print(path.resolve())
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="famgraph", description="Intergenerational family-graph analytics.")
    p.add_argument("--version", action="version", version=f"famgraph {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    for name, fn, help_ in (
        ("validate", cmd_validate, "check a dataset folder against the data contract"),
        ("summary", cmd_summary, "print descriptive counts of a dataset folder"),
    ):
        s = sub.add_parser(name, help=help_)
        add_dataset_arguments(s)
        s.set_defaults(fn=fn)
    sy = sub.add_parser("synth", help="generate a synthetic population with planted truth")
    sy.add_argument("--persons", type=int, required=True, help="exact number of persons")
    sy.add_argument("--seed", type=int, default=1, help="random seed (same seed, same bytes)")
    sy.add_argument("--out", required=True, help="new output folder (must not exist)")
    sy.add_argument("--format", choices=["csv", "parquet"], default="csv")
    sy.add_argument(
        "--threads", type=int, default=0, help="worker threads (0 = all); never changes the output"
    )
    sy.add_argument(
        "--set",
        action="append",
        metavar="NAME=VALUE",
        help="override a model parameter (see famgraph.synth.parameters())",
    )
    sy.set_defaults(fn=cmd_synth)
    d = sub.add_parser(
        "demo",
        help="synthetic population of 200,000 persons -> every indicator -> HTML report (prints its path)",
    )
    d.add_argument("--data", help="another dataset folder to use instead of the bundled example")
    d.set_defaults(fn=cmd_demo)
    for name in COMMAND_MODULES:
        importlib.import_module(f"famgraph._commands.{name}").register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.fn(args))
    except DataError as e:
        print(str(e), file=sys.stderr)
        return 1
    except (FileNotFoundError, FileExistsError, ValueError, TypeError) as e:
        print(f"famgraph: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
