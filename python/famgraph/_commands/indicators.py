"""``famgraph indicators DIR``: every published indicator as one JSON document."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from .. import _files, indicators
from .._progress import terminal_progress
from ._shared import (
    add_dataset_arguments,
    add_disclosure_arguments,
    cell_key_of,
    load,
    report_quarantine,
    write_report,
)


def write_json_atomic(doc: Any, path: Path) -> Path:
    """Write JSON atomically (:func:`famgraph._files.write_output`)."""
    text = json.dumps(doc, indent=2, allow_nan=False, ensure_ascii=False) + "\n"
    return _files.write_output(path, text)


def run(args: argparse.Namespace) -> int:
    if not args.report:
        given = [
            o
            for o, v in (
                ("--lang", args.lang != "en"),
                ("--date", args.date),
                ("--allow-pedigree", args.allow_pedigree),
            )
            if v
        ]
        if given:
            raise ValueError(f"{given[0]} is an option of --report FILE, which was not given")
    ck = cell_key_of(args)  # a missing or unreadable secret stops the run before the data are read
    ds = load(args)
    if args.json:
        _files.check_output_file(args.json)  # before the work (and after the inputs are known)
    if args.report:
        from .._extras import require

        require("report", feature="famgraph indicators --report (the HTML report)")
        _files.check_output_file(args.report)
        if args.json and _same_file(args.json, args.report):
            raise _files.OutputPathError(f"--report {args.report}: the same file as --json {args.json}")
    include = args.only.split(",") if args.only else None
    bar = terminal_progress("indicators")

    def progress(name: str, i: int, n: int) -> None:
        if bar is not None:
            bar(i / n)

    results = indicators.suite(
        ds,
        window=args.window,
        min_cell=args.min_cell,
        level=args.level,
        n_boot=args.n_boot,
        n_sim=args.n_sim,
        seed=args.seed,
        include=include,
        progress=progress,
        disclosure="suppression" if ck is None else "cell_key",
        cell_key=ck,
    )
    if ck is not None and include is None:
        left = [n for n in indicators.NAMES if n not in results]
        print(
            "famgraph: note: --disclosure cell_key: left out (not yet available with the cell key "
            f"method): {', '.join(left)}",
            file=sys.stderr,
        )
    if bar is not None:
        bar(1.0)
    doc = indicators.to_json(results, dataset=ds)  # the dataset block with its fingerprint
    # The verdict first (docs/estimands.md): on stderr, so that stdout stays one JSON document.
    for name, r in results.items():
        if r.verdict is not None:
            print(f"{name}: {r.headline_text()}", file=sys.stderr)
    report_quarantine(ds, args, args.json or args.report)
    if args.json:
        out = write_json_atomic(doc, Path(args.json))
        print(f"wrote {len(results)} indicators to {out}", file=sys.stderr)
    else:
        json.dump(doc, sys.stdout, indent=2, allow_nan=False, ensure_ascii=False)
        sys.stdout.write("\n")
    if args.report:
        # The same results, not a second computation (issue 16): the page is the one
        # `famgraph report DIR --from` writes from the JSON above.
        page = write_report(ds, args, args.report, results)
        print(f"wrote the report to {page}", file=sys.stderr)
    return 0


def _same_file(a: str, b: str) -> bool:
    """Two output paths that name one file (the same path, or links to one existing file)."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def register(sub: Any) -> None:
    p = sub.add_parser(
        "indicators",
        help="compute every indicator (disclosure-controlled) and write one JSON document",
        description="Compute every published indicator of docs/spec/indicators.md with disclosure control "
        "and write them as one JSON document (layout: docs/indicators_json.md).",
    )
    add_dataset_arguments(p)
    p.add_argument(
        "--window",
        help="START:END, ISO dates (YYYY, YYYY-MM or YYYY-MM-DD), both ends inclusive; "
        "default: first to last event date",
    )
    p.add_argument(
        "--min-cell",
        type=int,
        default=10,
        help="suppress counts below this (default 10); 0 turns disclosure control off",
    )
    add_disclosure_arguments(p)
    p.add_argument("--level", type=float, default=0.95, help="confidence level (default 0.95)")
    p.add_argument("--n-boot", type=int, default=1000, help="bootstrap replicates for lambda_R (0: none)")
    p.add_argument("--n-sim", type=int, default=1000, help="permutations for the GIF test (0: none)")
    p.add_argument("--seed", type=int, default=1, help="seed of the bootstrap and permutations")
    p.add_argument("--only", help="comma-separated subset of: " + ", ".join(indicators.NAMES))
    p.add_argument("--json", metavar="OUT", help="write the JSON here (atomically) instead of to stdout")
    r = p.add_argument_group("the HTML report from the same results (docs/report.md)")
    r.add_argument(
        "--report",
        metavar="FILE",
        help="also write the self-contained HTML report of these results (atomically; no second computation)",
    )
    r.add_argument("--lang", choices=["en", "nl"], default="en", help="language of the report (default en)")
    r.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        help="generation date printed on the report (default $SOURCE_DATE_EPOCH or today)",
    )
    r.add_argument(
        "--allow-pedigree",
        action="store_true",
        help="also draw an example pedigree in the report for real (non-synthetic) data",
    )
    p.set_defaults(fn=run)
