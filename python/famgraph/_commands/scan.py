"""``famgraph scan DIR... [--json OUT]``: the data-maturity scan of one or more dataset folders."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from .._files import check_output_file, write_output
from ..quality import read_folder, scan
from ._shared import remember_truth


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "scan",
        help="data-maturity scan: completeness, validity, linkability, timeliness, consistency",
        description=(
            "Scan dataset folders (famgraph CSV or Parquet layout, not yet validated) for data "
            "quality per organisation and table. Several folders: one organisation each (the "
            "folder name). One folder: organisations are the sources of its events and contacts. "
            "See docs/data_quality.md."
        ),
    )
    p.add_argument("dirs", nargs="+", metavar="DIR", help="dataset folder(s)")
    p.add_argument("--json", metavar="OUT", help="also write the report as JSON (atomically)")
    p.add_argument("--min-cell", type=int, default=10, help="disclosure control threshold (0 = off)")
    p.add_argument(
        "--by",
        choices=["folder", "source"],
        help="organisations: one per folder (default for several folders) or by source (default for one)",
    )
    p.add_argument("--timely-days", type=int, default=30, help="timely = recorded within this many days")
    p.set_defaults(fn=run)


def run(args: argparse.Namespace) -> int:
    by = args.by or ("folder" if len(args.dirs) > 1 else "source")
    if by == "source" and len(args.dirs) > 1:
        raise ValueError("--by source: give one folder (its events and contacts name the organisations)")
    data: Any
    if by == "source":
        remember_truth(args.dirs[0])
        data = read_folder(args.dirs[0])
    else:
        data = {}
        for d in args.dirs:
            name = Path(d).resolve().name
            if name in data:
                raise ValueError(f"two folders are named {name!r}: organisation names must differ")
            remember_truth(d)
            data[name] = read_folder(d)
    if args.json:
        check_output_file(args.json)  # before the work (and after the inputs are known)
    report = scan(data, min_cell=args.min_cell, timely_days=args.timely_days)
    print(report.summary())
    if args.json:
        write_output(args.json, json.dumps(report.to_dict(), indent=2, allow_nan=False) + "\n")
        print(f"\nwrote {args.json}")
    return 0
