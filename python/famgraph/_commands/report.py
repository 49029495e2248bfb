"""``famgraph report DIR -o report.html``: the self-contained HTML report of a dataset folder."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .._files import check_output_file, input_file
from ._shared import (
    add_dataset_arguments,
    add_disclosure_arguments,
    cell_key_of,
    load,
    report_quarantine,
    write_report,
)


def run(args: argparse.Namespace) -> int:
    ck = cell_key_of(args)  # a missing or unreadable secret stops the run before the data are read
    if args.from_json:
        # an input of the run from here on: -o naming it (or a link to it) is refused
        input_file(args.from_json, "the indicators JSON (famgraph indicators --json)")
    ds = load(args)
    check_output_file(args.out)  # before the work (and after the inputs are known)
    results: Any = None
    if args.from_json:
        from .. import indicators

        # The saved results, refused unless they are of these data with these options
        # (docs/report.md, "Reusing computed results").
        results = indicators.load_json(
            args.from_json,
            ds,
            window=args.window,
            min_cell=args.min_cell,
            disclosure=args.disclosure,
            cell_key=ck,
        )
    elif ck is not None:
        from .. import indicators

        results = indicators.suite(
            ds, window=args.window, min_cell=args.min_cell, disclosure="cell_key", cell_key=ck
        )
    out = write_report(ds, args, args.out, results)
    report_quarantine(ds, args, args.out)
    print(f"wrote the report to {out}", file=sys.stderr)
    print(out.resolve())
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser(
        "report",
        help="write one self-contained HTML report (data overview, quality, every indicator with plots)",
        description="Compute every indicator with disclosure control (or read them with --from) and write "
        "one self-contained HTML page (no network needed: images, style and text inline; no person ids).",
    )
    add_dataset_arguments(p)
    p.add_argument("-o", "--out", required=True, metavar="FILE", help="the HTML file to write (atomically)")
    p.add_argument("--lang", choices=["en", "nl"], default="en", help="language of the report (default en)")
    p.add_argument(
        "--window",
        help="START:END, ISO dates (YYYY, YYYY-MM or YYYY-MM-DD), both ends inclusive; "
        "default: first to last event date",
    )
    p.add_argument(
        "--min-cell",
        type=int,
        default=10,
        help="suppress counts below this (default 10); 0 turns disclosure control off (stamped on the page)",
    )
    add_disclosure_arguments(p)
    p.add_argument(
        "--from",
        dest="from_json",
        metavar="RESULTS",
        help="read the indicators from this JSON (famgraph indicators DIR --json RESULTS) instead of "
        "computing them; refused unless it was computed from these data with the same --window, "
        "--min-cell and disclosure options",
    )
    p.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        help="generation date printed on the page (default $SOURCE_DATE_EPOCH or today); fixes the bytes",
    )
    p.add_argument(
        "--allow-pedigree",
        action="store_true",
        help="also draw an example pedigree for real (non-synthetic) data: individual-level, not for "
        "publication",
    )
    p.set_defaults(fn=run)
