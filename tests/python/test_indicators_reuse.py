"""Reading the indicators JSON back (issue 16): ``Result.from_dict`` is the exact inverse of
``to_dict``, a report from reloaded results is byte for byte the report from the computation, and
``famgraph report --from`` refuses a JSON of other data or other options.

The oracle of the round trip is the computed result itself: every frame is compared with
``pd.testing.assert_frame_equal`` (values exactly, dtypes, column order, index) and its ``attrs``;
the report bytes are compared whole.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import famgraph as fg
from famgraph.cell_key import CellKey
from famgraph.cli import main as cli_main
from famgraph.indicators import Result
from famgraph.report import report
from report_fixtures import unusual_ids

SECRET = b"reuse test secret of the cell key!"
OTHER_SECRET = b"another secret of the cell key!!!!"
DATE = "2025-01-01"


def through_json(doc: Any) -> Any:
    """What a file holds: strict JSON text, parsed again."""
    return json.loads(json.dumps(doc, allow_nan=False, ensure_ascii=False))


@pytest.fixture(scope="module")
def ds() -> fg.Dataset:
    return fg.synth.generate(persons=2_500, seed=7, progress=False)


def _suites(ds: fg.Dataset) -> dict[str, dict[str, Result]]:
    return {
        "default": fg.indicators.suite(ds, n_boot=30, n_sim=19),
        "min_cell_0": fg.indicators.suite(ds, n_boot=30, n_sim=19, min_cell=0),
        "cell_key": fg.indicators.suite(ds, disclosure="cell_key", cell_key=CellKey(SECRET)),
    }


@pytest.fixture(scope="module")
def suites(ds: fg.Dataset) -> dict[str, dict[str, Result]]:
    return _suites(ds)


def assert_same_result(back: Result, r: Result) -> None:
    assert back.name == r.name
    assert list(back.tables) == list(r.tables)
    for key, frame in r.tables.items():
        pd.testing.assert_frame_equal(back.tables[key], frame, check_exact=True, obj=f"{r.name}.{key}")
        assert back.tables[key].attrs == frame.attrs, f"{r.name}.{key}: attrs"
        # NaN exactly where NaN (assert_frame_equal would let None stand for NaN in object columns)
        assert back.tables[key].isna().equals(frame.isna())
    assert back.parameters == through_json(r.parameters)
    assert (back.definition, back.note, back.empty) == (r.definition, r.note, r.empty)
    assert back.verdict == r.verdict and back.headline == r.headline and back.stamp == r.stamp
    assert back.summary() == r.summary()


@pytest.mark.parametrize("which", ["default", "min_cell_0", "cell_key"])
def test_from_dict_inverts_to_dict(suites: dict[str, dict[str, Result]], which: str) -> None:
    res = suites[which]
    assert res
    for r in res.values():
        assert_same_result(Result.from_dict(through_json(r.to_dict())), r)
    # the whole document, as `famgraph indicators --json` writes it
    back = fg.indicators.from_json(through_json(fg.indicators.to_json(res)))
    assert list(back) == list(res)
    for name, r in res.items():
        assert_same_result(back[name], r)


def test_round_trip_of_a_tiny_dataset_with_empty_and_suppressed_tables() -> None:
    """26 persons: most counts suppressed, several tables without rows (their columns and dtypes
    come back all the same)."""
    small, _, _ = unusual_ids()
    res = fg.indicators.suite(small, n_boot=20, n_sim=9)
    emptied = [f"{n}.{k}" for n, r in res.items() for k, f in r.tables.items() if len(f) == 0]
    hidden = sum(
        int(f[c].sum())
        for r in res.values()
        for f in r.tables.values()
        for c in f
        if c.endswith("_suppressed")
    )
    assert emptied and hidden > 0  # the case this test is about
    back = fg.indicators.from_json(through_json(fg.indicators.to_json(res)))
    for name, r in res.items():
        assert_same_result(back[name], r)


def test_suppressed_flags_come_from_the_suppressed_lists(suites: dict[str, dict[str, Result]]) -> None:
    r = suites["default"]["victim_to_perpetrator"]
    d = through_json(r.to_dict())
    flags = [c for c in r.table.columns if c.endswith("_suppressed")]
    assert flags
    for rec in d["tables"]["table"]:
        rec["suppressed"] = []
    back = Result.from_dict(d)
    assert not back.table[flags].to_numpy().any()
    rec = d["tables"]["table"][0]
    rec["suppressed"] = ["exposed.outcome", "risk_ratio"]
    back = Result.from_dict(d)
    row = back.table.iloc[0]
    assert bool(row["a_suppressed"]) and bool(row["risk_ratio_suppressed"]) and not bool(row["b_suppressed"])


def test_negative_zero_survives() -> None:
    f = pd.DataFrame({"x": [-0.0, 0.0, 1.5]})
    from famgraph.indicators._result import frame_from_records, frame_layout, frame_records

    back = frame_from_records(through_json(frame_records(f)), through_json(frame_layout(f)))
    assert np.signbit(back["x"].to_numpy()).tolist() == [True, False, False]


def test_old_and_foreign_documents_are_refused(suites: dict[str, dict[str, Result]]) -> None:
    doc = through_json(fg.indicators.to_json(suites["default"]))
    old = dict(doc, schema_version="1.2")
    with pytest.raises(ValueError, match=r"schema_version 1\.2 cannot be read back"):
        fg.indicators.from_json(old)
    with pytest.raises(ValueError, match=r"schema_version 2\.0 .* reads 1\.x"):
        fg.indicators.from_json(dict(doc, schema_version="2.0"))
    with pytest.raises(fg.DataError, match="not a famgraph indicators document"):
        fg.indicators.from_json({"schema_version": "1.3"})
    broken = through_json(doc)
    del broken["chains"]["frames"]
    with pytest.raises(ValueError, match="chains: no 'frames'"):
        fg.indicators.from_json(broken)


# ---- the report -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("which", "lang"), [("default", "en"), ("min_cell_0", "nl"), ("cell_key", "en")])
def test_report_from_reloaded_results_is_byte_identical(
    ds: fg.Dataset, suites: dict[str, dict[str, Result]], tmp_path: Path, which: str, lang: str
) -> None:
    res = suites[which]
    m = next(iter(res.values())).min_cell
    doc = through_json(fg.indicators.to_json(res, dataset=ds))
    back = fg.indicators.from_json(doc)
    # the scan and the pedigree do not depend on the results: shared / left out to save time
    same: dict[str, Any] = {"lang": lang, "min_cell": m, "date": DATE, "pedigree": which == "default"}
    same["quality"] = fg.quality.scan(ds, min_cell=m)
    a = report(ds, tmp_path / "a.html", results=res, **same).read_bytes()
    b = report(ds, tmp_path / "b.html", results=back, **same).read_bytes()
    assert a == b


def test_report_refuses_reloaded_results_of_another_window(
    ds: fg.Dataset, suites: dict[str, dict[str, Result]], tmp_path: Path
) -> None:
    back = fg.indicators.from_json(through_json(fg.indicators.to_json(suites["default"])))
    with pytest.raises(ValueError, match="the results were computed with 2"):
        report(ds, tmp_path / "r.html", results=back, window="2015:2020", date=DATE)
    assert not (tmp_path / "r.html").exists()


def test_load_json_checks_the_dataset_and_options(
    ds: fg.Dataset, suites: dict[str, dict[str, Result]], tmp_path: Path
) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps(fg.indicators.to_json(suites["default"], dataset=ds)))
    assert list(fg.indicators.load_json(path, ds)) == list(fg.indicators.NAMES)
    with pytest.raises(ValueError, match="min_cell is 10 there but 5 here"):
        fg.indicators.load_json(path, ds, min_cell=5)
    with pytest.raises(ValueError, match="the window is"):
        fg.indicators.load_json(path, ds, window="2012:2020")
    with pytest.raises(ValueError, match="disclosure method"):
        fg.indicators.load_json(path, ds, disclosure="cell_key", cell_key=CellKey(SECRET))
    other = fg.synth.generate(persons=3_000, seed=7, progress=False)
    with pytest.raises(ValueError, match=r"dataset\.persons is 2500 there but 3000 here"):
        fg.indicators.load_json(path, other)
    # same counts, other data: only the fingerprint tells
    persons = ds.persons.copy()
    persons.loc[persons.index[-1], "sex"] = "F" if persons["sex"].iloc[-1] != "F" else "M"
    changed = fg.Dataset.from_pandas(persons, ds.partnerships, ds.events, ds.contacts)
    with pytest.raises(ValueError, match="the counts agree but the data differ"):
        fg.indicators.load_json(path, changed)
    # without a dataset block nothing can be matched
    path.write_text(json.dumps(fg.indicators.to_json(suites["default"])))
    with pytest.raises(ValueError, match="no dataset fingerprint"):
        fg.indicators.load_json(path, ds)
    assert list(fg.indicators.load_json(path)) == list(fg.indicators.NAMES)  # no dataset: no check


def test_cell_key_documents_need_the_same_secret(
    ds: fg.Dataset, suites: dict[str, dict[str, Result]], tmp_path: Path
) -> None:
    path = tmp_path / "ck.json"
    doc = fg.indicators.to_json(suites["cell_key"], dataset=ds)
    text = json.dumps(doc)
    assert (
        SECRET.decode() not in text
        and doc["parameters"]["cell_key"]["fingerprint"] == CellKey(SECRET).fingerprint
    )
    path.write_text(text)
    got = fg.indicators.load_json(path, ds, disclosure="cell_key", cell_key=CellKey(SECRET))
    assert list(got) == list(suites["cell_key"])
    with pytest.raises(ValueError, match="under another secret"):
        fg.indicators.load_json(path, ds, disclosure="cell_key", cell_key=CellKey(OTHER_SECRET))
    with pytest.raises(ValueError, match=r"cell_key\.scope"):
        fg.indicators.load_json(path, ds, disclosure="cell_key", cell_key=CellKey(SECRET, scope="records"))
    with pytest.raises(ValueError, match="disclosure method"):
        fg.indicators.load_json(path, ds)


def test_fingerprint_is_of_the_data_not_the_file_format(tmp_path: Path) -> None:
    small, _, _ = unusual_ids()
    a = fg.Dataset.from_csv(small.to_csv(tmp_path / "csv"))
    b = fg.Dataset.from_parquet(small.to_parquet(tmp_path / "parquet"))
    assert fg.indicators.fingerprint(a) == fg.indicators.fingerprint(b) == fg.indicators.fingerprint(small)
    ev = small.events.copy()
    ev.loc[ev.index[0], "date"] = "1999-01-02"
    other = fg.Dataset.from_pandas(small.persons, small.partnerships, ev, small.contacts)
    assert fg.indicators.fingerprint(other) != fg.indicators.fingerprint(small)


# ---- the command line -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reuse") / "data"
    assert cli_main(["synth", "--persons", "3000", "--seed", "5", "--out", str(out)]) == 0
    return out


def test_cli_report_from_json_equals_the_computed_report(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results, a, b = tmp_path / "results.json", tmp_path / "a.html", tmp_path / "b.html"
    opts = ["--n-boot", "20", "--n-sim", "19"]
    rc = cli_main(
        ["indicators", str(folder), "--json", str(results), *opts, "--report", str(a), "--date", DATE]
    )
    assert rc == 0, capsys.readouterr().err
    doc = json.loads(results.read_text())
    assert doc["schema_version"] == fg.indicators.SCHEMA_VERSION
    assert doc["dataset"]["fingerprint"].startswith("sha256:")
    before = results.read_bytes()
    assert cli_main(["report", str(folder), "-o", str(b), "--from", str(results), "--date", DATE]) == 0
    assert a.read_bytes() == b.read_bytes()
    # ... and equal to the report of the Python API computing the same results
    ds = fg.Dataset.from_csv(folder)
    c = report(ds, tmp_path / "c.html", results=fg.indicators.suite(ds, n_boot=20, n_sim=19), date=DATE)
    assert c.read_bytes() == a.read_bytes()

    # the JSON is an input: never the output, not even through a hard link
    capsys.readouterr()
    assert cli_main(["report", str(folder), "-o", str(results), "--from", str(results)]) == 2
    assert "is an input of this run" in capsys.readouterr().err
    link = tmp_path / "link.html"
    os.link(results, link)
    assert cli_main(["report", str(folder), "-o", str(link), "--from", str(results)]) == 2
    assert results.read_bytes() == before


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        (["--min-cell", "5"], 2, "min_cell is 10 there but 5 here"),
        (["--window", "2015:2020"], 2, "the window is"),
        (["--missing-parents", "add", "--on-error", "quarantine"], 2, "dataset.quarantined"),
    ],
)
def test_cli_report_from_refuses_other_options(
    folder: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    code: int,
    message: str,
) -> None:
    results = tmp_path / "r.json"
    assert cli_main(["indicators", str(folder), "--json", str(results), "--n-boot", "0", "--n-sim", "0"]) == 0
    capsys.readouterr()
    out = tmp_path / "x.html"
    assert cli_main(["report", str(folder), "-o", str(out), "--from", str(results), *extra]) == code
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) <= 2 and "Traceback" not in err
    assert not out.exists()


def test_cli_report_from_refuses_foreign_files(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.html"
    bad = tmp_path / "bad.json"
    bad.write_text("<html>")
    assert cli_main(["report", str(folder), "-o", str(out), "--from", str(bad)]) == 1
    assert "not a famgraph indicators document" in capsys.readouterr().err
    bad.write_text(json.dumps({"schema_version": "2.0", "famgraph_version": "9"}))
    assert cli_main(["report", str(folder), "-o", str(out), "--from", str(bad)]) == 2
    assert "this famgraph reads 1.x" in capsys.readouterr().err
    assert cli_main(["report", str(folder), "-o", str(out), "--from", str(tmp_path / "missing.json")]) == 3
    assert not out.exists()


def test_cli_indicators_report_options(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    same = tmp_path / "same"
    assert cli_main(["indicators", str(folder), "--json", str(same), "--report", str(same)]) == 2
    assert "the same file as --json" in capsys.readouterr().err
    assert cli_main(["indicators", str(folder), "--lang", "nl"]) == 2
    assert "--lang is an option of --report" in capsys.readouterr().err
    assert cli_main(["indicators", str(folder), "--report", str(folder / "persons.csv")]) == 2
    assert not same.exists()
