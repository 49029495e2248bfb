"""Nothing is lost, no traceback reaches a user of the command line, bad inputs are clear errors
(docs/cli.md). Every test reproduces a failure found on the command line: an input overwritten, a
broken link read as an empty table, a temporary file that follows a planted link or survives a
kill, inconsistent file modes, tracebacks, error lists cut at a NUL byte, values echoed whole,
commands that never end on a FIFO or /dev/zero.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import famgraph as fg
from famgraph import _files
from famgraph._errors import shown
from famgraph.cli import main

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


# ------------------------------------------------------------------------------------------ helpers


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic dataset folder (300 persons), written once."""
    out = tmp_path_factory.mktemp("population") / "pop"
    fg.synth.write(out, 300, seed=1, progress=False)
    return out


@pytest.fixture
def data(population: Path, tmp_path: Path) -> Path:
    """A private copy of the population, inside tmp_path/work."""
    work = tmp_path / "work"
    work.mkdir()
    shutil.copytree(population, work / "pop")
    return work / "pop"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every regular file below ``folder`` and its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(*folders: Path) -> list[str]:
    """Temporary files or folders of famgraph writers (or any hidden entry) left in the folders."""
    return [e.name for f in folders if f.is_dir() for e in os.scandir(f) if e.name.startswith(".")]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    got = capsys.readouterr()
    assert "Traceback" not in got.err, got.err
    return code, got.out, got.err


def _env() -> dict[str, str]:
    """The environment of a child famgraph: it imports the famgraph this test imported (the source
    tree with its built extension, or the installed package). A bare source tree has no compiled
    ``_core``: a child importing it would fail, which a test expecting exit 1 could take for a
    data error."""
    return {**os.environ, "PYTHONPATH": str(Path(fg.__file__).resolve().parents[1])}


