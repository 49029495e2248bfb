"""``famgraph convert IN OUT --from ped|gedcom|famgraph --to ped|gedcom|famgraph``."""

from __future__ import annotations

import argparse
import errno
import io
import os
from pathlib import Path

import pandas as pd

from .. import _files
from .._errors import shown
from ..dataset import Dataset
from ..formats import ImportResult, gedcom, ped
from ._shared import load_folder

FORMATS = ("ped", "gedcom", "famgraph")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "convert",
        help="convert a pedigree between PED, GEDCOM and famgraph CSV",
        description=(
            "Convert a pedigree between PED/LINKAGE, GEDCOM 5.5.1 and a famgraph CSV folder. "
            "GEDCOM names are never imported; PED has no dates, partnerships, incidents or contacts "
            "(they are not written). See docs/pedigree_formats.md."
        ),
    )
    p.add_argument("input", help="input file (ped, gedcom) or folder (famgraph)")
    p.add_argument("output", help="output file (ped, gedcom) or new folder (famgraph)")
    p.add_argument("--from", dest="source", choices=FORMATS, required=True, help="input format")
    p.add_argument("--to", dest="target", choices=FORMATS, required=True, help="output format")
    p.add_argument(
        "--missing-parents",
        choices=["strict", "add"],
        default="strict",
        help="PED and famgraph input: parents not in the file are an error (strict) or new founders (add)",
    )
    p.add_argument(
        "--invalid-dates",
        choices=["error", "unknown"],
        default="error",
        help="GEDCOM input: a date that cannot be read is an error or unknown (counted)",
    )
    p.add_argument(
        "--ids-out",
        metavar="FILE",
        help="write the mapping of the input's identifiers to famgraph person_id as CSV "
        "(secure environment only: the identifiers of the source file)",
    )
    p.add_argument(
        "--extra-out", metavar="FILE", help="PED input: write columns 6, 7, ... (affection, ...) as CSV"
    )
    p.add_argument(
        "--ids",
        metavar="FILE",
        help="PED/GEDCOM output: a mapping CSV written by --ids-out, to restore the original identifiers",
    )
    p.add_argument("--force", action="store_true", help="replace OUTPUT if it exists")
    p.set_defaults(fn=run)


def _read(args: argparse.Namespace) -> ImportResult | Dataset:
    if args.source == "ped":
        return ped.read_full(args.input, missing_parents=args.missing_parents)
    if args.source == "gedcom":
        return gedcom.read_full(args.input, invalid_dates=args.invalid_dates)
    return load_folder(args.input, args.missing_parents)


def _write_csv(frame: pd.DataFrame, path: str) -> None:
    _files.write_output(path, frame.to_csv(index=False))


def _read_ids(path: str) -> pd.DataFrame:
    data = _files.read_input(path, "an identifier mapping CSV (--ids)")
    try:
        return pd.read_csv(io.BytesIO(data), dtype={"family": str, "id": str, "xref": str})
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as e:
        raise ValueError(f"--ids {path}: not a readable CSV file ({shown(e, 300)})") from None


def run(args: argparse.Namespace) -> int:
    out = Path(args.output)
    if os.path.lexists(out) and not args.force:
        raise FileExistsError(errno.EEXIST, f"{out}: already exists (use --force to replace it)")
    if args.extra_out and args.source != "ped":
        raise ValueError("--extra-out: only PED input has extra columns")
    if args.ids and args.target not in ("ped", "gedcom"):
        raise ValueError("--ids: only for --to ped or --to gedcom")
    got = _read(args)
    ds = got.dataset if isinstance(got, ImportResult) else got
    ids = _read_ids(args.ids) if args.ids else None
    extra = None
    if isinstance(got, ImportResult):
        if ids is None and args.target == args.source:
            ids = got.ids
        if args.source == "ped" and args.target == "ped":
            extra = got.extra
        if args.ids_out:
            _write_csv(got.ids, args.ids_out)
        if args.extra_out:
            _write_csv(got.extra, args.extra_out)
    elif args.ids_out:
        raise ValueError("--ids-out: famgraph input has no other identifiers")
    if args.target == "famgraph":
        with _files.output_folder(out, replace=args.force) as tmp:
            ds.to_csv(tmp)
    elif args.target == "ped":
        ped.write(ds, out, ids=ids, extra=extra)
    else:
        gedcom.write(ds, out, ids=ids)
    dropped = []
    if args.target == "ped":
        dropped = [
            f"{n} {what}"
            for n, what in (
                (ds.n_events, "event rows"),
                (len(ds.contacts), "contacts"),
                (len(ds.partnerships), "partnerships"),
            )
            if n
        ]
        if ds.persons["birth_date"].notna().any() or ds.persons["exit_date"].notna().any():
            dropped.append("birth and exit dates")
    elif args.target == "gedcom":
        dropped = [
            f"{n} {what}" for n, what in ((ds.n_events, "event rows"), (len(ds.contacts), "contacts")) if n
        ]
    print(
        f"converted {ds.n_persons} persons, {len(ds.partnerships)} partnerships from {args.source} "
        f"to {args.target}: {out}"
    )
    if isinstance(got, ImportResult) and got.counts:
        print("conversions: " + ", ".join(f"{k} {v}" for k, v in sorted(got.counts.items())))
    if dropped:
        print(f"not written ({args.target} has no place for them): " + ", ".join(dropped))
    return 0
