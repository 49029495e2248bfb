#!/usr/bin/env python3
# fuzz-seeds:
"""Fuzz harness (atheris) for the output paths of every famgraph writer (docs/cli.md, "Files").

The input builds a small world in a scratch folder — a dataset folder (the inputs), and at the
chosen output path one of: nothing, an input file, a symbolic or hard link to an input, the
dataset folder itself or its parent, a folder (empty or not), a missing folder, a read-only folder,
a regular file (writable or read-only), a dangling link, a link loop, a link to a folder, a FIFO,
a name with odd characters or a very long name, a trailing separator — and then runs one writer
on it: ``famgraph report``, ``indicators --json``, ``scan --json``, ``convert`` (PED, GEDCOM,
famgraph folder, ``--ids-out``, ``--extra-out``), ``synth --out`` (CSV through the C++ writer,
Parquet through Python), ``link --out``, or the library writers ``famgraph._files.write_output``
and ``Dataset.to_csv``.

Whatever happens, no input may change (byte for byte), no temporary file or folder may be left
anywhere in the scratch folder, the command line must end with a documented exit status (0, 1, 2
or 3) and a library writer may raise only ``OSError`` or ``ValueError``. Anything else is a
finding.

Run::

    tests/fuzz/run_python_fuzz.sh 600 tests/fuzz/fuzz_output_paths.py
    .venv/bin/python tests/fuzz/fuzz_output_paths.py CRASH_FILE       # replay a finding
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["famgraph"]):
    import famgraph as fg
    import famgraph.indicators as indicators
    import famgraph.plot as plot
    from famgraph import _files
    from famgraph.cli import main

# What is fuzzed is where the outputs go, not the numbers or images in them: the report's PNG
# rendering and the resampling (what takes seconds) are made trivial.
plot.to_png = lambda fig, **kw: b"png"  # type: ignore[assignment]
_suite = indicators.suite
indicators.suite = lambda ds, **kw: _suite(ds, **{**kw, "n_boot": 0, "n_sim": 0})  # type: ignore[assignment]

_ROOT = Path(tempfile.mkdtemp(prefix="famgraph-fuzz-out-"))
_POP = _ROOT / "population"
fg.synth.write(_POP, 300, seed=1, progress=False)
_PED = _ROOT / "family.ped"
_PED.write_text("f gf 0 0 1 1\nf gm 0 0 2 1\nf dad gf gm 1 2\n")
_DS = fg.Dataset.from_csv(_POP)
_WORK = _ROOT / "work"

_KINDS = [
    "new", "input", "symlink-input", "hardlink-input", "data-folder", "data-parent", "empty-folder",
    "full-folder", "missing-folder", "read-only-folder", "file", "read-only-file", "dangling", "loop",
    "link-to-folder", "fifo", "odd-name", "long-name", "trailing-slash",
]  # fmt: skip
_WRITERS = [
    "report", "indicators", "scan", "convert-ped", "convert-gedcom", "convert-famgraph", "ids-out",
    "extra-out", "synth-csv", "synth-parquet", "link", "write_output", "to_csv",
]  # fmt: skip


def _snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    out: dict[str, tuple[int, bytes]] = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file() and not p.is_symlink():
            out[str(p.relative_to(folder))] = (p.stat().st_mode, hashlib.sha256(p.read_bytes()).digest())
    return out


def _world(fdp: atheris.FuzzedDataProvider) -> tuple[Path, Path, str]:
    """A fresh scratch world: the data folder, the output path, and its kind."""
    if _WORK.exists():
        for p in [_WORK, *_WORK.rglob("*")]:  # read-only folders from the last run
            if p.is_dir() and not p.is_symlink():
                os.chmod(p, 0o755)
        shutil.rmtree(_WORK)
    _WORK.mkdir()
    data = _WORK / "data"
    shutil.copytree(_POP, data)
    shutil.copy(_PED, _WORK / "family.ped")
    kind = fdp.PickValueInList(_KINDS)
    base = _WORK / "out"
    name = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 12)).replace("/", "_").replace("\x00", "")
    if name in ("", ".", ".."):
        name = "o"
    out = _WORK / name
    victim = data / fdp.PickValueInList(["persons.csv", "events.csv", "contacts.csv", "truth.json"])
    if kind == "input":
        out = victim
    elif kind == "symlink-input":
        out.symlink_to(victim)
    elif kind == "hardlink-input":
        os.link(victim, out)
    elif kind == "data-folder":
        out = data
    elif kind == "data-parent":
        out = _WORK
    elif kind == "empty-folder":
        out.mkdir()
    elif kind == "full-folder":
        out.mkdir()
        (out / "keep.txt").write_text("keep")
    elif kind == "missing-folder":
        out = base / "deeper" / name
    elif kind == "read-only-folder":
        base.mkdir()
        os.chmod(base, 0o555)
        out = base / name
    elif kind == "file":
        out.write_text("keep")
    elif kind == "read-only-file":
        out.write_text("keep")
        os.chmod(out, 0o444)
    elif kind == "dangling":
        out.symlink_to(_WORK / "gone" / "x")
    elif kind == "loop":
        out.symlink_to(out.name)
    elif kind == "link-to-folder":
        (_WORK / "real").mkdir(exist_ok=True)
        out.symlink_to(_WORK / "real")
    elif kind == "fifo":
        os.mkfifo(out)
    elif kind == "odd-name":
        out = _WORK / ("\n\x1b -- é " + name + ".txt")
    elif kind == "long-name":
        out = _WORK / ("x" * fdp.ConsumeIntInRange(200, 300))
    elif kind == "trailing-slash":
        out = Path(str(out) + "/")
    return data, out, kind


def _argv(writer: str, data: Path, out: str) -> list[str] | None:
    ped = str(_WORK / "family.ped")
    return {
        "report": ["report", str(data), "-o", out, "--date", "2024-01-01"],
        "indicators": ["indicators", str(data), "--json", out, "--only", "chains,fir", "--n-boot", "0", "--n-sim", "0"],
        "scan": ["scan", str(data), "--json", out],
        "convert-ped": ["convert", str(data), out, "--from", "famgraph", "--to", "ped", "--force"],
        "convert-gedcom": ["convert", str(data), out, "--from", "famgraph", "--to", "gedcom"],
        "convert-famgraph": ["convert", ped, out, "--from", "ped", "--to", "famgraph", "--force"],
        "ids-out": ["convert", ped, str(_WORK / "o.ged"), "--from", "ped", "--to", "gedcom", "--ids-out", out],
        "extra-out": ["convert", ped, str(_WORK / "o2.ped"), "--from", "ped", "--to", "ped", "--extra-out", out],
        "synth-csv": ["synth", "--persons", "300", "--out", out],
        "synth-parquet": ["synth", "--persons", "300", "--out", out, "--format", "parquet"],
        "link": ["link", str(data), "--out", out, "--key-env", "FAMGRAPH_FUZZ_KEY", "--identifier", "person_id"],
    }.get(writer)  # fmt: skip


#: The writers whose run reads the data folder (the others read family.ped or nothing).
_READS_DATA = {"report", "indicators", "scan", "convert-ped", "convert-gedcom", "link"}
#: Output kinds that name an input file or a folder holding inputs.
_AT_INPUT = {"input", "symlink-input", "hardlink-input", "data-folder", "data-parent"}

os.environ["FAMGRAPH_FUZZ_KEY"] = "fuzz-key-0123456789abcdef-0123456789abcdef"


def test_one_input(data_bytes: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data_bytes)
    writer = fdp.PickValueInList(_WRITERS)
    data, out, kind = _world(fdp)
    before = _snapshot(data)
    ped_before = (_WORK / "family.ped").read_bytes()
    argv = _argv(writer, data, str(out))
    if argv is not None:
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as e:
                raise AssertionError(f"argparse exit {e.code} for {argv!r}") from None
        if code not in (0, 1, 2, 3):
            sys.__stderr__.write(err.getvalue()[-3000:])
            raise AssertionError(f"exit status {code} for {writer} on {kind}")
        if "Traceback" in err.getvalue():
            raise AssertionError(f"a traceback for {writer} on {kind}")
        if writer in _READS_DATA and kind in _AT_INPUT and code == 0:
            raise AssertionError(f"{writer} wrote over an input ({kind})")
    else:
        try:
            if writer == "write_output":
                _files.write_output(out, b"x" * fdp.ConsumeIntInRange(0, 5000))
            else:
                _DS.to_csv(out)
        except (OSError, ValueError):
            pass
    if kind not in _AT_INPUT or writer in _READS_DATA:
        # the data folder is an input only of the writers that read it; the library writers know
        # no inputs at all (docs/cli.md): only the command line refuses to replace its inputs
        if _snapshot(data) != before:
            raise AssertionError(f"{writer} changed an input ({kind}, {out})")
    if (_WORK / "family.ped").read_bytes() != ped_before:
        raise AssertionError(f"{writer} changed family.ped ({kind})")
    for p in [_WORK, *_WORK.rglob("*")]:
        if _files.TMP_MARKER in p.name:
            raise AssertionError(f"{writer} left {p} ({kind})")
        if p.is_file() and not p.is_symlink() and stat.S_IMODE(p.stat().st_mode) & 0o022 and kind != "fifo":
            raise AssertionError(f"{p}: mode {oct(p.stat().st_mode)} ignores the umask 022")


def main_() -> None:
    os.umask(0o022)
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main_()
