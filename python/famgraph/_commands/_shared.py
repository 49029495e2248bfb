"""Argument handling shared by the subcommands."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .._files import input_folder
from ..dataset import Dataset

if TYPE_CHECKING:
    from ..cell_key import CellKey


def add_dataset_arguments(parser: argparse.ArgumentParser) -> None:
    """The positional dataset folder and ``--missing-parents``."""
    parser.add_argument("dir", help="folder with persons.csv (or .parquet) and optional tables")
    parser.add_argument(
        "--missing-parents",
        choices=["strict", "add"],
        default="strict",
        help="parent ids not in persons: an error (strict) or new founders (add)",
    )


def load_folder(folder: str | Path, missing_parents: Literal["strict", "add"] = "strict") -> Dataset:
    """A dataset folder: CSV, or Parquet when only that exists (a broken ``persons.csv`` link
    counts as CSV, and is reported)."""
    folder = input_folder(folder, "a dataset folder holding persons.csv or persons.parquet")
    if any(folder.glob("*.parquet")) and not os.path.lexists(folder / "persons.csv"):
        return Dataset.from_parquet(folder, missing_parents=missing_parents)
    return Dataset.from_csv(folder, missing_parents=missing_parents)


def load(args: argparse.Namespace) -> Dataset:
    """The dataset named by :func:`add_dataset_arguments`."""
    return load_folder(args.dir, args.missing_parents)


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
