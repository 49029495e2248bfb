"""``famgraph convert IN OUT --from ped|gedcom|famgraph --to ped|gedcom|famgraph``."""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

import pandas as pd

from ..dataset import Dataset
from ..formats import ImportResult, gedcom, ped, write_atomic

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
    if Path(args.input).is_dir() and not (Path(args.input) / "persons.csv").exists():
        return Dataset.from_parquet(args.input, missing_parents=args.missing_parents)
    return Dataset.from_csv(args.input, missing_parents=args.missing_parents)


def _write_csv(frame: pd.DataFrame, path: str) -> None:
    write_atomic(path, frame.to_csv(index=False))


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except (IsADirectoryError, NotADirectoryError, PermissionError) as e:
        raise ValueError(str(e)) from None


def _run(args: argparse.Namespace) -> int:
    out = Path(args.output)
    if out.exists() and not args.force:
        raise FileExistsError(f"{out}: already exists (use --force to replace it)")
    if args.extra_out and args.source != "ped":
        raise ValueError("--extra-out: only PED input has extra columns")
    if args.ids and args.target not in ("ped", "gedcom"):
        raise ValueError("--ids: only for --to ped or --to gedcom")
    got = _read(args)
    ds = got.dataset if isinstance(got, ImportResult) else got
    ids = pd.read_csv(args.ids, dtype={"family": str, "id": str, "xref": str}) if args.ids else None
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
        tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            ds.to_csv(tmp)
            if out.exists():
                shutil.rmtree(out) if out.is_dir() else out.unlink()
            os.replace(tmp, out)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
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
