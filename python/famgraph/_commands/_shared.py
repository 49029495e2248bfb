"""Argument handling shared by the subcommands: the dataset folder and how to read it."""

from __future__ import annotations

import argparse
import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .._errors import shown
from .._files import input_file, input_folder, read_input, write_output
from ..dataset import MAX_YEAR, MIN_YEAR, Dataset

if TYPE_CHECKING:
    from ..cell_key import CellKey


def add_dataset_arguments(parser: argparse.ArgumentParser) -> None:
    """The positional dataset folder, ``--missing-parents`` and the loader options (docs/cli.md)."""
    parser.add_argument("dir", help="folder with persons.csv (or .parquet) and optional tables")
    parser.add_argument(
        "--missing-parents",
        choices=["strict", "add"],
        default="strict",
        help="parent ids not in persons: an error (strict) or new founders (add)",
    )
    add_loader_arguments(parser)


def add_loader_arguments(parser: argparse.ArgumentParser) -> None:
    """``--on-error``, ``--quarantine-file`` and the CSV dialect options."""
    g = parser.add_argument_group("reading the data (docs/data_formats.md, docs/data_quality.md)")
    g.add_argument(
        "--on-error",
        choices=["raise", "quarantine"],
        default="raise",
        help="invalid records: stop with every problem (raise, default) or set them aside and "
        "load the rest (quarantine; the set-aside records are written beside the outputs)",
    )
    g.add_argument(
        "--quarantine-file",
        metavar="FILE",
        help="write the quarantined records here (default: beside the output, <output>.quarantine.csv)",
    )
    g.add_argument(
        "--sep", help="CSV separator: ',' ';' '\\t' (or tab) '|' (default: detected from the header)"
    )
    g.add_argument("--encoding", default="utf-8", help="utf-8 (default), utf-8-sig, cp1252 or latin-1")
    g.add_argument(
        "--date-format",
        default="ISO",
        help="text dates: ISO (default), %%d-%%m-%%Y, %%d/%%m/%%Y or %%Y%%m%%d",
    )
    g.add_argument(
        "--map",
        action="append",
        metavar="HEADER=COLUMN",
        help="read the file column HEADER as the famgraph COLUMN (e.g. client_id=person_id; repeatable)",
    )
    g.add_argument(
        "--map-file",
        metavar="FILE",
        help="a file of HEADER=COLUMN lines (or HEADER,COLUMN; # starts a comment)",
    )
    g.add_argument(
        "--min-year", type=int, default=MIN_YEAR, help=f"earliest accepted year (default {MIN_YEAR})"
    )
    g.add_argument(
        "--max-year", type=int, default=MAX_YEAR, help=f"latest accepted year (default {MAX_YEAR})"
    )


def _pair(item: str, where: str) -> tuple[str, str]:
    for sep in ("=", ","):
        name, eq, value = item.partition(sep)
        if eq and name.strip() and value.strip():
            return name.strip(), value.strip()
    raise ValueError(f"{where}: {shown(item)!r} (expected HEADER=COLUMN, e.g. client_id=person_id)")


def column_mapping(args: argparse.Namespace) -> dict[str, str]:
    """The ``--map-file`` lines, then the ``--map`` options (which win)."""
    out: dict[str, str] = {}
    map_file = getattr(args, "map_file", None)
    if map_file:
        text = read_input(map_file, "a column mapping file").decode("utf-8-sig")
        for k, line in enumerate(text.splitlines(), start=1):
            line = line.split("#", 1)[0].strip()
            if line:
                header, column = _pair(line, f"{shown(map_file, 300)}:{k}")
                out[header] = column
    for item in getattr(args, "map", None) or []:
        header, column = _pair(item, "--map")
        out[header] = column
    return out


def loader_options(args: argparse.Namespace) -> dict[str, Any]:
    """Keyword arguments of the Dataset loaders from the command line."""
    sep = getattr(args, "sep", None)
    if sep is not None and sep.lower() in ("tab", "\\t"):
        sep = "\t"
    return {
        "on_error": getattr(args, "on_error", "raise"),
        "min_year": getattr(args, "min_year", MIN_YEAR),
        "max_year": getattr(args, "max_year", MAX_YEAR),
        "date_format": getattr(args, "date_format", "ISO"),
        "columns": column_mapping(args),
        "sep": sep,
        "encoding": getattr(args, "encoding", "utf-8"),
    }


def remember_truth(folder: str | Path) -> None:
    """A synthetic folder's truth.json belongs to the dataset (the planted values a validation
    reads): it is remembered as an input of the run, so that no output of the run replaces it."""
    truth = Path(folder) / "truth.json"
    if os.path.lexists(truth):
        with contextlib.suppress(OSError):
            input_file(truth, "the generator's truth.json")


