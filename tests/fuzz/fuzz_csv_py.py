#!/usr/bin/env python3
# fuzz-seeds: tests/fuzz/corpus
"""Fuzz harness (atheris) for the Python CSV front: Dataset.from_csv on a temporary folder, and the
data-maturity scan of the same folder (famgraph.quality.read_folder + scan).

Input layout (as tests/fuzz/fuzz_csv.cpp): the first byte chooses the options (missing_parents
strict/add, min_cell 0/10); the rest is split on 0x1E into up to four parts, the texts of
persons.csv, partnerships.csv, events.csv and contacts.csv (an empty optional part: no file; an
input without a separator is the text of all four, as tests/fuzz/corpus holds). Only
``ValueError`` (``DataError`` is one) may escape. A dataset that loads must survive ``to_csv``
and load again unchanged; a scan must give a JSON-serialisable report without NaN. Anything else —
another exception, a broken invariant, a hang (``-timeout``) — is a finding.

Run (see docs/pedigree_formats.md)::

    tests/fuzz/run_python_fuzz.sh 600 tests/fuzz/fuzz_csv_py.py
    .venv/bin/python tests/fuzz/fuzz_csv_py.py CRASH_FILE       # replay a finding
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile

import atheris
import pandas as pd

with atheris.instrument_imports(include=["famgraph"]):
    from famgraph import DataError, Dataset
    from famgraph.quality import read_folder, scan

_ROOT = tempfile.mkdtemp(prefix="famgraph-fuzz-csvpy-")
_IN = os.path.join(_ROOT, "in")
_OUT = os.path.join(_ROOT, "out")
_TABLES = ("persons", "partnerships", "events", "contacts")


def _frames(ds: Dataset) -> list[pd.DataFrame]:
    return [getattr(ds, t) for t in _TABLES]


def test_one_input(data: bytes) -> None:
    if not data:
        return
    options, body = data[0], data[1:]
    parts = body.split(b"\x1e", 3)
    if len(parts) == 1:
        parts = parts * 4
    shutil.rmtree(_IN, ignore_errors=True)
    os.makedirs(_IN)
    for k, part in enumerate(parts):
        if k == 0 or part:
            with open(os.path.join(_IN, f"{_TABLES[k]}.csv"), "wb") as f:
                f.write(part)
    mode = "add" if options & 1 else "strict"
    try:
        ds = Dataset.from_csv(_IN, missing_parents=mode, max_errors=1 + options % 5)
    except DataError as e:
        assert e.errors, "DataError without errors"
        ds = None
    if ds is not None:
        shutil.rmtree(_OUT, ignore_errors=True)
        ds.to_csv(_OUT)
        again = Dataset.from_csv(_OUT)
        for a, b in zip(_frames(ds), _frames(again), strict=True):
            pd.testing.assert_frame_equal(
                a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False
            )
        assert ds.n_persons == again.n_persons and ds.n_events == again.n_events
    try:
        frames = read_folder(_IN)
        report = scan(frames, min_cell=10 if options & 2 else 0, max_errors=50)
    except ValueError:
        return
    json.dumps(report.to_dict(), allow_nan=False)
    report.summary()
    report._repr_html_()


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
