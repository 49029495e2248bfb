"""Quarantine (``on_error="quarantine"``): rule by rule on the fixtures of tests/fixtures/invalid.

For each fixture the expected quarantine is derived by hand from the file (table, action, line,
rule); the test then checks that

- strict loading still fails with that rule (nothing changes for ``on_error="raise"``);
- the quarantine holds exactly the expected entries, each with its record as read;
- every record not quarantined is kept (kept + quarantined records = input records, by table);
- the kept dataset written back out validates strictly (no hidden invalid record survives).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

import famgraph as fg
from famgraph import DataError
from famgraph.dataset import QUARANTINE_COLUMNS, quarantine_block

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "invalid"

# fixture -> [(table, action, line, rule, column)], hand-derived from the files.
EXPECTED: dict[str, list[tuple[str, str, int, str, str]]] = {
    "csv_field_count": [("persons", "record", 6, "csv.field_count", "")],
    "csv_syntax": [("persons", "record", 6, "csv.syntax", "")],
    "date_end_before_start_contact": [("contacts", "record", 2, "date.end_before_start", "end_date")],
    "date_end_before_start_partnership": [("partnerships", "record", 2, "date.end_before_start", "end_date")],
    "date_exit_before_birth": [("persons", "record", 6, "date.exit_before_birth", "exit_date")],
    "event_after_exit": [("events", "record", 3, "event.after_exit", "date")],
    "event_before_birth": [("events", "record", 2, "event.before_birth", "date")],
    "missing_incident_id": [("events", "record", 2, "missing.required", "incident_id")],
    "parent_born_after_child": [("persons", "link", 6, "parent.born_after_child", "mother_id")],
    # 10 -> 12 -> 11 -> 10 by mother links; the depth-first search from 10 closes the cycle at 11.
    "parent_cycle": [("persons", "link", 4, "parent.cycle", "mother_id")],
    "parent_same_person": [("persons", "link", 6, "parent.same_person", "father_id")],
    "parent_sex_father_f": [("persons", "link", 6, "parent.sex", "father_id")],
    "parent_sex_mother_m": [("persons", "link", 6, "parent.sex", "mother_id")],
    "parent_too_young": [("persons", "link", 6, "parent.too_young", "mother_id")],
    "parse_date": [("persons", "record", 6, "parse.date", "birth_date")],
    "parse_int": [("persons", "record", 6, "parse.int", "mother_id")],
    "parse_int_range": [("persons", "record", 6, "parse.int", "person_id")],
    "parse_role": [("events", "record", 2, "parse.role", "role")],
    "parse_sex": [("persons", "record", 6, "parse.sex", "sex")],
    "person_duplicate_id": [("persons", "record", 6, "person.duplicate_id", "person_id")],
    "ref_unknown_contact_person": [("contacts", "record", 3, "ref.unknown_id", "person_id")],
    "ref_unknown_event_person": [("events", "record", 3, "ref.unknown_id", "person_id")],
    "ref_unknown_father": [("persons", "link", 6, "ref.unknown_id", "father_id")],
    "ref_unknown_mother": [("persons", "link", 6, "ref.unknown_id", "mother_id")],
    "ref_unknown_partner": [("partnerships", "record", 3, "ref.unknown_id", "person_b")],
    # Person 3 has an impossible birth date: their partnership, event and contact follow them into
    # the quarantine, the link of their child 5 is dropped (5 is kept), everyone else stays.
    "cascade_person_quarantined": [
        ("persons", "record", 4, "parse.date", "birth_date"),
        ("persons", "link", 6, "cascade.parent_quarantined", "mother_id"),
        ("partnerships", "record", 3, "cascade.person_quarantined", "person_a"),
        ("events", "record", 2, "cascade.person_quarantined", "person_id"),
        ("contacts", "record", 2, "cascade.person_quarantined", "person_id"),
    ],
    "many_problems": [
        ("persons", "record", 5, "parse.date", "birth_date"),
        ("persons", "link", 6, "ref.unknown_id", "mother_id"),
        ("persons", "link", 7, "parent.born_after_child", "mother_id"),
        ("persons", "link", 9, "parent.cycle", "mother_id"),
        ("events", "record", 2, "parse.role", "role"),
        ("events", "record", 4, "ref.unknown_id", "person_id"),
        ("contacts", "record", 2, "date.end_before_start", "end_date"),
    ],
}
TABLES = ("persons", "partnerships", "events", "contacts")


def _records(folder: Path, table: str) -> int:
    f = folder / f"{table}.csv"
    if not f.exists():
        return 0
    with f.open(newline="") as h:
        return sum(1 for _ in h) - 1  # fixtures: one record per line after the header


def test_every_fixture_is_covered() -> None:
    folders = {p.name for p in FIX.iterdir() if p.is_dir()}
    assert folders - {"header_missing_column"} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_quarantine_rule_by_rule(name: str, tmp_path: Path) -> None:
    folder = FIX / name
    expected = EXPECTED[name]
    with pytest.raises(DataError) as strict:
        fg.Dataset.from_csv(folder)
    strict_rules = {e.rule for e in strict.value.errors}
    assert {rule for _, _, _, rule, _ in expected if not rule.startswith("cascade.")} <= strict_rules

    ds = fg.Dataset.from_csv(folder, on_error="quarantine")
    q = ds.quarantine
    assert list(q.columns) == list(QUARANTINE_COLUMNS)
    got = list(q[["table", "action", "line", "rule", "column"]].itertuples(index=False, name=None))
    assert got == expected
    assert (q["file"] == q["table"] + ".csv").all()
    assert q["message"].str.len().gt(0).all()
    assert ds.quarantine_counts == q["rule"].value_counts().to_dict()

    # Nothing valid is dropped: every record not set aside is in the dataset.
    for t in TABLES:
        dropped = int(((q["table"] == t) & (q["action"] == "record")).sum())
        assert len(getattr(ds, t)) == _records(folder, t) - dropped, t

    # The record column is the row as read.
    for table, line, record in q[["table", "line", "record"]].itertuples(index=False, name=None):
        lines = (folder / f"{table}.csv").read_text().splitlines()
        assert next(csv.reader([record])) == next(csv.reader([lines[line - 1]]))[
            : len(next(csv.reader([record])))
        ] or (table == "persons" and name in ("csv_syntax",))

    # What was kept validates strictly.
    ds.to_csv(tmp_path / "kept")
    again = fg.Dataset.from_csv(tmp_path / "kept")
    assert again.n_persons == ds.n_persons
    assert again.n_events == ds.n_events


def test_cycle_link_dropped_keeps_everyone() -> None:
    ds = fg.Dataset.from_csv(FIX / "parent_cycle", on_error="quarantine")
    p = ds.persons.set_index("person_id")
    assert sorted(p.index) == [1, 10, 11, 12]
    assert p.loc[10, "mother_id"] == 12 and p.loc[12, "mother_id"] == 11
    assert pd.isna(p.loc[11, "mother_id"])
    assert ds.graph.generation().max() == 2  # 11 -> 12 -> 10, a line again


def test_cascade_keeps_the_child_and_the_partner() -> None:
    ds = fg.Dataset.from_csv(FIX / "cascade_person_quarantined", on_error="quarantine")
    p = ds.persons.set_index("person_id")
    assert sorted(p.index) == [1, 2, 4, 5, 6]
    assert pd.isna(p.loc[5, "mother_id"]) and p.loc[5, "father_id"] == 4
    assert ds.events.person_id.tolist() == [6]
    assert ds.contacts.person_id.tolist() == [4]
    assert ds.partnerships[["person_a", "person_b"]].values.tolist() == [[1, 2]]
    rec = ds.quarantine.set_index(["table", "line"])
    assert rec.loc[("persons", 4), "record"] == "3,F,1975-13-01,,1,2"
    assert rec.loc[("persons", 4), "value"] == "1975-13-01"


def test_strict_reports_every_kind_of_problem_in_one_pass() -> None:
    with pytest.raises(DataError) as e:
        fg.Dataset.from_csv(FIX / "many_problems")
    rules = {x.rule for x in e.value.errors}
    assert {"parse.date", "ref.unknown_id", "parent.born_after_child", "parent.cycle", "parse.role"} <= rules
    assert "date.end_before_start" in rules


def test_file_level_problems_still_raise() -> None:
    with pytest.raises(DataError) as e:
        fg.Dataset.from_csv(FIX / "header_missing_column", on_error="quarantine")
    assert [x.rule for x in e.value.errors] == ["header.missing_column"]


def test_strict_load_has_an_empty_quarantine() -> None:
    ds = fg.Dataset.from_csv(Path(__file__).resolve().parents[2] / "examples" / "data")
    assert ds.quarantine.empty and list(ds.quarantine.columns) == list(QUARANTINE_COLUMNS)
    assert ds.n_quarantined == 0 and "quarantined" not in ds.summary()


def test_from_pandas_quarantine_matches_csv() -> None:
    folder = FIX / "cascade_person_quarantined"
    frames = {t: pd.read_csv(folder / f"{t}.csv", dtype=str, keep_default_na=False) for t in TABLES}
    ds = fg.Dataset.from_pandas(
        frames["persons"], frames["partnerships"], frames["events"], frames["contacts"], on_error="quarantine"
    )
    csv_ds = fg.Dataset.from_csv(folder, on_error="quarantine")
    cols = ["table", "action", "line", "rule", "column", "value"]
    assert ds.quarantine[cols].values.tolist() == csv_ds.quarantine[cols].values.tolist()
    assert ds.persons.equals(csv_ds.persons)


def test_from_parquet_quarantine(tmp_path: Path) -> None:
    folder = FIX / "ref_unknown_event_person"
    for t in ("persons", "events"):
        pd.read_csv(folder / f"{t}.csv", dtype=str, keep_default_na=False).to_parquet(
            tmp_path / f"{t}.parquet"
        )
    ds = fg.Dataset.from_parquet(tmp_path, on_error="quarantine")
    assert ds.quarantine["rule"].tolist() == ["ref.unknown_id"]
    assert ds.n_events == 1


def test_missing_parents_add_never_adds_a_quarantined_person() -> None:
    ds = fg.Dataset.from_csv(FIX / "cascade_person_quarantined", on_error="quarantine", missing_parents="add")
    assert 3 not in set(ds.persons.person_id)
    assert ds._core.n_added_parents == 0


def test_on_error_is_checked() -> None:
    with pytest.raises(ValueError, match="on_error='ignore'"):
        fg.Dataset.from_csv(FIX / "parse_date", on_error="ignore")  # type: ignore[arg-type]


def test_summary_and_disclosure_of_counts() -> None:
    ds = fg.Dataset.from_csv(FIX / "many_problems", on_error="quarantine")
    s = ds.summary()["quarantined"]
    assert s["total"] == "<10"  # 7 entries, below min_cell 10
    assert s["parse.date"] == "<10"
    assert quarantine_block({"parse.date": 12, "ref.unknown_id": 3}) == {
        "parse.date": 12,
        "ref.unknown_id": "<10",
        "total": 15,
    }
    assert quarantine_block({"a": 3}, min_cell=0) == {"a": 3, "total": 3}


def test_cli_quarantine_writes_beside_the_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from famgraph.cli import main

    out = tmp_path / "ind.json"
    code = main(
        [
            "indicators",
            str(FIX / "cascade_person_quarantined"),
            "--on-error",
            "quarantine",
            "--only",
            "repeat_incidents",
            "--n-boot",
            "0",
            "--n-sim",
            "0",
            "--json",
            str(out),
        ]
    )
    assert code == 0
    doc = json.loads(out.read_text())
    assert doc["dataset"]["quarantined"]["total"] == "<10"
    q = pd.read_csv(tmp_path / "ind.quarantine.csv")
    assert q["rule"].tolist()[0] == "parse.date" and len(q) == 5
    err = capsys.readouterr().err
    assert "quarantined 5 records" in err

    code = main(["validate", str(FIX / "parse_date"), "--on-error", "quarantine"])
    assert code == 0
    assert "1 records quarantined" in capsys.readouterr().out
    assert main(["validate", str(FIX / "parse_date")]) == 1