def load_folder(
    folder: str | Path,
    missing_parents: Literal["strict", "add"] = "strict",
    **options: Any,
) -> Dataset:
    """A dataset folder: CSV, or Parquet when only that exists (a broken ``persons.csv`` link
    counts as CSV, and is reported)."""
    folder = input_folder(folder, "a dataset folder holding persons.csv or persons.parquet")
    remember_truth(folder)
    if any(folder.glob("*.parquet")) and not os.path.lexists(folder / "persons.csv"):
        for csv_only in ("sep", "encoding"):
            options.pop(csv_only, None)
        return Dataset.from_parquet(folder, missing_parents=missing_parents, **options)
    return Dataset.from_csv(folder, missing_parents=missing_parents, **options)


def load(args: argparse.Namespace) -> Dataset:
    """The dataset named by :func:`add_dataset_arguments`."""
    return load_folder(args.dir, args.missing_parents, **loader_options(args))


def quarantine_path(args: argparse.Namespace, output: str | Path | None) -> Path | None:
    """Where the quarantine goes: ``--quarantine-file``, else ``<output>.quarantine.csv``."""
    given = getattr(args, "quarantine_file", None)
    if given:
        return Path(given)
    if output is None:
        return None
    out = Path(output)
    return out.with_name(out.stem + ".quarantine.csv")


def report_quarantine(ds: Dataset, args: argparse.Namespace, output: str | Path | None) -> None:
    """Under ``--on-error quarantine``: the counts by rule on stderr, and the records written
    atomically to :func:`quarantine_path` (when there is one)."""
    import sys

    if getattr(args, "on_error", "raise") != "quarantine":
        return
    counts = ds.quarantine_counts
    total = sum(counts.values())
    print(f"quarantined {total} records" + (":" if total else ""), file=sys.stderr)
    for rule, n in sorted(counts.items()):
        print(f"  {rule:<32} {n}", file=sys.stderr)
    path = quarantine_path(args, output)
    if path is None:
        if total:
            print("  (pass --quarantine-file FILE to write them)", file=sys.stderr)
        return
    write_output(path, ds.quarantine.to_csv(index=False))
    print(f"wrote the quarantined records to {path}", file=sys.stderr)


def add_disclosure_arguments(parser: argparse.ArgumentParser) -> None:
    """``--disclosure``, the secret of the cell key method and its scope."""
    parser.add_argument(
        "--disclosure",
        choices=["suppression", "cell_key"],
        default="suppression",
        help="suppression (default): exact counts, those below --min-cell suppressed; cell_key: every "
        "count perturbed by the cell key method first (docs/disclosure.md), needs --key-file or --key-env",
    )
    key = parser.add_mutually_exclusive_group()
    key.add_argument(
        "--key-file",
        metavar="F",
        help="file holding the secret of the cell key method (at least 16 bytes; its own secret, not "
        "the pseudonymisation key)",
    )
    key.add_argument("--key-env", metavar="VAR", help="environment variable holding that secret")
    parser.add_argument(
        "--cell-key-scope",
        choices=["data", "records"],
        default="data",
        help="data (default): fresh noise whenever the data or options change; records: the same "
        "noise for the same records in every run (docs/disclosure.md, 'The two scopes')",
    )


def cell_key_of(args: argparse.Namespace) -> CellKey | None:
    """The CellKey of ``--disclosure cell_key`` (None otherwise); a usage error names the option."""
    from ..cell_key import CellKey
    from ..privacy import Key

    given = args.key_file is not None or args.key_env is not None
    if args.disclosure != "cell_key":
        if given:
            raise ValueError(
                "--key-file/--key-env is the secret of --disclosure cell_key; it was not asked for"
            )
        return None
    if not given:
        raise ValueError("--disclosure cell_key needs its secret: --key-file F or --key-env VAR")
    key = Key.from_file(args.key_file) if args.key_file is not None else Key.from_env(args.key_env)
    return CellKey(key, scope=args.cell_key_scope)


def write_report(ds: Dataset, args: argparse.Namespace, path: str | Path, results: Any) -> Path:
    """The HTML report of ``famgraph report`` and ``famgraph indicators --report``: the command's
    ``--lang``, ``--window``, ``--min-cell``, ``--allow-pedigree`` and ``--date``, with ``results``
    computed or read once (``None``: the report computes them)."""
    from ..report import report

    return report(
        ds,
        Path(path),
        lang=args.lang,
        window=args.window,
        min_cell=args.min_cell,
        results=results,
        pedigree=True if args.allow_pedigree else None,
        date=args.date,
    )
