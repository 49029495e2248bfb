#!/usr/bin/env python3
# fuzz-seeds: tests/fixtures/microdata
"""Fuzz harness for the CBS microdata loaders (famgraph.microdata).

Each input is one file: SPSS .sav bytes (when it starts with ``$FL2``/``$FL3``) or CSV bytes. It
is read as a child–parent table, as a person table, and as both at once, merged and validated
into a Dataset. The only exception allowed is :class:`famgraph.DataError`; anything else (or a
broken invariant of a successful load) is a finding.

With atheris (``pip install atheris``; coverage-guided, libFuzzer flags)::

    .venv/bin/python tests/fuzz/fuzz_microdata.py -max_total_time=600 CORPUS_DIR tests/fixtures/microdata

Without atheris (or with ``FAMGRAPH_FUZZ_PLAIN=1``) the same flags run a plain loop of random
mutations (bit flips, byte insertions and deletions, splices) of the seed files; a finding is
written to ``<artifact_prefix>crash-<sha1>`` and the exit status is 1.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

_SAV_PATH = ""  # a scratch file for .sav inputs (pyreadstat reads from a path), made on first use


def _sav_path() -> str:
    global _SAV_PATH
    if not _SAV_PATH:
        _SAV_PATH = os.path.join(tempfile.mkdtemp(prefix="famgraph-fuzz-sav-"), "input.sav")
    return _SAV_PATH


# Set by _import_famgraph(), inside atheris' instrumentation when fuzzing with coverage.
microdata: Any = None
DataError: Any = Exception


def _import_famgraph() -> None:
    global microdata, DataError
    from famgraph import microdata as _microdata
    from famgraph._errors import DataError as _DataError

    microdata, DataError = _microdata, _DataError


def _check_persons(frame: pd.DataFrame) -> None:
    ids = frame["person_id"].to_numpy()
    assert ids.dtype == np.int64, ids.dtype
    assert (ids > 0).all(), "person ids must be positive"
    assert len(np.unique(ids)) == len(ids), "duplicate person ids after a successful load"
    assert set(frame["sex"].unique()) <= {"F", "M", "U"}
    for b in frame["birth_date"].dropna():
        assert len(b) in (4, 7) and b[:4].isdigit(), b


def test_one_input(data: bytes) -> None:
    """Load ``data`` every way the loaders allow; only DataError may escape them."""
    if data[:4] in (b"$FL2", b"$FL3"):
        path = _sav_path()
        with open(path, "wb") as f:
            f.write(data)
        # One (isolated, forked) read of the .sav per input; the loaders then take its DataFrame.
        try:
            frame = microdata._read_sav(Path(path), "input.sav")
        except DataError:
            return

        def source() -> object:
            return frame
    else:

        def source() -> object:
            return io.BytesIO(data)

    try:
        _check_persons(microdata.load_persons(source(), max_errors=20))
    except DataError:
        pass
    try:
        cp = microdata.load_child_parent(source(), max_errors=20)
        assert cp["person_id"].is_unique
    except DataError:
        pass
    try:
        tables = microdata.load_tables(source(), source(), max_errors=20, parent_sex="unknown")
    except DataError:
        return
    _check_persons(tables.persons)
    try:
        ds = tables.to_dataset()
    except DataError:
        return
    assert ds.n_persons == len(tables.persons)


# ---------------------------------------------------------------------------------------------- plain loop


def _flags(argv: list[str]) -> tuple[dict[str, str], list[str]]:
    flags: dict[str, str] = {}
    dirs: list[str] = []
    for a in argv:
        if a.startswith("-") and "=" in a:
            k, v = a.lstrip("-").split("=", 1)
            flags[k] = v
        elif not a.startswith("-"):
            dirs.append(a)
    return flags, dirs


def _mutate(rng: random.Random, data: bytes, seeds: list[bytes]) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(6)
        if op == 0 and b:
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
        elif op == 1:
            b.insert(rng.randint(0, len(b)), rng.randrange(256))
        elif op == 2 and b:
            del b[rng.randrange(len(b))]
        elif op == 3 and seeds:
            other = rng.choice(seeds)
            i, j = rng.randint(0, len(b)), rng.randint(0, len(other))
            b = b[:i] + other[j:]
        elif op == 4:
            b.insert(rng.randint(0, len(b)), ord(rng.choice(',;\n"\r0R \t')))
        elif op == 5 and b:
            i = rng.randrange(len(b))
            b[i : i + rng.randint(1, 4)] = bytes(rng.choice([b"000000000", b"", b"-1", b"\xff", b"13"]))
    return bytes(b[:65536])


def plain_loop(argv: list[str]) -> int:
    flags, dirs = _flags(argv)
    seconds = float(flags.get("max_total_time", "60"))
    prefix = flags.get("artifact_prefix", "./")
    seeds: list[bytes] = []
    for d in dirs:
        for p in sorted(Path(d).glob("*")):
            if p.is_file() and p.suffix in (".csv", ".sav", "") and p.stat().st_size <= 65536:
                seeds.append(p.read_bytes())
    seeds = seeds or [b"RINPERSOONS,RINPERSOON\nR,000000001\n"]
    rng = random.Random(int(flags.get("seed", "1")))
    _import_famgraph()
    start, runs = time.monotonic(), 0
    pool = list(seeds)
    while time.monotonic() - start < seconds:
        data = _mutate(rng, rng.choice(pool), seeds)
        try:
            test_one_input(data)
        except Exception:
            path = f"{prefix}crash-{hashlib.sha1(data).hexdigest()}"
            Path(path).write_bytes(data)
            import traceback

            traceback.print_exc()
            print(f"finding after {runs} executions; input written to {path}", file=sys.stderr)
            print(f"stat::number_of_executed_units: {runs}")
            return 1
        runs += 1
        if rng.random() < 0.01 and len(pool) < 1000:
            pool.append(data)
    print(f"plain loop: no findings in {runs} executions ({seconds:.0f} s)")
    print(f"stat::number_of_executed_units: {runs}")
    return 0


def main() -> int:
    if os.environ.get("FAMGRAPH_FUZZ_PLAIN") == "1":
        return plain_loop(sys.argv[1:])
    try:
        import atheris
    except ImportError:
        print("atheris is not installed: running the plain random-mutation loop", file=sys.stderr)
        return plain_loop(sys.argv[1:])
    with atheris.instrument_imports(include=["famgraph"]):
        _import_famgraph()
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main())
