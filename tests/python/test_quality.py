"""Data-maturity scan (famgraph.quality): every metric against shares computed by hand on a small
hand-made three-organisation fixture, disclosure control, split by source, outputs and CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import famgraph as fg
from famgraph import quality
from famgraph.cli import main as cli_main

# Person ids are large so that their absence from every output can be checked.
P = {k: 900_000 + k for k in range(1, 10)}
NONE = None


def _persons(rows: list[tuple[object, ...]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["person_id", "sex", "birth_date", "exit_date", "mother_id", "father_id"]
    )


def fixture() -> dict[str, dict[str, pd.DataFrame]]:
    """Three organisations, raw text as delivered (hand-computed expectations in the tests)."""
    police = {
        "persons": _persons(
            [
                (str(P[1]), "F", "1980-05-01", "", "", ""),
                (str(P[2]), "M", "1978", "", "", ""),
                (str(P[3]), "U", "2005-02-30", "", str(P[1]), str(P[2])),  # impossible date
                (str(P[4]), "F", "", "", "", ""),
                (str(P[5]), "X", "1990", "", "", ""),  # invalid sex code
            ]
        ),
        "events": pd.DataFrame(
            [
                ("10", str(P[1]), "victim", "2010-01-01", "pv", "police", "2010-01-05"),  # lag 4
                ("10", str(P[2]), "perpetrator", "2010-01-01", "pv", "police", "2010-03-01"),  # lag 59
                ("11", str(P[4]), "victim", "2011-06", "pv", "police", "2011-06-20"),  # 15 June -> lag 5
                ("12", str(P[9]), "hero", "2012", "pv", "police", ""),  # unknown person, bad role
                (
                    "13",
                    str(P[1]),
                    "victim",
                    "1975-01-01",
                    "pv",
                    "police",
                    "1974-12-31",
                ),  # before birth; lag -1
            ],
            columns=["incident_id", "person_id", "role", "date", "kind", "source", "recorded_date"],
        ),
    }
    youth_care = {
        "persons": _persons(
            [
                (P[1], "F", "1980", NONE, NONE, NONE),  # agrees with police (1980-05-01 is in 1980)
                (P[2], "F", "1978-03-03", NONE, NONE, NONE),  # sex disagrees (police: M); birth agrees
                (P[4], "F", "1985", NONE, NONE, NONE),  # police has no birth date: not compared
                (P[6], "M", "2000", NONE, NONE, NONE),  # in no other persons table
                (P[5], "F", "1991", NONE, NONE, NONE),  # police sex X: not compared; birth 1990 disagrees
            ]
        ),
        "contacts": pd.DataFrame(
            {
                "person_id": [P[6], P[1]],
                "source": ["youth_care", "youth_care"],
                "start_date": ["2015-01-01", "2016"],
                "end_date": [None, "2015"],  # end before start
                "kind": ["support", "support"],
                "recorded_date": ["2015-01-10", "2016-07-01"],  # lags 9 and 0 (2016 = 1 July)
            }
        ),
    }
    school = {
        "events": pd.DataFrame(
            {
                "incident_id": [20, 20],
                "person_id": [P[6], P[7]],
                "role": ["witness", "victim"],
                "date": ["2014-09-01", "2014-09-01"],
                "kind": ["cm", "cm"],
                "source": ["school", "school"],
            }
        )
    }
    return {"police": police, "youth_care": youth_care, "school": school}


def _metric(
    report: quality.QualityReport, org: str, table: str, fld: str, dim: str, metric: str
) -> pd.Series:
    t = report.table
    rows = t[
        (t.organisation == org)
        & (t.table == table)
        & (t.field == fld)
        & (t.dimension == dim)
        & (t.metric == metric)
    ]
    assert len(rows) == 1, (org, table, fld, dim, metric, len(rows))
    return rows.iloc[0]


def _value(report: quality.QualityReport, *key: str) -> tuple[float | None, int | None, str | None]:
    r = _metric(report, *key)
    return (
        None if pd.isna(r.value) else float(r.value),
        None if pd.isna(r.n) else int(r.n),
        r.score,
    )


@pytest.fixture(scope="module")
def open_report() -> quality.QualityReport:
    return quality.scan(fixture(), min_cell=0)


# ------------------------------------------------------------------------------------ completeness


@pytest.mark.parametrize(
    ("org", "table", "fld", "expected"),
    [
        ("police", "persons", "person_id", (1.0, 5, "green")),
        ("police", "persons", "sex", (4 / 5, 5, "amber")),  # U is absent; X is present (invalid)
        ("police", "persons", "birth_date", (4 / 5, 5, "amber")),
        ("police", "persons", "mother_id", (1 / 5, 5, "not scored")),
        ("police", "persons", "exit_date", (0.0, 5, "not scored")),
        ("police", "events", "role", (1.0, 5, "green")),
        ("police", "events", "recorded_date", (4 / 5, 5, "not scored")),
        ("youth_care", "contacts", "end_date", (1 / 2, 2, "not scored")),
        ("youth_care", "persons", "sex", (1.0, 5, "green")),
        ("school", "events", "person_id", (1.0, 2, "green")),
    ],
)
def test_completeness(
    open_report: quality.QualityReport, org: str, table: str, fld: str, expected: tuple
) -> None:
    assert _value(open_report, org, table, fld, "completeness", "share_present") == pytest.approx(expected)


def test_completeness_thresholds_at_the_boundaries() -> None:
    persons = _persons([(k, "F" if k <= 19 else "U", None, None, None, None) for k in range(1, 21)])
    r = quality.scan({"a": {"persons": persons}}, min_cell=0)
    assert _value(r, "a", "persons", "sex", "completeness", "share_present") == (0.95, 20, "green")
    persons.loc[persons.person_id == 19, "sex"] = "U"
    r = quality.scan({"a": {"persons": persons}}, min_cell=0)
    assert _value(r, "a", "persons", "sex", "completeness", "share_present") == (0.9, 20, "amber")


# ---------------------------------------------------------------------------------------- validity


@pytest.mark.parametrize(
    ("org", "table", "fld", "expected"),
    [
        ("police", "persons", "sex", (3 / 4, 4, "red")),  # X
        ("police", "persons", "birth_date", (3 / 4, 4, "red")),  # 2005-02-30
        ("police", "persons", "person_id", (1.0, 5, "green")),
        ("police", "persons", "mother_id", (1.0, 1, "green")),
        ("police", "persons", "exit_date", (None, 0, "not measurable")),
        ("police", "events", "person_id", (4 / 5, 5, "red")),  # unknown person P9
        ("police", "events", "role", (4 / 5, 5, "red")),  # hero
        ("police", "events", "date", (4 / 5, 5, "red")),  # event before birth
        ("police", "events", "incident_id", (1.0, 5, "green")),
        ("police", "events", "recorded_date", (1.0, 4, "green")),
        ("youth_care", "contacts", "end_date", (0.0, 1, "red")),  # end before start
        ("youth_care", "contacts", "start_date", (1.0, 2, "green")),
        ("school", "events", "person_id", (1.0, 2, "green")),  # no persons table: references not checked
    ],
)
def test_validity(
    open_report: quality.QualityReport, org: str, table: str, fld: str, expected: tuple
) -> None:
    assert _value(open_report, org, table, fld, "validity", "share_valid") == pytest.approx(expected)


def test_issues_by_rule(open_report: quality.QualityReport) -> None:
    got = {
        (r.organisation, r.table, r.rule, r.column): int(r["count"])
        for _, r in open_report.issues.iterrows()
        if r.severity == "error"
    }
    assert got == {
        ("police", "persons", "parse.sex", "sex"): 1,
        ("police", "persons", "parse.date", "birth_date"): 1,
        ("police", "events", "ref.unknown_id", "person_id"): 1,
        ("police", "events", "parse.role", "role"): 1,
        ("police", "events", "event.before_birth", "date"): 1,
        ("youth_care", "contacts", "date.end_before_start", "end_date"): 1,
    }
    assert any("school: no persons table" in n for n in open_report.notes)


# ------------------------------------------------------------------------------------- linkability


def test_linkability(open_report: quality.QualityReport) -> None:
    # police persons {1,2,3,4,5,9}: 1,2,4,5 in youth_care -> 4/6; youth_care {1,2,4,5,6}: 1,2,4,5 in
    # police, 6 at school -> 5/5; school {6,7}: 6 in youth_care -> 1/2.
    key = ("all", "person_id", "linkability", "share_linked")
    assert _value(open_report, "police", *key) == pytest.approx((4 / 6, 6, "green"))
    assert _value(open_report, "youth_care", *key) == (1.0, 5, "green")
    assert _value(open_report, "school", *key) == (0.5, 2, "green")


def test_linkability_needs_two_organisations() -> None:
    r = quality.scan({"only": fixture()["police"]}, min_cell=0)
    assert _value(r, "only", "all", "person_id", "linkability", "share_linked") == (
        None,
        None,
        "not measurable",
    )


# ------------------------------------------------------------------------------------- timeliness


def test_timeliness(open_report: quality.QualityReport) -> None:
    # police events with both dates: lags 4, 59, 5, -1 -> timely (0..30 days) 2 of 4; median 4.5
    assert _value(open_report, "police", "events", "recorded_date", "timeliness", "share_timely") == (
        0.5,
        4,
        "red",
    )
    assert _value(open_report, "police", "events", "recorded_date", "timeliness", "median_lag_days") == (
        4.5,
        4,
        "not scored",
    )
    assert _value(open_report, "youth_care", "contacts", "recorded_date", "timeliness", "share_timely") == (
        1.0,
        2,
        "green",
    )
    assert _value(open_report, "school", "events", "recorded_date", "timeliness", "share_timely") == (
        None,
        None,
        "not measurable",
    )


def test_timely_days_parameter() -> None:
    r = quality.scan(fixture(), min_cell=0, timely_days=60)
    assert _value(r, "police", "events", "recorded_date", "timeliness", "share_timely")[0] == 0.75


# ------------------------------------------------------------------------------------- consistency


def test_consistency(open_report: quality.QualityReport) -> None:
    # sex: persons 1, 2, 4 have F/M in both; 2 differs -> 2/3 for both organisations.
    # birth: 1 (1980-05-01 vs 1980) agree, 2 (1978 vs 1978-03-03) agree, 5 (1990 vs 1991) differ -> 2/3.
    for org in ("police", "youth_care"):
        for fld in ("sex", "birth_date"):
            assert _value(
                open_report, org, "persons", fld, "consistency", "share_consistent"
            ) == pytest.approx((2 / 3, 3, "red"))
    assert (
        not (open_report.table.organisation == "school")
        .loc[open_report.table.dimension == "consistency"]
        .any()
    )


# ------------------------------------------------------------------------------ disclosure control


def test_disclosure_control() -> None:
    r = quality.scan(fixture(), min_cell=3)
    # A share over fewer than 3 records: value, n and score suppressed.
    row = _metric(r, "youth_care", "contacts", "end_date", "validity", "share_valid")
    assert row.suppressed and pd.isna(row.value) and pd.isna(row.n) and row.score is None
    # Over enough records, but 1 of the 4 fails (0 < 1 < 3): the share would give that small
    # number away (issue #13: the report's overview hides it), so value and score are hidden.
    # Its n, the 4 persons with a sex, is hidden too: the table's 5 rows (the n of completeness,
    # published) less 4 give the 1 without one (the whole-output audit).
    row = _metric(r, "police", "persons", "sex", "validity", "share_valid")
    assert row.suppressed and pd.isna(row.value) and pd.isna(row.n) and row.score is None
    assert _metric(r, "police", "persons", "sex", "completeness", "share_present").n == 5
    # All of them pass (a zero fails): published.
    assert _value(r, "police", "persons", "person_id", "completeness", "share_present")[0] == 1.0
    # Linkability: police 4 of 6 linked, 2 not (< 3): suppressed, n published.
    row = _metric(r, "police", "all", "person_id", "linkability", "share_linked")
    assert row.suppressed and pd.isna(row.value) and row.n == 6 and row.score is None
    # youth_care: 0 unlinked (< 3, zeros included): suppressed.
    assert _metric(r, "youth_care", "all", "person_id", "linkability", "share_linked").suppressed
    # Consistency: 1 disagreement (0 < 1 < 3): suppressed.
    assert _metric(r, "police", "persons", "sex", "consistency", "share_consistent").suppressed
    # Issue counts below 3 are suppressed.
    assert r.issues["suppressed"].all() and r.issues["count"].isna().all()
    assert r.table.attrs["min_cell"] == 3
    assert "min_cell = 3" in r.summary() and "<3" in r.summary()


def test_consistency_without_disagreements_is_published() -> None:
    a = _persons([(k, "F", "1980", None, None, None) for k in range(1, 13)])
    r = quality.scan({"a": {"persons": a}, "b": {"persons": a.copy()}}, min_cell=10)
    assert _value(r, "a", "persons", "sex", "consistency", "share_consistent") == (1.0, 12, "green")
    # linkability 12 of 12: the 0 unlinked is suppressed
    assert _metric(r, "a", "all", "person_id", "linkability", "share_linked").suppressed


def test_min_cell_validation() -> None:
    with pytest.raises(TypeError):
        quality.scan(fixture(), min_cell=2.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        quality.scan(fixture(), min_cell=-1)


# ------------------------------------------------------------------------------- inputs and options


def test_single_dataset_split_by_source() -> None:
    persons = _persons([(k, "F", "1980", None, None, None) for k in (1, 2, 3)])
    events = pd.DataFrame(
        {
            "incident_id": [1, 1, 2, 2],
            "person_id": [1, 2, 2, 3],
            "role": ["victim", "perpetrator", "victim", "witness"],
            "date": ["2010", "2010", "2011", "2011"],
            "kind": ["pv"] * 4,
            "source": ["A", "A", "B", "B"],
        }
    )
    ds = fg.Dataset.from_pandas(persons, events=events)
    for data in (ds, {"persons": persons, "events": events}):
        r = quality.scan(data, min_cell=0)  # type: ignore[arg-type]
        assert set(r.table.organisation) == {"(all)", "A", "B"}
        assert _value(r, "A", "all", "person_id", "linkability", "share_linked") == (0.5, 2, "green")
        assert _value(r, "B", "events", "role", "completeness", "share_present") == (1.0, 2, "green")
        assert _value(r, "(all)", "persons", "sex", "consistency", "share_consistent")[2] == "not measurable"
        assert not (r.table.organisation == "(all)").loc[r.table.dimension == "linkability"].any()


def test_dataset_inputs_per_organisation() -> None:
    ds = fg.synth.generate(persons=800, seed=2, progress=False)
    r = quality.scan({"x": ds, "y": ds}, min_cell=0)
    assert _value(r, "x", "persons", "birth_date", "validity", "share_valid") == (1.0, 800, "green")
    assert _value(r, "x", "persons", "sex", "consistency", "share_consistent") == (1.0, 800, "green")
    assert _value(r, "y", "all", "person_id", "linkability", "share_linked")[0] == 1.0
    assert any("passed validation" in n for n in r.notes)


def test_missing_columns_are_reported_and_the_rest_validated() -> None:
    persons = pd.DataFrame({"person_id": ["1", "2", "2"], "birth_date": ["1980", "19x", "1990"]})
    r = quality.scan({"a": {"persons": persons}}, min_cell=0)
    assert _value(r, "a", "persons", "sex", "completeness", "share_present") == (0.0, 3, "red")
    assert _value(r, "a", "persons", "birth_date", "validity", "share_valid") == pytest.approx(
        (2 / 3, 3, "red")
    )
    assert _value(r, "a", "persons", "person_id", "validity", "share_valid") == pytest.approx(
        (2 / 3, 3, "red")
    )
    assert any("persons has no column(s) sex, exit_date, mother_id, father_id" in n for n in r.notes)


def test_thresholds_override_and_errors() -> None:
    r = quality.scan(fixture(), min_cell=0, thresholds={"validity": (0.7, 0.5)})
    assert _value(r, "police", "persons", "sex", "validity", "share_valid")[2] == "green"
    with pytest.raises(ValueError, match="unknown dimension"):
        quality.scan(fixture(), thresholds={"accuracy": (0.9, 0.8)})
    with pytest.raises(ValueError, match="amber <= green"):
        quality.scan(fixture(), thresholds={"validity": (0.5, 0.9)})
    with pytest.raises(TypeError):
        quality.scan({})
    with pytest.raises(ValueError, match="unknown table"):
        quality.scan({"a": {"people": pd.DataFrame()}})


def test_date_parser_agrees_with_famgraph() -> None:
    from famgraph import _core

    texts = [
        "1985-03-12",
        "1985-03",
        "1985",
        "2000-02-29",
        "1900-02-29",
        "1799",
        "2200-12-31",
        " 1985 ",
        "1985-13",
        "1985-00",
        "1985-1-1",
        "85",
        "",
        "abcd",
        "2201",
        "1985-02-29",
        "1984-02-29",
    ]
    ok, lo, hi, mid = quality._dates(pd.Series(texts, dtype=object))
    for k, t in enumerate(texts):
        try:
            day, prec = _core.parse_dates([t.strip()])
            valid = bool(prec[0] > 0)
        except ValueError:
            valid = False
        assert ok[k] == valid, t
        if valid:
            assert mid[k] == day[0], t
            assert lo[k] <= mid[k] <= hi[k]
    # periods: 1985 = 1985-01-01 .. 1985-12-31; 1985-03 = 1 .. 31 March
    assert (hi[0], lo[2], hi[2]) == (lo[0], 5479, 5843)
    assert hi[1] - lo[1] == 30


# ----------------------------------------------------------------------------------------- outputs


def test_outputs_hold_no_person_ids(open_report: quality.QualityReport) -> None:
    text = json.dumps(open_report.to_dict()) + open_report.summary() + open_report._repr_html_()
    text += open_report.table.to_csv() + open_report.issues.to_csv()
    for pid in P.values():
        assert str(pid) not in text


def test_to_dict(open_report: quality.QualityReport) -> None:
    d = quality.scan(fixture(), min_cell=3).to_dict()
    json.dumps(d, allow_nan=False)
    assert d["parameters"]["min_cell"] == 3 and d["parameters"]["thresholds"]["completeness"] == {
        "green": 0.95,
        "amber": 0.8,
    }
    assert "min_cell = 3" in d["disclosure_control"]
    link = next(m for m in d["metrics"] if m["organisation"] == "police" and m["dimension"] == "linkability")
    assert link["value"] is None and link["score"] is None and link["n"] == 6
    assert link["suppressed"] == ["value", "score"]
    assert all(i["count"] is None and i["suppressed"] == ["count"] for i in d["issues"])
    assert len(d["metrics"]) == len(open_report.table)


def test_summary_and_html(open_report: quality.QualityReport) -> None:
    s = open_report.summary()
    assert "disclosure control: OFF" in s
    assert "police" in s and "66.7%" in s and "4.5 d" in s
    h = open_report._repr_html_()
    assert h.startswith("<div>") and "background:#ffcdd2" in h and "&lt;" not in h.replace("&lt;", "", 0)
    evil = quality.scan({"<b>x</b>": fixture()["school"]}, min_cell=0)._repr_html_()
    assert "<b>x</b>" not in evil and "&lt;b&gt;x&lt;/b&gt;" in evil


def test_cli_scan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for org, tables in fixture().items():
        folder = tmp_path / org
        folder.mkdir()
        for t, df in tables.items():
            df.to_csv(folder / f"{t}.csv", index=False)
    out = tmp_path / "report.json"
    args = ["scan", *(str(tmp_path / o) for o in ("police", "youth_care", "school"))]
    assert cli_main([*args, "--json", str(out), "--min-cell", "0"]) == 0
    assert "famgraph data-maturity scan: 3 organisation(s)" in capsys.readouterr().out
    d = json.loads(out.read_text())
    got = {
        (m["organisation"], m["table"], m["field"], m["dimension"], m["metric"]): m["value"]
        for m in d["metrics"]
    }
    assert got[("police", "events", "recorded_date", "timeliness", "share_timely")] == 0.5
    assert got[("police", "persons", "sex", "validity", "share_valid")] == 0.75
    assert got[("school", "all", "person_id", "linkability", "share_linked")] == 0.5
    # one folder: organisations from source
    assert cli_main(["scan", str(tmp_path / "police"), "--min-cell", "0"]) == 0
    assert cli_main(["scan", str(tmp_path / "nope")]) == 3  # environment: not found
    assert "not found (expected a dataset folder)" in capsys.readouterr().err


def test_read_folder_keeps_raw_text(tmp_path: Path) -> None:
    (tmp_path / "persons.csv").write_bytes(b"\xef\xbb\xbfperson_id,sex,birth_date\n007,F,\n")
    frames = quality.read_folder(tmp_path)
    assert frames["persons"].values.tolist() == [["007", "F", ""]]
    assert np.array_equal(quality._ids(frames["persons"]["person_id"]), np.array([7]))


# ------------------------------------------------------------- the Python CSV front (fuzz findings)


def test_from_csv_non_ascii_byte_after_a_closing_quote_is_a_data_error(tmp_path: Path) -> None:
    # Found by tests/fuzz/fuzz_csv_py.py: the message held the raw byte (here the first byte of
    # "ü"), which Python could not decode, so from_csv raised UnicodeDecodeError, not DataError.
    (tmp_path / "persons.csv").write_bytes(
        b'person_id,sex,birth_date,exit_date,mother_id,father_id\n1,"F"\xc3\xbc,,,,\n'
    )
    with pytest.raises(fg.DataError) as info:
        fg.Dataset.from_csv(tmp_path)
    (issue,) = info.value.errors
    assert (issue.rule, issue.line) == ("csv.syntax", 2)
    assert "unexpected character '\\xc3' after a closing quote" in issue.message
    # the scan's reader (pandas) reads the same file: one row, to be checked by the validator
    frames = quality.read_folder(tmp_path)
    assert len(frames["persons"]) == 1


# ------------------------------------------------- Datasets: the column path against the text path


def _same_as_text_path(data: object, **options: int) -> quality.QualityReport:
    """scan (compiled columns for Datasets) must equal the text path (_scan_frames) exactly."""
    fast = quality.scan(data, **options)  # type: ignore[arg-type]
    slow = quality._scan_frames(data, **options)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(fast.table, slow.table)
    pd.testing.assert_frame_equal(fast.issues, slow.issues)
    assert fast.table.attrs == slow.table.attrs and fast.issues.attrs == slow.issues.attrs
    assert fast.notes == slow.notes
    return fast


def _perturbed_persons(ds: fg.Dataset, seed: int) -> fg.Dataset:
    """The persons of ``ds`` as another organisation records them: some births only to the year or
    month, some shifted, some sexes unknown or swapped (parents and exits dropped so that the
    changed births stay valid)."""
    rng = np.random.default_rng(seed)
    p = ds.persons.copy()
    n = len(p)
    birth = p["birth_date"].astype(object).to_numpy()
    shifted = pd.to_datetime(p["birth_date"]) + pd.to_timedelta(rng.integers(-400, 400, n), unit="D")
    u = rng.random(n)
    birth = np.where(u < 0.2, p["birth_date"].str[:4], birth)
    birth = np.where((u >= 0.2) & (u < 0.4), p["birth_date"].str[:7], birth)
    birth = np.where((u >= 0.4) & (u < 0.5), shifted.dt.strftime("%Y-%m-%d"), birth)
    birth = np.where((u >= 0.5) & (u < 0.55), None, birth)
    v = rng.random(n)
    sex = p["sex"].to_numpy(dtype=object)
    sex = np.where(v < 0.05, "U", np.where(v < 0.1, np.where(sex == "F", "M", "F"), sex))
    keep = rng.random(n) < 0.8  # persons only one organisation knows are not compared
    out = pd.DataFrame(
        {
            "person_id": p["person_id"],
            "sex": sex,
            "birth_date": birth,
            "exit_date": None,
            "mother_id": None,
            "father_id": None,
        }
    )[keep]
    return fg.Dataset.from_pandas(out)


@pytest.mark.parametrize(("persons", "seed"), [(2_000, 1), (7_000, 2), (20_000, 3)])
def test_dataset_columns_equal_the_text_path_synthetic(persons: int, seed: int) -> None:
    ds = fg.synth.generate(persons=persons, seed=seed, progress=False)
    other = _perturbed_persons(ds, seed)
    for min_cell in (0, 10):
        r = _same_as_text_path(ds, min_cell=min_cell)
        assert len(set(r.table.organisation)) > 2  # split into several sources
        r = _same_as_text_path({"a": ds, "b": other, "c": ds}, min_cell=min_cell)
        # the perturbation leaves some disagreements (else consistency would not be tested)
        assert 0 < _value(r, "b", "persons", "birth_date", "consistency", "share_consistent")[0] < 1
        assert 0 < _value(r, "a", "persons", "sex", "consistency", "share_consistent")[0] < 1
    _same_as_text_path({"only": ds}, min_cell=0)
    _same_as_text_path({"x": ds, "y": fg.synth.generate(persons=persons // 2, seed=seed + 9, progress=False)})


def _hand_datasets() -> dict[str, fg.Dataset]:
    """The valid part of the hand-made fixture as Datasets, plus blank kinds and partial dates."""
    tables = fixture()
    police_persons = tables["police"]["persons"].iloc[[0, 1, 3]]  # P3 (bad date), P5 (sex X) left out
    police_events = tables["police"]["events"].iloc[:3].drop(columns="recorded_date")
    police_events.loc[1, "kind"] = " "  # a blank kind: present in the table, absent for the scan
    youth = tables["youth_care"]
    contacts = youth["contacts"].drop(columns="recorded_date").assign(end_date=[None, "2017-02"])
    return {
        "police": fg.Dataset.from_pandas(police_persons, events=police_events),
        "youth_care": fg.Dataset.from_pandas(youth["persons"], contacts=contacts),
    }


def test_dataset_columns_equal_the_text_path_hand_made() -> None:
    sets = _hand_datasets()
    r = _same_as_text_path(sets, min_cell=0)
    # by hand: sex of P1, P2, P4 compared, P2 differs; births of P1 (1980-05-01 in 1980) and P2
    # (1978 holds 1978-03-03) compared and agree; police P4 has no birth date.
    assert _value(r, "police", "persons", "sex", "consistency", "share_consistent") == pytest.approx(
        (2 / 3, 3, "red")
    )
    assert _value(r, "youth_care", "persons", "birth_date", "consistency", "share_consistent") == (
        1.0,
        2,
        "green",
    )
    assert _value(r, "police", "events", "kind", "completeness", "share_present") == pytest.approx(
        (2 / 3, 3, "red")
    )
    assert _value(r, "youth_care", "contacts", "end_date", "completeness", "share_present") == (
        0.5,
        2,
        "not scored",
    )
    for org, ds in sets.items():
        _same_as_text_path(ds, min_cell=0)
        _same_as_text_path({org: ds}, min_cell=3)
    persons = _persons([(k, "F", "1980", None, None, None) for k in (1, 2, 3)])
    events = pd.DataFrame(
        {
            "incident_id": [1, 1, 2, 2],
            "person_id": [1, 2, 2, 3],
            "role": ["victim", "perpetrator", "victim", "witness"],
            "date": ["2010", "2010-02", "2011", "2011"],
            "kind": ["pv"] * 4,
            "source": ["A", "A", "B", " B "],
        }
    )
    _same_as_text_path(fg.Dataset.from_pandas(persons, events=events), min_cell=0)
    _same_as_text_path(fg.Dataset.from_pandas(persons), min_cell=0)  # no events: no organisations


def test_dataset_scan_does_not_build_text_tables() -> None:
    ds = fg.synth.generate(persons=2_000, seed=4, progress=False)
    quality.scan(ds)
    quality.scan({"a": ds, "b": ds})
    assert not {"persons", "partnerships", "events", "contacts"} & set(vars(ds))  # cached_property
    quality._scan_frames(ds)
    assert "persons" in vars(ds)  # (the check above can fail)
