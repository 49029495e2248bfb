#!/usr/bin/env python3
# fuzz-seeds: tests/fixtures/gedcom
"""Fuzz harness (atheris) for the GEDCOM reader, famgraph.formats.gedcom.

The first byte of an input chooses the options (invalid_dates error/unknown, the error limit);
the rest is the GEDCOM file. The only exception allowed from reading is
:class:`famgraph.DataError` (a ``ValueError``). When the file is read, it is written back (with
its xrefs when they are valid GEDCOM xrefs) and read again: the second read must succeed and give
the same persons (sex, birth and exit dates, parents) and the same partnerships. Anything else —
another exception, a broken round trip, a hang (``-timeout``) — is a finding.

Run (see docs/pedigree_formats.md)::

    tests/fuzz/run_python_fuzz.sh 600 tests/fuzz/fuzz_gedcom.py
    .venv/bin/python tests/fuzz/fuzz_gedcom.py -max_total_time=600 -timeout=30 CORPUS tests/fixtures/gedcom
    .venv/bin/python tests/fuzz/fuzz_gedcom.py CRASH_FILE       # replay a finding
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections import Counter

import atheris
import pandas as pd

with atheris.instrument_imports(include=["famgraph"]):
    import famgraph.formats.gedcom as gedcom
    from famgraph import DataError

_DIR = tempfile.mkdtemp(prefix="famgraph-fuzz-gedcom-")
_IN = os.path.join(_DIR, "input.ged")
_OUT = os.path.join(_DIR, "output.ged")
_XREF = re.compile(r"@[^@\s#][^@\s]*@")


def _persons(ds: object) -> list[tuple[object, ...]]:
    p = ds.persons  # type: ignore[attr-defined]
    return [
        tuple(None if pd.isna(v) else v for v in row)
        for row in p[["person_id", "sex", "birth_date", "exit_date", "mother_id", "father_id"]].itertuples(
            index=False
        )
    ]


def _partnerships(ds: object) -> Counter[tuple[object, ...]]:
    q = ds.partnerships  # type: ignore[attr-defined]
    return Counter(
        (frozenset((int(a), int(b))), None if pd.isna(s) else s, None if pd.isna(e) else e)
        for a, b, s, e in q[["person_a", "person_b", "start_date", "end_date"]].itertuples(index=False)
    )


def test_one_input(data: bytes) -> None:
    if not data:
        return
    options = {
        "invalid_dates": "unknown" if data[0] & 1 else "error",
        "max_errors": 1 + data[0] % 7,
    }
    with open(_IN, "wb") as f:
        f.write(data[1:])
    try:
        first = gedcom.read_full(_IN, **options)  # type: ignore[arg-type]
    except DataError as e:
        assert e.errors, "DataError without errors"
        for issue in e.errors:
            assert issue.file == _IN and issue.line >= 0, issue
        return
    xrefs = first.ids["xref"].tolist()
    valid = all(_XREF.fullmatch(x) and len(x) <= 22 for x in xrefs)
    gedcom.write(first.dataset, _OUT, ids=first.ids if valid else None)
    second = gedcom.read_full(_OUT)
    if valid:
        assert second.ids["xref"].tolist() == xrefs, "xrefs not restored"
    assert _persons(first.dataset) == _persons(second.dataset), "GEDCOM round trip changed the persons"
    assert _partnerships(first.dataset) == _partnerships(second.dataset), "partnerships changed"
    third = gedcom.read_full(_OUT, person_ids="refn")
    assert _persons(third.dataset) == _persons(first.dataset), "REFN person ids not restored"


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
