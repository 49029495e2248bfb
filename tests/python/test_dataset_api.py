"""Loading through every front door (CSV, pandas, Parquet) gives the same validated dataset."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import famgraph as fg


def _persons(**over: list) -> pd.DataFrame:
    base = {
        "person_id": [1, 2, 3, 4],
        "sex": ["F", "M", "F", "M"],
        "birth_date": ["1950-01-01", "1948", "1975-06", "1977-03-03"],
        "exit_date": [None, "2010-05-05", None, None],
        "mother_id": [None, None, 1, 1],
        "father_id": [None, None, 2, None],
    }
    base.update(over)
    return pd.DataFrame(base)


def test_from_csv_example(example_dir: Path) -> None:
    ds = fg.Dataset.from_csv(example_dir)
    raw = pd.read_csv(example_dir / "persons.csv")
    assert ds.n_persons == len(raw) == 26
    assert list(ds.persons.person_id) == sorted(raw.person_id)
    ev = pd.read_csv(example_dir / "events.csv")
    assert ds.n_events == len(ev)
    assert ds.n_incidents == ev.incident_id.nunique()
    assert sorted(ds.organisations) == sorted(
        set(ev.source) | set(pd.read_csv(example_dir / "contacts.csv").source)
    )
    # Partial dates keep their precision.
    p = ds.persons.set_index("person_id")
    assert p.loc[103, "birth_date"] == "1935"
    assert pd.isna(p.loc[101, "mother_id"]) and p.loc[201, "mother_id"] == 101


def test_tables_round_trip_csv_and_parquet(example_dir: Path, tmp_path: Path) -> None:
    ds = fg.Dataset.from_csv(example_dir)
    ds.to_csv(tmp_path / "csv")
    ds.to_parquet(tmp_path / "pq")
    again_csv = fg.Dataset.from_csv(tmp_path / "csv")
    again_pq = fg.Dataset.from_parquet(tmp_path / "pq")
    for other in (again_csv, again_pq):
        for t in ("persons", "partnerships", "events", "contacts"):
            pd.testing.assert_frame_equal(
                getattr(ds, t).astype(str), getattr(other, t).astype(str), check_dtype=False
            )
    assert not list((tmp_path / "csv").glob(".*tmp*")), "temporary files left behind"


def test_from_pandas_matches_csv(example_dir: Path) -> None:
    frames = {
        t: pd.read_csv(example_dir / f"{t}.csv", dtype=str, keep_default_na=False)
        for t in ("persons", "partnerships", "events", "contacts")
    }
    frames = {t: df.replace("", None) for t, df in frames.items()}
    a = fg.Dataset.from_pandas(**frames)
    b = fg.Dataset.from_csv(example_dir)
    pd.testing.assert_frame_equal(a.persons, b.persons)
    pd.testing.assert_frame_equal(a.events, b.events)
    pd.testing.assert_series_equal(a.graph.inbreeding(), b.graph.inbreeding())


def test_from_pandas_typed_columns() -> None:
    df = _persons()
    df["mother_id"] = pd.array([None, None, 1, 1], dtype="Int64")
    df["birth_date"] = pd.to_datetime(["1950-01-01", "1948-07-01", "1975-06-15", "1977-03-03"])
    ds = fg.Dataset.from_pandas(df)
    assert ds.graph.kinship(3, 4) == pytest.approx(1 / 8)  # half sibs (father of 4 unknown)
    assert ds.persons.birth_date.tolist() == ["1950-01-01", "1948-07-01", "1975-06-15", "1977-03-03"]


def test_float_ids_with_nan_are_accepted_but_fractions_are_errors() -> None:
    df = _persons(mother_id=[np.nan, np.nan, 1.0, 1.5])
    with pytest.raises(fg.DataError) as e:
        fg.Dataset.from_pandas(df)
    (err,) = e.value.errors
    assert (err.rule, err.file, err.line, err.column, err.value) == (
        "parse.int",
        "persons (DataFrame)",
        5,
        "mother_id",
        "1.5",
    )


def test_dataframe_errors_name_table_row_column_value() -> None:
    df = _persons(mother_id=[None, None, 1, 99], sex=["F", "M", "X", "M"])
    with pytest.raises(fg.DataError) as e:
        fg.Dataset.from_pandas(df)
    found = {(x.rule, x.line, x.column, x.value) for x in e.value.errors}
    assert ("parse.sex", 4, "sex", "X") in found
    assert ("ref.unknown_id", 5, "mother_id", "99") in found
    assert all(isinstance(x, fg.DataIssue) for x in e.value.errors)
    assert "persons (DataFrame):5:mother_id: 99 is not a person_id" in str(e.value)
    frame = e.value.to_frame()
    assert list(frame.columns) == ["severity", "rule", "file", "line", "column", "value", "message"]
    assert len(frame) == len(e.value.errors)


def test_missing_parents_add() -> None:
    df = _persons(father_id=[None, None, 2, 77])
    with pytest.raises(fg.DataError):
        fg.Dataset.from_pandas(df)
    ds = fg.Dataset.from_pandas(df, missing_parents="add")
    assert ds.n_persons == 5
    added = ds.persons.set_index("person_id").loc[77]
    assert added.sex == "U" and pd.isna(added.birth_date)
    assert ds.summary()["added_parents"] == 1


def test_bad_options_are_rejected(example_dir: Path) -> None:
    with pytest.raises(ValueError, match="missing_parents"):
        fg.Dataset.from_csv(example_dir, missing_parents="maybe")  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError, match=r"persons\.csv"):
        fg.Dataset.from_csv(example_dir / "nope")
    with pytest.raises(TypeError, match="DataFrame"):
        fg.Dataset.from_pandas([1, 2, 3])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown relation 'cousin'"):
        fg.Dataset.from_csv(example_dir).graph.relatives(403, "cousin")
    with pytest.raises(KeyError, match="12345"):
        fg.Dataset.from_csv(example_dir).graph.kinship(12345, 403)


def test_missing_required_column_is_reported(tmp_path: Path, example_dir: Path) -> None:
    shutil.copytree(example_dir, tmp_path / "d")
    p = tmp_path / "d" / "persons.csv"
    p.write_text(p.read_text().replace("mother_id", "mum_id"))
    with pytest.raises(fg.DataError) as e:
        fg.Dataset.from_csv(tmp_path / "d")
    err = e.value.errors[0]
    assert (err.rule, err.file, err.line, err.column) == (
        "header.missing_column",
        "persons.csv",
        1,
        "mother_id",
    )


def test_warnings_are_kept_not_raised() -> None:
    df = _persons(birth_date=["1950-01-01", None, "1975-06", "1977-03-03"])
    ev = pd.DataFrame(
        {
            "incident_id": [1],
            "person_id": [3],
            "role": ["witness"],
            "date": ["1990-01-01"],
            "kind": ["partner_violence"],
            "source": ["police"],
        }
    )
    ds = fg.Dataset.from_pandas(df, events=ev)
    assert ds.warning_counts == {"incident.no_victim": 1, "person.no_birth_date": 1}
    assert set(ds.warnings.rule) == {"incident.no_victim", "person.no_birth_date"}


def test_graph_api_shapes(example_dir: Path) -> None:
    g = fg.Dataset.from_csv(example_dir).graph
    gen = g.generation()
    assert gen.index.name == "person_id" and gen[101] == 0 and gen[403] == 3
    order = list(g.topological_order())
    pos = {pid: k for k, pid in enumerate(order)}
    persons = fg.Dataset.from_csv(example_dir).persons
    for row in persons.itertuples():
        for parent in (row.mother_id, row.father_id):
            if not pd.isna(parent):
                assert pos[int(parent)] < pos[row.person_id]
    assert list(g.ancestors(403, max_depth=1)) == [301, 304]
    assert list(g.ancestors(403)) == [101, 102, 103, 104, 201, 202, 203, 206, 301, 304]
    assert list(g.descendants(201, max_depth=1)) == [301, 302, 303]
    hs = g.pairs("half_sibling")
    assert list(hs.columns) == ["person_id", "relative_id"]
    assert set(map(tuple, hs.to_numpy())) == {(301, 303), (302, 303)}
    assert g.kinship_pairs(pd.DataFrame({"x": [403], "y": [404]})).tolist() == [9 / 32]
    with pytest.raises(KeyError):
        g.kinship_pairs(pd.DataFrame({"x": [403], "y": [999]}))
