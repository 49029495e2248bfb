#!/usr/bin/env python3
# fuzz-seeds: tests/fixtures/ped
"""Fuzz harness (atheris) for the PED reader, famgraph.formats.ped.

The first byte of an input chooses the options (missing_parents strict/add, strict_sex on/off);
the rest is the PED file. The only exception allowed from reading is :class:`famgraph.DataError`
(a ``ValueError``). When the file is read, the pedigree is written back with its ids and extra
columns and read again: the second read must succeed and give the same pedigree, as sets of
(family, id, father, mother, sex, extra columns). Anything else — another exception, a broken
round trip, a hang (``-timeout``) — is a finding.

Run (see docs/pedigree_formats.md)::

    tests/fuzz/run_python_fuzz.sh 600 tests/fuzz/fuzz_ped.py
    .venv/bin/python tests/fuzz/fuzz_ped.py -max_total_time=600 -timeout=30 CORPUS tests/fixtures/ped
    .venv/bin/python tests/fuzz/fuzz_ped.py CRASH_FILE       # replay a finding
"""

from __future__ import annotations

import os
import sys
import tempfile

import atheris
import pandas as pd

with atheris.instrument_imports(include=["famgraph"]):
    import famgraph.formats.ped as ped
    from famgraph import DataError

_DIR = tempfile.mkdtemp(prefix="famgraph-fuzz-ped-")
_IN = os.path.join(_DIR, "input.ped")
_OUT = os.path.join(_DIR, "output.ped")


def _pedigree(r: ped.ImportResult, skip_extra: set[tuple[str, str]]) -> set[tuple[str, ...]]:
    """The pedigree as a set of (family, id, father, mother, sex, extra...) in file terms.

    Parents added by ``missing_parents="add"`` are written back as founder lines whose extra
    columns hold the missing-value code: their extra columns (``skip_extra``) are not compared.
    """
    name = dict(zip(r.ids["person_id"], r.ids["id"], strict=True))
    family = dict(zip(r.ids["person_id"], r.ids["family"], strict=True))
    extra = {int(row[0]): tuple(str(v) for v in row[1:]) for row in r.extra.itertuples(index=False)}
    out: set[tuple[str, ...]] = set()
    for pid, sex, mother, father in r.dataset.persons[
        ["person_id", "sex", "mother_id", "father_id"]
    ].itertuples(index=False):
        f = "0" if pd.isna(father) else name[int(father)]
        m = "0" if pd.isna(mother) else name[int(mother)]
        key = (family[pid], name[pid])
        more = () if key in skip_extra else extra.get(int(pid), ())
        out.add((*key, f, m, str(sex), *more))
    return out


def test_one_input(data: bytes) -> None:
    if not data:
        return
    options = {
        "missing_parents": "add" if data[0] & 1 else "strict",
        "strict_sex": not data[0] & 2,
        "max_errors": 1 + data[0] % 7,
    }
    with open(_IN, "wb") as f:
        f.write(data[1:])
    try:
        first = ped.read_full(_IN, **options)  # type: ignore[arg-type]
    except DataError as e:
        assert e.errors, "DataError without errors"
        for issue in e.errors:
            assert issue.file == _IN and issue.line >= 0, issue
        return
    ped.write(first.dataset, _OUT, ids=first.ids, extra=first.extra)
    second = ped.read_full(_OUT, **options)  # type: ignore[arg-type]
    added = {(f, i) for f, i, a in first.ids[["family", "id", "added"]].itertuples(index=False) if a}
    assert _pedigree(first, added) == _pedigree(second, added), "PED round trip changed the pedigree"
    assert first.dataset.n_persons == second.dataset.n_persons


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
