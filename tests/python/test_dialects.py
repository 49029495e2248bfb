"""Exports as delivered: CSV dialects, header mapping, years, pedigree quarantine and missing codes.

Expected values are hand-derived from the small files written here.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import famgraph as fg
from famgraph.cli import main as cli_main
from famgraph.formats import gedcom, ped

GED_FIX = Path(__file__).resolve().parents[1] / "fixtures" / "gedcom"
HEAD = "0 HEAD\n1 GEDC\n2 VERS 5.5.1\n2 FORM LINEAGE-LINKED\n1 CHAR UTF-8\n"

# A spreadsheet export: ';'-separated, dd-mm-yyyy dates, renamed upper-case headers.
PERSONS = (
    "CLIENT_ID;GESLACHT;BIRTH_DATE;EXIT_DATE;MOTHER_ID;FATHER_ID\n"
    "1;F;10-03-1950;;;\n"
    "2;M;22-07-1948;20-05-2015;;\n"
    "3;F;01-06-1975;;1;2\n"
)
EVENTS = "INCIDENT_ID;CLIENT_ID;ROLE;DATE;KIND;SOURCE\n100;3;victim;02-01-1990;neglect;police\n"
MAPPING = {"CLIENT_ID": "person_id", "GESLACHT": "sex"}


def _export(tmp_path: Path, encoding: str = "utf-8") -> Path:
    d = tmp_path / "export"
    d.mkdir()
    (d / "persons.csv").write_text(PERSONS, encoding=encoding)
    (d / "events.csv").write_text(EVENTS, encoding=encoding)
    return d


def _check(ds: fg.Dataset) -> None:
    assert ds.persons["birth_date"].tolist() == ["1950-03-10", "1948-07-22", "1975-06-01"]
    assert ds.persons["exit_date"].tolist()[1] == "2015-05-20"
    assert ds.persons["mother_id"].tolist()[2] == 1
    assert ds.events["date"].tolist() == ["1990-01-02"]
    assert ds.graph.kinship(1, 3) == 0.25


def test_semicolon_export_with_day_first_dates_and_mapping(tmp_path: Path) -> None:
    d = _export(tmp_path)
    _check(fg.Dataset.from_csv(d, sep=";", date_format="%d-%m-%Y", columns=MAPPING))
    # Detected separator: the same data, and the guess stated as a warning.
    ds = fg.Dataset.from_csv(d, date_format="%d-%m-%Y", columns=MAPPING)
    _check(ds)
    assert ds.warning_counts["csv.separator_detected"] == 2
    assert "read as ';'-separated" in ds.warnings.message.iloc[0]


def test_wrong_separator_hint(tmp_path: Path) -> None:
    d = _export(tmp_path)
    with pytest.raises(fg.DataError) as e:
        fg.Dataset.from_csv(d, sep=",", date_format="%d-%m-%Y", columns=MAPPING)
    assert "this file looks ';'-separated: pass sep=';'" in str(e.value)


def test_day_first_dates_need_the_option(tmp_path: Path) -> None:
    with pytest.raises(fg.DataError) as e:
        fg.Dataset.from_csv(_export(tmp_path), columns=MAPPING)
    assert {x.rule for x in e.value.errors} == {"parse.date"}


def test_cli_with_detected_separator_and_mapping_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = _export(tmp_path)
    mapping = tmp_path / "mapping.txt"
    mapping.write_text("# export of organisation A\nCLIENT_ID=person_id\ngeslacht,sex\n")
    assert cli_main(["validate", str(d), "--date-format", "%d-%m-%Y", "--map-file", str(mapping)]) == 0
    assert "valid (3 persons, 1 incidents" in capsys.readouterr().out
    args = ["validate", str(d), "--date-format", "%d-%m-%Y", "--map", "client_id=person_id"]
    assert cli_main([*args, "--map", "GESLACHT=sex", "--sep", ";"]) == 0
    assert cli_main([*args, "--map", "nonsense"]) == 2


def test_cp1252_is_an_explicit_choice(tmp_path: Path) -> None:
    d = _export(tmp_path, encoding="cp1252")
    (d / "events.csv").write_text(EVENTS.replace("police", "politie Zeeland—Noord"), encoding="cp1252")
    with pytest.raises(fg.DataError) as e:
        fg.Dataset.from_csv(d, date_format="%d-%m-%Y", columns=MAPPING)
    assert {x.rule for x in e.value.errors} == {"parse.utf8"}
    ds = fg.Dataset.from_csv(d, date_format="%d-%m-%Y", columns=MAPPING, encoding="cp1252")
    assert ds.organisations == ["politie Zeeland—Noord"]
    with pytest.raises(ValueError, match="encoding='utf-16'"):
        fg.Dataset.from_csv(d, encoding="utf-16")


def test_other_date_formats_and_bad_options(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "person_id": [1, 2],
            "sex": ["F", "F"],
            "birth_date": ["19500310", "19751201"],
            "exit_date": [None, None],
            "mother_id": [None, 1],
            "father_id": [None, None],
        }
    )
    ds = fg.Dataset.from_pandas(frame, date_format="%Y%m%d")
    assert ds.persons.birth_date.tolist() == ["1950-03-10", "1975-12-01"]
    slash = frame.assign(birth_date=["10/03/1950", "01/12/1975"])
    assert fg.Dataset.from_pandas(slash, date_format="%d/%m/%Y").persons.birth_date.tolist() == [
        "1950-03-10",
        "1975-12-01",
    ]
    with pytest.raises(ValueError, match="date_format='%m/%d/%Y'"):
        fg.Dataset.from_pandas(slash, date_format="%m/%d/%Y")
    with pytest.raises(ValueError, match="sep=':'"):
        fg.Dataset.from_csv(_export(tmp_path), sep=":")
    with pytest.raises(ValueError, match="min_year=2000, max_year=1900"):
        fg.Dataset.from_pandas(frame, min_year=2000, max_year=1900)


def test_years_are_a_parameter() -> None:
    frame = pd.DataFrame(
        {
            "person_id": [1, 2],
            "sex": ["M", "F"],
            "birth_date": ["1066-10-14", "1090"],
            "exit_date": [None, None],
            "mother_id": [None, None],
            "father_id": [None, 1],
        }
    )
    with pytest.raises(fg.DataError, match="years 1800-2200"):
        fg.Dataset.from_pandas(frame)
    ds = fg.Dataset.from_pandas(frame, min_year=1000)
    assert ds.persons.birth_date.tolist() == ["1066-10-14", "1090"]


def test_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "tpl"
    assert cli_main(["template", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "README.md",
        "contacts.csv",
        "events.csv",
        "partnerships.csv",
        "persons.csv",
    ]
    assert (out / "persons.csv").read_text() == "person_id,sex,birth_date,exit_date,mother_id,father_id\n"
    assert "mother_id" in (out / "README.md").read_text()
    # The empty template is a valid (empty) dataset.
    assert fg.Dataset.from_csv(out).n_persons == 0
    assert cli_main(["template", str(out)]) == 2  # never overwritten


# ------------------------------------------------------------------------------------ GEDCOM


def _ged(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "in.ged"
    p.write_text(HEAD + body + "0 TRLR\n", encoding="utf-8")
    return p


def test_gedcom_quarantine_of_validator_errors() -> None:
    p = GED_FIX / "validator_errors.ged"
    r = gedcom.read_full(p, on_error="quarantine")
    q = r.dataset.quarantine
    got = sorted(zip(q.rule, q.action, q.line, q.column, strict=True))
    # @F4@ is both self-partnered and ends before it starts: one entry, its first problem.
    assert got == [
        ("parent.born_after_child", "link", 16, "FAMC"),
        ("parent.cycle", "link", 20, "FAMC"),  # @B@ -> @A@ closes the cycle: that link goes
        ("parent.sex", "link", 16, "FAMC"),
        ("partnership.self", "record", 31, "WIFE"),
    ]
    assert r.dataset.n_persons == 5  # nobody is dropped
    assert (q.file == str(p)).all()
    assert q.record.str.len().gt(0).all()
    assert "<persons>" not in " ".join(q.message)


def test_gedcom_one_pass_and_quarantine_cascade(tmp_path: Path) -> None:
    p = _ged(
        tmp_path,
        "0 @I1@ INDI\n1 SEX M\n1 BIRT\n2 DATE 1850\n1 FAMS @F1@\n"
        "0 @I2@ INDI\n1 SEX F\n1 BIRT\n2 DATE 31 APR 1855\n1 FAMS @F1@\n"
        "0 @I3@ INDI\n1 SEX F\n1 BIRT\n2 DATE 1880\n1 FAMC @F1@\n1 FAMC @F9@\n"
        "0 @I4@ INDI\n1 SEX M\n1 BIRT\n2 DATE 1905\n1 FAMC @F2@\n"
        "0 @F1@ FAM\n1 HUSB @I1@\n1 WIFE @I2@\n1 CHIL @I3@\n1 MARR\n2 DATE 1875\n"
        "0 @F2@ FAM\n1 HUSB @I3@\n1 CHIL @I4@\n",
    )
    # Strict: a date error, a dangling pointer and a consistency error, all at once.
    with pytest.raises(fg.DataError) as e:
        gedcom.read_full(p)
    assert sorted(x.rule for x in e.value.errors) == ["gedcom.dangling_xref", "gedcom.date", "parent.sex"]
    r = gedcom.read_full(p, on_error="quarantine")
    q = r.dataset.quarantine
    assert list(zip(q.table, q.action, q.rule, strict=True)) == [
        ("persons", "field", "gedcom.date"),  # @I2@: 31 APR does not exist; read as unknown
        ("persons", "link", "gedcom.dangling_xref"),  # @F9@
        ("persons", "link", "parent.sex"),  # @I4@'s father @I3@ is F
    ]
    assert r.dataset.n_persons == 4
    ids = dict(zip(r.ids.xref, r.ids.person_id, strict=True))
    persons = r.dataset.persons.set_index("person_id")
    assert pd.isna(persons.loc[ids["@I2@"], "birth_date"])
    assert persons.loc[ids["@I3@"], "mother_id"] == ids["@I2@"]
    assert pd.isna(persons.loc[ids["@I4@"], "father_id"])
    assert len(r.dataset.partnerships) == 1


def test_gedcom_medieval_dates_load_by_default(tmp_path: Path) -> None:
    p = _ged(tmp_path, "0 @I1@ INDI\n1 BIRT\n2 DATE 14 OCT 1066\n")
    assert gedcom.read(p).persons.birth_date.tolist() == ["1066-10-14"]
    with pytest.raises(fg.DataError, match="1100-2200"):
        gedcom.read(p, min_year=1100)


# --------------------------------------------------------------------------------------- PED


def _ped(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "in.ped"
    p.write_text(text)
    return p


def test_ped_missing_codes_are_never_persons(tmp_path: Path) -> None:
    p = _ped(tmp_path, "F a -9 -9 1\nF b -9 -9 2\nF c a b 1\nG x NA NA 2\nG y 0 x 1\n")
    with pytest.raises(fg.DataError) as e:
        ped.read_full(p, missing_parents="add")
    assert {x.rule for x in e.value.errors} == {"ped.missing_code"}
    assert "pass missing=['0', '-9']" in str(e.value)
    r = ped.read_full(p, missing=["0", "-9", "NA"], missing_parents="add")
    assert r.dataset.n_persons == 5 and not r.ids.added.any()
    ds = r.dataset
    assert ds.graph.kinship(1, 2) == 0.0  # no shared phantom parent
    with pytest.raises(ValueError, match="missing="):
        ped.read_full(p, missing=[])
    bad = _ped(tmp_path, "F -9 0 0 1\n")
    with pytest.raises(fg.DataError, match="reserved for an unknown parent"):
        ped.read_full(bad, missing=["0", "-9"])


def test_ped_quarantine(tmp_path: Path) -> None:
    p = _ped(
        tmp_path,
        "F gf 0 0 1\nF gm 0 0 7\nF m gf gm 2\nF c zz m 1\nF d 0 0\nF e d m 2\nF f m 0 1\n",
    )
    with pytest.raises(fg.DataError) as e:
        ped.read_full(p)
    assert sorted({x.rule for x in e.value.errors}) == [
        "parent.sex",
        "ped.columns",
        "ped.sex",
        "ref.unknown_id",
    ]
    r = ped.read_full(p, on_error="quarantine")
    q = r.dataset.quarantine
    got = list(zip(q.action, q.rule, q.line, q.column, strict=True))
    assert got == [
        ("record", "ped.sex", 2, "sex"),  # gm: sex code 7
        ("link", "cascade.parent_quarantined", 3, "mother"),  # m loses gm
        ("link", "ref.unknown_id", 4, "father"),  # zz is nobody
        ("record", "ped.columns", 5, ""),  # d: 4 columns
        ("link", "cascade.parent_quarantined", 6, "father"),  # e loses d
        ("link", "parent.sex", 7, "father"),  # f: father m is female
    ]
    assert q.record.iloc[3] == "F d 0 0"
    kept = dict(zip(r.ids.id, r.ids.person_id, strict=True))
    assert sorted(kept) == ["c", "e", "f", "gf", "m"]
    persons = r.dataset.persons.set_index("person_id")
    assert pd.isna(persons.loc[kept["f"], "father_id"]) and persons.loc[kept["e"], "mother_id"] == kept["m"]


def test_gedcom_emigration_is_an_exit(tmp_path: Path) -> None:
    p = _ged(
        tmp_path,
        "0 @I1@ INDI\n1 BIRT\n2 DATE 1900\n1 EMIG\n2 DATE 12 MAY 1930\n"
        "0 @I2@ INDI\n1 BIRT\n2 DATE 1901\n1 EMIG\n2 DATE 1925\n1 IMMI\n2 DATE 1935\n"
        "0 @I3@ INDI\n1 BIRT\n2 DATE 1902\n1 EMIG\n2 DATE 1920\n1 DEAT\n2 DATE 1950\n",
    )
    with pytest.warns(fg.formats.ImportWarning, match="immigration_after_emigration 1"):
        r = gedcom.read_full(p)
        gedcom.read(p)
    assert r.dataset.persons.exit_date.tolist() == ["1930-05-12", "1925", "1950"]  # DEAT wins
    assert r.counts["exits_emigration"] == 2


def test_microdata_death_dates_become_exits() -> None:
    from famgraph.microdata import load_persons

    t = pd.DataFrame(
        {
            "RINPERSOONS": ["R", "R", "R"],
            "RINPERSOON": ["1", "2", "3"],
            "GBAGESLACHT": ["1", "2", "2"],
            "GBAGEBOORTEJAAR": ["1950", "1960", "1970"],
            "GBAGEBOORTEMAAND": ["1", "2", "3"],
            "GBADatumOverlijden": ["20100102", "", "2011-02-28"],
        }
    )
    p = load_persons(t, variables={"death_date": "GBADatumOverlijden"})
    assert p.exit_date.tolist() == ["2010-01-02", None, "2011-02-28"]
    assert load_persons(t).exit_date.isna().all()  # off unless named
    with pytest.raises(fg.DataError, match="not a death date"):
        load_persons(
            t.assign(GBADatumOverlijden=["20100231", "", ""]), variables={"death_date": "GBADatumOverlijden"}
        )


def test_scan_links_exports_through_pseudonyms(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def persons(ids: list[str], pseudonyms: list[str | None], sex: list[str]) -> pd.DataFrame:
        n = len(ids)
        return pd.DataFrame(
            {
                "person_id": ids,
                "pseudonym": pseudonyms,
                "sex": sex,
                "birth_date": ["1980"] * n,
                "exit_date": [None] * n,
                "mother_id": [None] * n,
                "father_id": [None] * n,
            }
        )

    a = persons(["1", "2", "3"], ["p1", "p2", None], ["F", "M", "F"])
    b = persons(["7", "8"], ["p2", "p9"], ["F", "M"])  # p2 is M at A, F at B
    events = pd.DataFrame(
        {
            "incident_id": ["5"],
            "person_id": ["8"],
            "role": ["victim"],
            "date": ["2001"],
            "kind": ["k"],
            "source": ["B"],
        }
    )

    def share(report: fg.quality.QualityReport, org: str, dim: str, fld: str) -> float:
        t = report.table
        metric = "share_linked" if dim == "linkability" else "share_consistent"
        row = t[(t.organisation == org) & (t.field == fld) & (t.dimension == dim) & (t.metric == metric)]
        assert len(row) == 1
        return float(row["value"].iloc[0])

    r = fg.quality.scan({"A": {"persons": a}, "B": {"persons": b, "events": events}}, min_cell=0)
    assert share(r, "A", "linkability", "person_id") == pytest.approx(1 / 3)  # p2 of p1, p2, (3)
    assert share(r, "B", "linkability", "person_id") == pytest.approx(1 / 2)  # p2 of p2, p9
    assert share(r, "A", "consistency", "sex") == 0.0  # the one person compared disagrees
    assert any("'pseudonym' column" in n for n in r.notes)
    by_id = fg.quality.scan({"A": {"persons": a}, "B": {"persons": b}}, min_cell=0, on=None)
    assert share(by_id, "A", "linkability", "person_id") == 0.0  # local ids 1-3 vs 7-8
    with pytest.raises(ValueError, match="on='bsn'"):
        fg.quality.scan({"A": {"persons": a}, "B": {"persons": b}}, on="bsn")
    # famgraph scan reads folders as delivered the same way.
    for org, df in (("A", a), ("B", b)):
        (tmp_path / org).mkdir()
        df.to_csv(tmp_path / org / "persons.csv", index=False)
    assert cli_main(["scan", str(tmp_path / "A"), str(tmp_path / "B"), "--min-cell", "0"]) == 0
    assert "pseudonym" in capsys.readouterr().out
