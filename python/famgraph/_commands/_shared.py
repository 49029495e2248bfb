"""Argument handling shared by the subcommands."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Literal

from .._files import input_folder
from ..dataset import Dataset


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
