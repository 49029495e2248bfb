#!/usr/bin/env python3
# fuzz-seeds:
"""Fuzz harness (atheris) for the command line's argument handling: random argv lists for every
subcommand of ``famgraph`` (docs/cli.md).

The input picks a subcommand and then a list of tokens: the subcommand's own option names, values
from a list of troublesome ones (huge, negative, non-numbers, NUL and control characters, very long
strings, paths to a valid dataset, to its files, to folders, FIFOs, devices, missing paths) and raw
text from the input. ``famgraph.cli.main`` must return a documented exit status (0 done, 1 data,
2 usage, 3 environment) or end in argparse's ``SystemExit`` (0 or 2); status 4 (an internal error),
any other exception, a hang (``-timeout``) or running out of memory is a finding. After every run
the dataset folder must be byte for byte what it was, and no temporary file may be left.

To keep a run short, the expensive parts are made small: at most 20,000 synthetic persons, 1,000
bootstrap replicates and permutations (20 and 19 computed), no PNG rendering, ``demo`` on 500 persons and ``bench`` without running the
benchmarks (the argument handling is what is fuzzed).

Run::

    tests/fuzz/run_python_fuzz.sh 600 tests/fuzz/fuzz_cli_args.py
    .venv/bin/python tests/fuzz/fuzz_cli_args.py CRASH_FILE       # replay a finding
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import atheris

with atheris.instrument_imports(include=["famgraph"]):
    import famgraph as fg
    import famgraph.bench as bench_package
    import famgraph.indicators as indicators
    import famgraph.indicators._options as options
    import famgraph.plot as plot
    import famgraph.synth as synth
    from famgraph.cli import build_parser, main

_ROOT = Path(tempfile.mkdtemp(prefix="famgraph-fuzz-cli-"))
_DATA = _ROOT / "data"
_SCRATCH = _ROOT / "scratch"
fg.synth.write(_DATA, 300, seed=1, progress=False)
os.mkfifo(_ROOT / "fifo")
(_ROOT / "folder").mkdir()
(_ROOT / "key").write_bytes(b"fuzz-key-0123456789abcdef-0123456789abcdef")
os.environ["FAMGRAPH_DEMO_DIR"] = str(_SCRATCH / "demo")
os.environ["FAMGRAPH_FUZZ_KEY"] = "fuzz-key-0123456789abcdef-0123456789abcdef"

# ---- small limits (the behaviour at the real limits is tested in tests/python/test_cli_safety.py)
options.MAX_N_BOOT = 1000
options.MAX_N_SIM = 1000
_population = synth._population


def _small_population(persons: int, *args: Any, **kwargs: Any) -> Any:
    if isinstance(persons, int) and persons > 20_000:
        raise ValueError(f"persons = {persons}: the fuzz harness allows at most 20,000")
    return _population(persons, *args, **kwargs)


synth._population = _small_population  # type: ignore[assignment]
_generate = synth.generate


def _demo_generate(persons: int = 100_000, *args: Any, **kwargs: Any) -> Any:
    return _generate(min(persons, 500), *args, **kwargs)


synth.generate = _demo_generate  # type: ignore[assignment]


# the report's images and the resampling are what take time, not the argument handling
plot.to_png = lambda fig, **kw: b"png"  # type: ignore[assignment]
_suite = indicators.suite


def _cheap_suite(ds: Any, **kw: Any) -> Any:
    options.check_n_boot(kw.get("n_boot", 1000))
    options.check_n_sim(kw.get("n_sim", 1000))
    kw["n_boot"] = min(kw.get("n_boot", 1000), 20)
    kw["n_sim"] = min(kw.get("n_sim", 1000), 19)
    return _suite(ds, **kw)


indicators.suite = _cheap_suite  # type: ignore[assignment]


def _no_bench(argv: list[str]) -> int:
    """``famgraph bench`` checks its sizes and peers, then runs nothing: the benchmarks themselves
    take minutes per unit (a run of this harness once spent 157 s in one)."""
    a = dict(zip(argv[::2], argv[1::2], strict=False))
    try:
        for size in a.get("--sizes", "").split(","):
            bench_package.parse_size(size)
        bench_package.parse_peers(a.get("--peers", "none"))
    except ValueError as e:  # the harness's own parser reports these as usage errors (exit 2)
        raise SystemExit(2) from e
    return 0


# `famgraph bench` imports famgraph.bench.main when it runs, so the stub must replace that name.
assert callable(getattr(bench_package, "main", None)), "famgraph.bench.main moved: update the stub"
bench_package.main = _no_bench  # type: ignore[assignment]


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        h.update(str(p.relative_to(folder)).encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


_BEFORE = _digest(_DATA)
_PARSER = build_parser()
_SUB = next(a for a in _PARSER._actions if a.__class__.__name__ == "_SubParsersAction")
_COMMANDS = sorted(_SUB.choices)  # type: ignore[attr-defined]
_OPTIONS = {
    name: sorted({s for a in p._actions for s in a.option_strings}) for name, p in _SUB.choices.items()  # type: ignore[attr-defined]
}
_VALUES = [
    "0", "1", "-1", "3", "10", "999", "1000", "1001", "100000000000", str(10**30), "9" * 5000, "1e9",
    "nan", "inf", "-inf", "0x10", "1_000", " 7 ", "", " ", "a\x00b", "\n", "\x1b[31m", "é",
    "2010:2020", "2020:2010", ":", "2010", "2010-02-30:", "x" * 10_000 + ":", "-", "--", "=",
    "fertility=2", "persons=5", "seed=1", "partnered=2", "x=y", "=1", "en", "nl", "de", "csv", "parquet",
    "strict", "add", "error", "unknown", "ped", "gedcom", "famgraph", "folder", "source",
    "chains", "gif,fir", "nope", "pandas", "none", "10k", "1M", "2024-05-01", "2024-13-01",
    "FAMGRAPH_FUZZ_KEY", "UNSET_VARIABLE",
    str(_DATA), str(_DATA) + "/", str(_DATA / "persons.csv"), str(_DATA / "events.csv"),
    str(_DATA / "truth.json"), str(_ROOT / "fifo"), str(_ROOT / "folder"), "/dev/zero", "/dev/null",
    str(_ROOT / "key"), str(_ROOT / "missing"), str(_ROOT / "missing" / "deeper"), str(_ROOT),
    "SCRATCH/out", "SCRATCH/out.json", "SCRATCH/out.html", "SCRATCH/out.ped", "SCRATCH/", "SCRATCH",
]  # fmt: skip
_DOCUMENTED = {0, 1, 2, 3}


def _token(fdp: atheris.FuzzedDataProvider, command: str) -> str:
    kind = fdp.ConsumeIntInRange(0, 9)
    if kind <= 3 and _OPTIONS[command]:
        return fdp.PickValueInList(_OPTIONS[command])
    if kind <= 7:
        value: str = fdp.PickValueInList(_VALUES)
    else:
        value = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 40))
    return value.replace("SCRATCH", str(_SCRATCH))


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    shutil.rmtree(_SCRATCH, ignore_errors=True)
    _SCRATCH.mkdir()
    argv: list[str] = []
    if fdp.ConsumeIntInRange(0, 15) == 0:  # now and then an option before the command
        argv.append(fdp.PickValueInList(["--debug", "--version", "--help", "-x", "validate"]))
    command = fdp.PickValueInList(_COMMANDS)
    argv.append(command)
    for _ in range(fdp.ConsumeIntInRange(0, 10)):
        argv.append(_token(fdp, command))
    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    try:
        os.chdir(_SCRATCH)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as e:  # argparse: usage errors, --help, --version
                if e.code not in (0, 2):
                    raise AssertionError(f"argparse exit {e.code!r} for {argv!r}") from None
                code = 0
    finally:
        os.chdir(cwd)
    if code not in _DOCUMENTED:
        sys.__stderr__.write(err.getvalue()[-3000:])
        raise AssertionError(f"exit status {code} for {argv!r}")
    if "Traceback" in err.getvalue() and "--debug" not in argv:
        raise AssertionError(f"a traceback for {argv!r}")
    if _digest(_DATA) != _BEFORE:
        raise AssertionError(f"the input folder changed: {argv!r}")
    for folder in (_DATA, _ROOT, _SCRATCH):
        left = [n for n in os.listdir(folder) if ".famgraph-tmp-" in n]
        if left:
            raise AssertionError(f"temporary files left in {folder}: {left} after {argv!r}")


def main_() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main_()