def cli(*argv: str, timeout: float = 60, **kw: Any) -> subprocess.CompletedProcess[str]:
    env = _env()
    return subprocess.run(
        [sys.executable, "-m", "famgraph.cli", *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        **kw,
    )


def make_bad(path: Path, kind: str) -> str:
    """Puts something that is not a regular file at ``path``; returns the words the error uses."""
    if kind == "dangling":
        path.symlink_to(path.parent / "gone" / path.name)
        return "which does not exist"
    if kind == "loop":
        path.symlink_to(path.name)
        return "symbolic link loop"
    if kind == "folder":
        path.mkdir()
        return "is a folder"
    if kind == "fifo":
        os.mkfifo(path)
        return "is a FIFO"
    if kind == "devzero":
        path.symlink_to("/dev/zero")
        return "is a character device"
    if kind == "socket":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(str(path))
        s.close()
        return "is a socket"
    raise AssertionError(kind)


BAD_KINDS = ["dangling", "loop", "folder", "fifo", "devzero", "socket"]


# ---------------------------------------------------------------------- outputs never replace inputs


@pytest.mark.parametrize(
    ("argv", "how"),
    [
        (["indicators", "{D}", "--json", "{D}/events.csv"], "path"),
        (["report", "{D}", "-o", "{D}/persons.csv"], "path"),
        (["report", "{D}", "-o", "{W}/link.html"], "symlink"),
        (["report", "{D}", "-o", "{W}/hard.html"], "hardlink"),
        (["scan", "{D}", "--json", "{D}/contacts.csv"], "path"),
        (["convert", "{D}", "{D}/partnerships.csv", "--from", "famgraph", "--to", "ped", "--force"], "path"),
        (["convert", "{D}", "{D}", "--from", "famgraph", "--to", "famgraph", "--force"], "folder"),
        (["convert", "{W}", "{W}", "--from", "famgraph", "--to", "famgraph", "--force"], "parent"),
    ],
)
def test_an_output_never_replaces_an_input(
    data: Path, capsys: pytest.CaptureFixture[str], argv: list[str], how: str
) -> None:
    work = data.parent
    (work / "link.html").symlink_to(data / "persons.csv")
    os.link(data / "persons.csv", work / "hard.html")
    if how == "parent":
        shutil.copy(data / "persons.csv", work / "persons.csv")
    before = snapshot(work)
    args = [a.replace("{D}", str(data)).replace("{W}", str(work)) for a in argv]
    code, _, err = run(capsys, *args)
    assert code == 2, err
    assert "an input of this run" in err or "holds an input of this run" in err, err
    assert err.count("\n") == 1, err  # one line
    assert snapshot(work) == before
    assert leftovers(work, data) == []


def test_every_writer_refuses_a_folder_or_a_missing_folder(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    work = data.parent
    before = snapshot(work)
    for argv in (["report", str(data), "-o", str(work)], ["indicators", str(data), "--json", str(work)]):
        code, _, err = run(capsys, *argv)
        assert code == 2 and "is a folder (expected the name of a file to write)" in err, err
    code, _, err = run(capsys, "report", str(data), "-o", str(work / "none" / "r.html"))
    assert code == 3 and "does not exist (create it first)" in err, err
    code, _, err = run(capsys, "scan", str(data), "--json", str(work / "r.json") + "/")
    assert code == 2 and "ends with a path separator" in err, err
    assert snapshot(work) == before and leftovers(work, data) == []


# ------------------------------------------------------------------------------ inputs: what they are


@pytest.mark.parametrize("kind", ["dangling", "loop"])
def test_a_broken_optional_table_is_an_error_not_an_empty_table(
    data: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    (data / "events.csv").unlink()
    words = make_bad(data / "events.csv", kind)
    code, out, err = run(capsys, "validate", str(data))
    assert code == 3, (out, err)
    assert "events.csv" in err and words in err and "(expected the events table, a CSV file)" in err, err
    assert "valid" not in out


@pytest.mark.parametrize("kind", ["fifo", "devzero"])
def test_a_fifo_or_device_as_input_ends_at_once(data: Path, kind: str) -> None:
    (data / "events.csv").unlink()
    words = make_bad(data / "events.csv", kind)
    r = cli("validate", str(data), timeout=60)
    assert r.returncode == 3, r.stderr
    assert words in r.stderr and "Traceback" not in r.stderr


def _loaders(folder: Path) -> dict[str, tuple[Path, Callable[[], object]]]:
    """Each Python loader, the file it reads and a call reading it."""
    from famgraph import formats, linkage, microdata, privacy, quality

    parquet = folder / "parquet"
    return {
        "Dataset.from_csv": (folder / "events.csv", lambda: fg.Dataset.from_csv(folder)),
        "Dataset.from_csv(file)": (folder / "x.csv", lambda: fg.Dataset.from_csv(persons=folder / "x.csv")),
        "Dataset.from_parquet": (parquet / "events.parquet", lambda: fg.Dataset.from_parquet(parquet)),
        "ped": (folder / "x.ped", lambda: formats.ped.read(folder / "x.ped")),
        "gedcom": (folder / "x.ged", lambda: formats.gedcom.read(folder / "x.ged")),
        "microdata": (folder / "x.csv", lambda: microdata.load_persons(folder / "x.csv")),
        "linkage export": (folder / "events.csv", lambda: linkage.Export.from_csv(folder, "A")),
        "quality.read_folder": (folder / "events.csv", lambda: quality.read_folder(folder)),
        "privacy key": (folder / "x.key", lambda: privacy.Key.from_file(folder / "x.key")),
        "cli convert --ids": (folder / "x.csv", lambda: main(["convert", str(folder), str(folder / "o.ped"),
                                                                "--from", "famgraph", "--to", "ped", "--ids",
                                                                str(folder / "x.csv")])),
    }  # fmt: skip


@pytest.mark.parametrize("kind", BAD_KINDS)
@pytest.mark.parametrize(
    "loader",
    [
        "Dataset.from_csv",
        "Dataset.from_csv(file)",
        "Dataset.from_parquet",
        "ped",
        "gedcom",
        "microdata",
        "linkage export",
        "quality.read_folder",
        "privacy key",
    ],
)
def test_every_loader_names_a_file_that_is_not_a_regular_file(data: Path, loader: str, kind: str) -> None:
    (data / "parquet").mkdir()
    for t in ("persons", "events"):
        pd.read_csv(data / f"{t}.csv").to_parquet(data / "parquet" / f"{t}.parquet")
    path, call = _loaders(data)[loader]
    path.unlink(missing_ok=True)
    words = make_bad(path, kind)
    with pytest.raises(OSError) as e:
        call()
    assert words in str(e.value) and path.name in str(e.value) and "(expected" in str(e.value)


def test_unreadable_input_is_an_environment_error(
    data: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = str(data / "persons.csv")
    if IS_ROOT:  # root reads everything: refuse the open the way the system would
        real_open = os.open

        def no_permission(path: Any, *a: Any, **k: Any) -> int:
            if os.fspath(path) == target:
                raise PermissionError(errno.EACCES, "Permission denied", target)
            return real_open(path, *a, **k)

        monkeypatch.setattr(_files.os, "open", no_permission)
    else:
        os.chmod(target, 0)
    code, _, err = run(capsys, "validate", str(data))
    assert code == 3 and "persons.csv: permission denied (cannot read the persons table" in err, err


def test_read_only_output_is_an_environment_error(
    data: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ro = data.parent / "ro"
    ro.mkdir()
    (ro / "old.json").write_text("keep")
    if IS_ROOT:  # root writes everywhere: answer access() as the system would for others
        real_access = os.access
        monkeypatch.setattr(
            _files.os,
            "access",
            lambda p, m, **k: False if Path(p).parent == ro or Path(p) == ro else real_access(p, m),
        )
    else:
        os.chmod(ro / "old.json", 0o444)
        os.chmod(ro, 0o555)
    try:
        code, _, err = run(capsys, "scan", str(data), "--json", str(ro / "new.json"))
        assert code == 3 and "permission denied (cannot write in" in err, err
        code, _, err = run(capsys, "scan", str(data), "--json", str(ro / "old.json"))
        assert code == 3 and ("is read-only" in err or "permission denied" in err), err
    finally:
        os.chmod(ro, 0o755)
    assert (ro / "old.json").read_text() == "keep" and leftovers(ro) == []


# ------------------------------------------------------------------------------ temporary files


_SLOW_WRITE = textwrap.dedent(
    """
    import sys, time
    import famgraph.indicators as indicators
    import famgraph._files as f
    import famgraph.plot as plot
    # fewer replicates, no PNG rendering: the test is about the write, not the numbers or images
    suite = indicators.suite
    indicators.suite = lambda ds, **kw: suite(ds, **{**kw, "n_boot": 20, "n_sim": 19})
    plot.to_png = lambda fig, **kw: b"png"
    f.USE_O_TMPFILE = sys.argv[1] == "1"
    original = f._TempFile.commit
    def commit(self, *args, **kwargs):  # the content is written, not yet renamed: kill us now
        print("WRITING", flush=True)
        time.sleep(120)
        original(self, *args, **kwargs)
    f._TempFile.commit = commit
    from famgraph.cli import main
    sys.exit(main(sys.argv[2:]))
    """
)


def _start_report(data: Path, out: Path, tmpfile: bool) -> subprocess.Popen[str]:
    env = _env()
    argv = [sys.executable, "-c", _SLOW_WRITE, "1" if tmpfile else "0", "report", str(data), "-o", str(out)]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _wait_writing(p: subprocess.Popen[str]) -> None:
    assert p.stdout is not None
    line = p.stdout.readline()
    assert line.strip() == "WRITING", (line, p.stderr.read() if p.stderr else "")


@pytest.fixture(scope="module")
def large_population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("large") / "pop"
    fg.synth.write(out, 20_000, seed=1, progress=False)
    return out


def test_signals_mid_write_leave_no_temporary_file(large_population: Path, tmp_path: Path) -> None:
    """`famgraph report` on 20,000 persons, interrupted while the report is being written: SIGINT
    and SIGTERM remove the temporary file (exit 130/143, one line, no traceback); SIGKILL cannot
    be handled: with O_TMPFILE nothing is left, with a named temporary file the next write into
    the folder removes it. The old report (if any) is untouched in every case."""
    cases = {"sigint": (signal.SIGINT, True), "sigterm": (signal.SIGTERM, False),
             "kill-unnamed": (signal.SIGKILL, True), "kill-named": (signal.SIGKILL, False)}  # fmt: skip
    procs: dict[str, subprocess.Popen[str]] = {}
    try:
        _interrupt_each(cases, procs, large_population, tmp_path)
    finally:  # a failed assertion must not leave children running or their pipes open
        for p in procs.values():
            if p.poll() is None:
                p.kill()
            p.communicate()
    assert snapshot(large_population)  # inputs intact (read only)


def _interrupt_each(
    cases: dict[str, tuple[signal.Signals, bool]],
    procs: dict[str, subprocess.Popen[str]],
    large_population: Path,
    tmp_path: Path,
) -> None:
    for name, (_, tmpfile) in cases.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "report.html").write_text("old report")
        procs[name] = _start_report(large_population, tmp_path / name / "report.html", tmpfile)
    for name, (sig, _) in cases.items():  # all four run at once: the suite stays fast
        _wait_writing(procs[name])
        procs[name].send_signal(sig)
    for name, (sig, _) in cases.items():
        _, err = procs[name].communicate(timeout=60)
        folder = tmp_path / name
        assert (folder / "report.html").read_text() == "old report", name
        if sig == signal.SIGKILL:
            assert procs[name].returncode == -signal.SIGKILL
            left = leftovers(folder)
            if name == "kill-unnamed" and _files.USE_O_TMPFILE:
                assert left == [], left
            else:
                assert len(left) == 1 and ".report.html.famgraph-tmp-" in left[0], left
                _files.write_output(folder / "next.txt", "x")  # a later run cleans the stale file
                assert leftovers(folder) == []
        else:
            assert procs[name].returncode == 128 + sig, err
            assert "Traceback" not in err and err.count("\n") == 1, err
            assert ("interrupted" if sig == signal.SIGINT else "SIGTERM") in err, err
            assert leftovers(folder) == [], name


# ------------------------------------------------------------------------------------ permissions


def test_outputs_ignore_planted_links_and_follow_the_umask(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every writer: (1) the old writers used the predictable temporary name `.<name>.tmp-<pid>`,
    where anyone could plant a link in advance: it is not followed; (2) every file gets
    0666 & ~umask and every folder 0777 & ~umask (the JSON was 0600, the HTML 0644); a replaced
    file keeps its mode, as with open()."""
    work = data.parent
    victim = work / "victim.txt"
    victim.write_text("precious")
    outputs = ["i.json", "r.html", "s.json", "c.ped", "c", "y", "p", "kept.json"]
    for name in outputs:
        (work / f".{name}.tmp-{os.getpid()}").symlink_to(victim)
    ds = fg.Dataset.from_csv(data)
    results = fg.indicators.suite(ds, n_boot=10, n_sim=9)
    (work / "kept.json").write_text("{}")
    os.chmod(work / "kept.json", 0o604)
    old = os.umask(0o027)
    try:
        for argv in (
            ["indicators", str(data), "--json", str(work / "i.json"), "--n-boot", "10", "--n-sim", "9"],
            ["scan", str(data), "--json", str(work / "s.json")],
            ["convert", str(data), str(work / "c.ped"), "--from", "famgraph", "--to", "ped"],
            ["convert", str(data), str(work / "c"), "--from", "famgraph", "--to", "famgraph"],
            ["synth", "--persons", "300", "--out", str(work / "y")],
            ["synth", "--persons", "300", "--out", str(work / "p"), "--format", "parquet"],
            ["scan", str(data), "--json", str(work / "kept.json")],
        ):
            assert run(capsys, *argv)[0] == 0, argv
        fg.report(ds, work / "r.html", results=results, date="2024-01-01")
    finally:
        os.umask(old)
    assert victim.read_text() == "precious"
    modes = {
        str(p.relative_to(work)): stat.S_IMODE(p.stat().st_mode)
        for p in work.rglob("*")
        if "pop" not in p.parts and not p.is_symlink() and p != victim
    }
    assert modes.pop("kept.json") == 0o604
    assert modes == {k: (0o750 if (work / k).is_dir() else 0o640) for k in modes}, modes
    assert set(outputs) - {"kept.json"} <= set(modes) and len(modes) > 15


# ------------------------------------------------------------------------------- no tracebacks


@pytest.mark.parametrize(
    ("argv", "code", "words"),
    [
        (["indicators", "{D}", "--n-boot", "100000000000"], 2, "n_boot must be at most 1,000,000"),
        (
            ["indicators", "{D}", "--n-sim", "100000000000"],
            2,
            "n_sim must be an integer >= 0 and <= 10000000",
        ),
        (["indicators", "{D}", "--window", "2020:2010"], 2, "window end"),
        (["indicators", "{D}", "--window", "x" * 100_000 + ":"], 2, "…(100000 chars)"),
        (["indicators", "{D}", "--min-cell", "-3"], 2, "min_cell"),
        (["indicators", "{D}", "--seed", "-1"], 2, "seed"),
        (["synth", "--persons", str(10**30), "--out", "{W}/x"], 2, "outside the allowed range"),
        (["synth", "--persons", "2000000000", "--out", "{W}/x"], 3, "needs about 600.0 GB"),
        (["synth", "--persons", "100", "--threads", "-1", "--out", "{W}/x"], 2, "threads"),
        (["synth", "--persons", "100", "--set", "fertility=1e999", "--out", "{W}/x"], 2, "fertility"),
        (["validate", "{W}/nowhere"], 3, "not found (expected a dataset folder"),
        (["validate", "{D}/persons.csv"], 3, "is a regular file (expected a dataset folder"),
    ],
)
def test_bad_options_and_limits_are_one_line(
    data: Path, capsys: pytest.CaptureFixture[str], argv: list[str], code: int, words: str
) -> None:
    args = [a.replace("{D}", str(data)).replace("{W}", str(data.parent)) for a in argv]
    if "600.0 GB" in words and (_available_gb() or 0) > 600:
        pytest.skip("this machine has the memory for 2e9 persons")
    got, _, err = run(capsys, *args)
    assert got == code, err
    assert words in err and err.count("\n") == 1 and len(err) < 1000, err
    assert not (data.parent / "x").exists() and leftovers(data.parent) == []


def _available_gb() -> float | None:
    from famgraph.synth import _available_memory

    got = _available_memory()
    return None if got is None else got / 1e9


def test_argparse_errors_are_clipped(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(["synth", "--persons", "9" * 100_000 + "x", "--out", "x"])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "invalid int value" in err and len(err) < 2000, err[:3000]


def test_an_internal_error_says_it_is_a_bug(
    data: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import famgraph.cli as cli_module

    def broken(ds: object) -> None:
        raise RuntimeError("pedigree deeper than 65535 generations")

    monkeypatch.setattr(cli_module, "_print_summary", broken)
    code, _, err = run(capsys, "summary", str(data))
    assert code == 4 and "internal error" in err and "this is a bug" in err and "--debug" in err, err
    assert err.count("\n") == 1
    assert main(["--debug", "summary", str(data)]) == 4
    assert "Traceback" in capsys.readouterr().err  # --debug shows it
    assert main(["summary", str(data), "--debug"]) == 4  # also after the command
    assert "Traceback" in capsys.readouterr().err


def test_a_very_deep_pedigree_is_never_a_traceback(tmp_path: Path) -> None:
    """70,000 generations (a chain of mothers): the C++ core had a limit of 65,535 (being lifted
    elsewhere); whatever it does, the command line answers with one line or the summary."""
    n = 70_000
    rows = ["person_id,sex,birth_date,exit_date,mother_id,father_id", "1,F,,,,"]
    rows += [f"{i},F,,,{i - 1}," for i in range(2, n + 1)]
    (tmp_path / "persons.csv").write_text("\n".join(rows) + "\n")
    r = cli("summary", str(tmp_path), timeout=120)
    assert "Traceback" not in r.stderr
    assert r.returncode in (0, 4), r.stderr
    if r.returncode == 4:
        assert r.stderr.count("\n") == 1 and "65535" in r.stderr, r.stderr


# ----------------------------------------------------------------------------------- messages


def test_a_nul_byte_never_cuts_the_error_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "persons.csv").write_bytes(
        b"person_id,sex,birth_date,exit_date,mother_id,father_id\n1\x002,F,,,,\n3,X\x00Y,,,,\n4,F,19x0,,,\n"
    )
    code, _, err = run(capsys, "validate", str(tmp_path))
    assert code == 1
    assert "3 errors in the input" in err
    assert (
        "'1\\x002' is not an integer" in err and "'X\\x00Y' is not a sex code" in err and "'19x0'" in err
    ), err
    with pytest.raises(fg.DataError) as e:
        fg.Dataset.from_csv(tmp_path)
    assert [i.value for i in e.value.errors] == ["1\\x002", "X\\x00Y", "19x0"]


@pytest.mark.parametrize("bom", [b"", b"\xff\xfe"])
def test_utf16_is_one_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str], bom: bytes) -> None:
    text = "person_id,sex,birth_date,exit_date,mother_id,father_id\n1,F,1950,,,\n"
    (tmp_path / "persons.csv").write_bytes(bom + text.encode("utf-16-le"))
    code, _, err = run(capsys, "validate", str(tmp_path))
    assert code == 1 and "1 error in the input" in err, err
    assert "persons.csv: looks like UTF-16 text" in err and "save it as UTF-8" in err, err
    # the Python readers say the same
    (tmp_path / "x.ped").write_bytes(bom + "f 1 0 0 1 1\n".encode("utf-16-le"))
    with pytest.raises(fg.DataError, match="looks like UTF-16"):
        fg.formats.ped.read(tmp_path / "x.ped")


def test_long_values_are_clipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    header = "person_id,sex,birth_date,exit_date,mother_id,father_id\n"
    (tmp_path / "persons.csv").write_text(header + "9" * 500_000 + ",F,,,,\n")
    code, _, err = run(capsys, "validate", str(tmp_path))
    assert code == 1 and "…(500000 chars)" in err and len(err) < 500, err[:1000]
    # 5 million digits: longer than a record may be (1 MiB), located, nothing echoed
    (tmp_path / "persons.csv").write_text(header + "9" * 5_000_000 + ",F,,,,\n")
    code, _, err = run(capsys, "validate", str(tmp_path))
    assert (
        code == 1 and "persons.csv:2: record longer than 1,048,576 bytes (1 MiB)" in err and len(err) < 500
    ), err
    # the Python readers bound lines the same way
    (tmp_path / "x.ped").write_text("f " + "9" * 2_000_000 + " 0 0 1 1\n")
    with pytest.raises(fg.DataError, match=r"x\.ped:1: line longer than 1,048,576 bytes"):
        fg.formats.ped.read(tmp_path / "x.ped")


def test_shown_matches_the_cpp_cases() -> None:
    """The cases tests/cpp/test_files.cpp checks for famgraph::shown."""
    n = 0
    for line in (FIXTURES / "shown_cases.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        hexed, limit, expected = line.split("\t")
        value = bytes.fromhex(hexed).decode("utf-8", "surrogateescape")
        assert shown(value, int(limit)) == expected, hexed
        n += 1
    assert n >= 20


# -------------------------------------------------------------------------- output folder cases


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_output_folder_cases_as_in_cpp(tmp_path: Path, fmt: str) -> None:
    """synth.write: the C++ writer (csv) and the Python one (parquet) follow the same rules."""

    def write(target: Path | str) -> Path:
        return fg.synth.write(target, 300, seed=1, format=fmt, progress=False)  # type: ignore[arg-type]

    (tmp_path / "file").write_text("keep")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "persons.csv").write_text("keep")
    (tmp_path / "dangling").symlink_to(tmp_path / "gone")
    (tmp_path / "empty").mkdir()
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(_files.OutputPathError, match="is a regular file"):
        write(tmp_path / "file")
    with pytest.raises(FileExistsError, match="refusing to overwrite"):
        write(tmp_path / "full")
    with pytest.raises(_files.OutputPathError, match="which does not exist"):
        write(tmp_path / "dangling")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        write(tmp_path / "none" / "pop")
    with pytest.raises(NotADirectoryError):
        write(tmp_path / "file" / "pop")
    write(tmp_path / "empty")
    write(str(tmp_path / "slash") + "/")
    write(tmp_path / "link")
    assert (tmp_path / "empty" / f"persons.{fmt}").is_file() and (tmp_path / "slash" / "truth.json").is_file()
    assert (tmp_path / "real" / f"events.{fmt}").is_file() and (tmp_path / "link").is_symlink()
    assert (tmp_path / "file").read_text() == "keep" and (
        tmp_path / "full" / "persons.csv"
    ).read_text() == "keep"
    assert leftovers(tmp_path) == []


def test_api_limits_of_n_boot_and_n_sim() -> None:
    ds = fg.synth.generate(persons=300, seed=1, progress=False)
    with pytest.raises(ValueError, match="n_boot must be at most 1,000,000"):
        fg.indicators.recurrence_risk(ds, n_boot=10**11)
    with pytest.raises(ValueError, match="n_boot must be at most"):
        fg.indicators.suite(ds, n_boot=10**7)
    with pytest.raises(ValueError, match="n_sim must be an integer >= 0 and <= 10000000"):
        fg.indicators.suite(ds, n_sim=10**8)
    assert len(fg.indicators.recurrence_risk(ds, n_boot=3).table) == 3  # small values still work


@pytest.fixture(autouse=True)
def _no_stale_state() -> Iterator[None]:
    yield
    assert _files._INPUTS.get() is None  # every run's input registry is closed
