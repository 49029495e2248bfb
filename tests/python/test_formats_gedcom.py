"""GEDCOM 5.5.1 reader and writer (famgraph.formats.gedcom): hand-made fixtures for every date form,
encodings and line ends, every error path with its exact line/field/value, names never imported,
and round trips in both directions."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

import famgraph as fg
from famgraph.cli import main as cli_main
from famgraph.formats import ImportWarning, gedcom
from famgraph.formats.gedcom import GedcomDate, format_date, parse_date

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "gedcom"
HEAD = "0 HEAD\n1 GEDC\n2 VERS 5.5.1\n2 FORM LINEAGE-LINKED\n1 CHAR UTF-8\n"


def _ged(tmp_path: Path, body: str, name: str = "in.ged") -> Path:
    p = tmp_path / name
    p.write_text(HEAD + body + "0 TRLR\n", encoding="utf-8")
    return p


def _errors(path: Path, **kw: object) -> list[tuple[str, int, str, str]]:
    with pytest.raises(fg.DataError) as info:
        gedcom.read_full(path, **kw)  # type: ignore[arg-type]
    for e in info.value.errors:
        assert e.file == str(path)
    return [(e.rule, e.line, e.column, e.value) for e in info.value.errors]


def _rows(ds: fg.Dataset) -> list[tuple[object, ...]]:
    p = ds.persons
    return [
        tuple(None if pd.isna(v) else v for v in row)
        for row in p[["person_id", "sex", "birth_date", "exit_date", "mother_id", "father_id"]].itertuples(
            index=False
        )
    ]


def _couples(ds: fg.Dataset) -> Counter[tuple[frozenset[int], object, object]]:
    q = ds.partnerships
    return Counter(
        (frozenset((int(a), int(b))), None if pd.isna(s) else s, None if pd.isna(e) else e)
        for a, b, s, e in q[["person_a", "person_b", "start_date", "end_date"]].itertuples(index=False)
    )


# ------------------------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 MAR 1985", GedcomDate("1985-03-12", "exact")),
        ("MAR 1985", GedcomDate("1985-03", "exact")),
        ("1985", GedcomDate("1985", "exact")),
        ("  2 jan 1901 ", GedcomDate("1901-01-02", "exact")),
        ("ABT 1985", GedcomDate("1985", "approximate")),
        ("CAL MAR 1985", GedcomDate("1985-03", "approximate")),
        ("EST 12 MAR 1985", GedcomDate("1985-03-12", "approximate")),
        ("INT 1985 (the census says so)", GedcomDate("1985", "interpreted")),
        ("INT 3 MAY 1950", GedcomDate("1950-05-03", "interpreted")),
        ("BEF 1985", GedcomDate(None, "range")),
        ("AFT 12 MAR 1985", GedcomDate(None, "range")),
        ("BET 1980 AND 1985", GedcomDate(None, "range")),
        ("BEF 1700", GedcomDate(None, "range")),
        ("FROM 1980 TO 1985", GedcomDate(None, "period")),
        ("FROM 1980", GedcomDate(None, "period")),
        ("TO 1985", GedcomDate(None, "period")),
        ("(after the war)", GedcomDate(None, "phrase")),
        ("@#DJULIAN@ 12 MAR 1885", GedcomDate(None, "calendar")),
        ("@#DFRENCH R@ 1 VEND 10", GedcomDate(None, "calendar")),
        ("@#DGREGORIAN@ 1 JAN 1900", GedcomDate("1900-01-01", "exact")),
        ("44 B.C.", GedcomDate(None, "bc")),
        ("11 FEB 1899/00", GedcomDate("1900-02-11", "exact")),
        ("1699/00", GedcomDate("1700", "exact")),  # GEDCOM imports accept 1000-2200 by default
        ("999", GedcomDate("0999", "out_of_range")),
        ("29 FEB 2000", GedcomDate("2000-02-29", "exact")),
        ("1799", GedcomDate("1799", "exact")),
        ("2201", GedcomDate("2201", "out_of_range")),
        ("2201", GedcomDate("2201", "out_of_range")),
        ("ABT 1750", GedcomDate("1750", "approximate")),
        ("ABT 950", GedcomDate("0950", "out_of_range")),
        ("", GedcomDate(None, "empty")),
        ("29 FEB 1900", GedcomDate(None, "invalid")),
        ("31 APR 1985", GedcomDate(None, "invalid")),
        ("1985-03-12", GedcomDate(None, "invalid")),
        ("MARCH 1985", GedcomDate(None, "invalid")),
        ("12 1985", GedcomDate(None, "invalid")),
        ("85", GedcomDate(None, "invalid")),
        ("BET 1980", GedcomDate(None, "invalid")),
        ("BET 1980 AND", GedcomDate(None, "invalid")),
        ("ABT", GedcomDate(None, "invalid")),
        ("(unclosed", GedcomDate(None, "invalid")),
        ("1 2 MAR 1985", GedcomDate(None, "invalid")),
        ("١٩٨٥", GedcomDate(None, "invalid")),
    ],
)
def test_parse_date(text: str, expected: GedcomDate) -> None:
    assert parse_date(text) == expected


def test_exact_dates_agree_with_the_famgraph_parser() -> None:
    from famgraph import _core

    for text in ("1 JAN 1800", "31 DEC 2200", "29 FEB 2004", "FEB 1900", "1850"):
        iso = parse_date(text).iso
        assert iso is not None
        _core.parse_dates([iso])  # raises if famgraph would reject it
    for text in ("31 DEC 1799", "1 JAN 2201"):
        d = parse_date(text, 1800, 2200)  # the register range of the famgraph parser
        assert d.kind == "out_of_range"
        with pytest.raises(ValueError):
            _core.parse_dates([d.iso or ""])


@pytest.mark.parametrize("iso", ["1985-03-12", "1985-03", "1985", "1900-01-01", "2000-12-31"])
def test_format_date_round_trip(iso: str) -> None:
    assert parse_date(format_date(iso)) == GedcomDate(iso, "exact")


def test_every_date_form_in_a_file_with_bom_and_crlf() -> None:
    path = FIXTURES / "dates_bom_crlf.ged"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") == raw.count(b"\n")
    r = gedcom.read_full(path)
    assert r.dataset.persons["birth_date"].tolist() == [
        "1985-03-12",  # 12 MAR 1985
        "1985-03",  # MAR 1985
        "1985",  # 1985
        "1985",  # ABT 1985
        "1985-03",  # CAL MAR 1985
        "1985-03-12",  # EST 12 MAR 1985
        "1985",  # INT 1985 (...)
        None,  # BEF 1985
        None,  # AFT MAR 1985
        None,  # BET 1980 AND 1985
        None,  # FROM 1980 TO 1985
        None,  # (phrase)
        None,  # @#DJULIAN@
        "1985-03-12",  # 12 mar 1985
        "1900-01-01",  # @#DGREGORIAN@
        "1900-02-11",  # dual year 1899/00
        "2000-02-29",
        "1999-07-07",  # 7 JUL 19 + CONC 99
    ]
    assert r.counts == {
        "dates_approximate": 3,
        "dates_interpreted": 1,
        "dates_range": 3,
        "dates_period": 1,
        "dates_phrase": 1,
        "dates_calendar": 1,
    }
    assert r.ids["xref"].tolist()[:2] == ["@P1@", "@P2@"] and r.ids["line"].tolist()[:2] == [7, 11]


def test_read_warns_about_lossy_dates() -> None:
    with pytest.warns(ImportWarning, match=r"dates_approximate 3, dates_interpreted 1, dates_range 3"):
        gedcom.read(FIXTURES / "dates_bom_crlf.ged")


# --------------------------------------------------------------------------------- three generations


def test_three_generations_hand_derived() -> None:
    r = gedcom.read_full(FIXTURES / "three_generations.ged")
    assert _rows(r.dataset) == [
        (1, "M", "1920-01-01", "1990", None, None),
        (2, "F", "1922-03", None, None, None),
        (3, "M", "1950", None, 2, 1),  # ABT 1950; child of F1
        (4, "F", None, None, None, None),  # BET 1950 AND 1955: a range, unknown
        (5, "F", "1985-03-12", None, 4, 3),
        (6, "M", "1987", None, 4, 3),
        (7, "U", None, None, None, None),  # FAMC with PEDI adopted: no parents
    ]
    # F1 has MARR (a partnership, start 5 JUN 1948); F2 has children and DIV (AFT 1990: unknown end).
    assert _couples(r.dataset) == Counter(
        {(frozenset((1, 2)), "1948-06-05", None): 1, (frozenset((3, 4)), None, None): 1}
    )
    assert r.counts == {"names_dropped": 7, "dates_approximate": 1, "dates_range": 2, "non_birth_links": 1}
    assert r.dataset.graph.kinship(5, 6) == 0.25
    assert r.dataset.graph.kinship(1, 5) == 0.125


def test_names_are_never_imported(tmp_path: Path) -> None:
    src = FIXTURES / "three_generations.ged"
    names = re.findall(r"^1 NAME (.+)$", src.read_text(), flags=re.M)
    assert len(names) == 7
    r = gedcom.read_full(src)
    everything = "".join(
        frame.to_csv() for frame in (r.dataset.persons, r.dataset.partnerships, r.ids, r.extra)
    ) + repr(r)
    out = gedcom.write(r.dataset, tmp_path / "out.ged", ids=r.ids).read_text()
    for name in names:
        for part in name.replace("/", " ").split():
            assert part not in everything and part not in out
    # The only NAME lines written are the SOUR's and the SUBM's, both "famgraph".
    assert re.findall(r"^\d NAME (.+)$", out, flags=re.M) == ["famgraph", "famgraph"]


def test_child_links_from_either_side_and_consistent_second_family(tmp_path: Path) -> None:
    # @C@ is linked to F1 only by FAMC, to F2 only by CHIL; F1 gives the mother, F2 the same
    # mother and a father.
    p = _ged(
        tmp_path,
        "0 @M@ INDI\n1 SEX F\n0 @D@ INDI\n1 SEX M\n0 @C@ INDI\n1 FAMC @F1@\n"
        "0 @F1@ FAM\n1 WIFE @M@\n0 @F2@ FAM\n1 HUSB @D@\n1 WIFE @M@\n1 CHIL @C@\n",
    )
    r = gedcom.read_full(p)
    assert _rows(r.dataset)[2] == (3, "U", None, None, 1, 2)
    assert len(r.dataset.partnerships) == 0  # F2 has a child and no MARR: co-parents only


def test_conflicting_parents_is_an_error_unless_marked_adopted(tmp_path: Path) -> None:
    body = (
        "0 @A@ INDI\n1 SEX M\n0 @B@ INDI\n1 SEX M\n0 @C@ INDI\n1 FAMC @F1@\n1 FAMC @F2@\n{pedi}"
        "0 @F1@ FAM\n1 HUSB @A@\n0 @F2@ FAM\n1 HUSB @B@\n"
    )
    p = _ged(tmp_path, body.format(pedi=""))
    assert _errors(p) == [("gedcom.conflicting_parents", 12, "FAMC", "@F2@")]
    with pytest.raises(
        fg.DataError, match="@C@ is a child of @F2@ with father @B@ and, by line 11, has father @A@"
    ):
        gedcom.read_full(p)
    p = _ged(tmp_path, body.format(pedi="2 PEDI adopted\n"))
    r = gedcom.read_full(p)
    assert _rows(r.dataset)[2] == (3, "U", None, None, None, 1)
    assert r.counts["non_birth_links"] == 1


def test_utf16_cr_and_lfcr_line_ends(tmp_path: Path) -> None:
    text = HEAD + "0 @I1@ INDI\n1 SEX F\n1 NAME Zoë\n1 BIRT\n2 DATE 1 JAN 1950\n0 TRLR\n"
    for name, data in (
        ("u16.ged", text.replace("\n", "\r\n").encode("utf-16")),
        ("cr.ged", text.replace("\n", "\r").encode()),
        ("lfcr.ged", text.replace("\n", "\n\r").encode()),
    ):
        p = tmp_path / name
        p.write_bytes(data)
        r = gedcom.read_full(p)
        assert _rows(r.dataset) == [(1, "F", "1950-01-01", None, None, None)], name
        assert r.ids["line"].tolist() == [6], name


def test_invalid_utf8_in_a_name_is_dropped_and_counted(tmp_path: Path) -> None:
    p = tmp_path / "latin1.ged"
    p.write_bytes((HEAD + "0 @I1@ INDI\n1 NAME Jos\xe9\n1 SEX M\n0 TRLR\n").encode("latin-1"))
    r = gedcom.read_full(p)
    assert r.counts == {"lines_not_utf8": 1, "names_dropped": 1}
    assert _rows(r.dataset) == [(1, "M", None, None, None, None)]


def test_conc_cont_and_tolerated_whitespace(tmp_path: Path) -> None:
    p = _ged(
        tmp_path,
        "0 @I1@ INDI\n  1 SEX M\n1 BIRT\n2 DATE 3 FEB\n3 CONC  1901\n1 NOTE a\n2 CONT b\n2 CONC c\n"
        "0 @I2@ INDI\n1\tSEX\tF\n",
    )
    r = gedcom.read_full(p)
    assert _rows(r.dataset) == [(1, "M", "1901-02-03", None, None, None), (2, "F", None, None, None, None)]


def test_death_and_exit_event(tmp_path: Path) -> None:
    p = _ged(
        tmp_path,
        "0 @I1@ INDI\n1 DEAT\n2 DATE 1990\n1 EVEN\n2 TYPE famgraph exit\n2 DATE 1980\n"
        "0 @I2@ INDI\n1 EVEN\n2 TYPE famgraph exit\n2 DATE 2001\n1 DEAT Y\n1 DEAT\n2 DATE 1999\n"
        "0 @I3@ INDI\n1 EVEN\n2 TYPE graduation\n2 DATE 2001\n1 BIRT\n2 DATE 1980\n1 BIRT\n2 DATE 1981\n",
    )
    r = gedcom.read_full(p)
    # DEAT wins over the exit event; the first DEAT is used even without a date.
    assert [x[3] for x in _rows(r.dataset)] == ["1990", None, None]
    assert r.dataset.persons["birth_date"].tolist()[2] == "1980"
    assert r.counts == {"death_events_extra": 1, "birth_events_extra": 1}


# ------------------------------------------------------------------------------------------ errors


def test_level_errors(tmp_path: Path) -> None:
    p = tmp_path / "lv.ged"
    p.write_text(HEAD + "0 @I1@ INDI\n2 SEX M\nX BIRT\n123 DATE 1900\n1 SEX\n0 TRLR\n")
    assert _errors(p) == [
        ("gedcom.level", 7, "level", "2"),
        ("gedcom.level", 8, "level", "X"),
        ("gedcom.level", 9, "level", "123"),
    ]
    p.write_text("1 HEAD\n0 TRLR\n")
    assert _errors(p) == [("gedcom.level", 1, "level", "1")]


def test_syntax_and_structure_errors(tmp_path: Path) -> None:
    p = tmp_path / "s.ged"
    p.write_text(HEAD + "0 @I1@ INDI\n1 S!X M\n0 CONC x\n0 INDI\n0 TRLR\n")
    assert _errors(p) == [("gedcom.syntax", 7, "", "1 S!X M"), ("gedcom.syntax", 8, "CONC", "x")]
    p.write_text(HEAD + "0 INDI\n0 TRLR\n")
    assert _errors(p) == [("gedcom.syntax", 6, "INDI", "INDI")]
    p.write_text("0 @I1@ INDI\n0 HEAD\n")
    assert _errors(p) == [("gedcom.structure", 1, "INDI", "INDI"), ("gedcom.structure", 2, "", "")]
    p.write_text(HEAD + "0 TRLR\n0 @I1@ INDI\n")
    assert _errors(p) == [("gedcom.structure", 7, "INDI", "INDI")]
    p.write_text("")
    assert _errors(p) == [("gedcom.structure", 0, "", "")]


def test_xref_errors(tmp_path: Path) -> None:
    p = _ged(
        tmp_path,
        "0 @I1@ INDI\n1 FAMC @F9@\n1 FAMS I1\n0 @I1@ INDI\n0 @F1@ FAM\n1 HUSB @F1@\n1 CHIL @N1@\n"
        "0 @N1@ NOTE x\n",
    )
    assert _errors(p) == [
        ("gedcom.duplicate_xref", 9, "INDI", "@I1@"),
        ("gedcom.dangling_xref", 7, "FAMC", "@F9@"),
        ("gedcom.pointer", 8, "FAMS", "I1"),
        ("gedcom.xref_type", 11, "HUSB", "@F1@"),
        ("gedcom.xref_type", 12, "CHIL", "@N1@"),
    ]


def test_cardinality_sex_and_date_errors(tmp_path: Path) -> None:
    p = _ged(
        tmp_path,
        "0 @I1@ INDI\n1 SEX M\n1 SEX F\n1 BIRT\n2 DATE 31 APR 1985\n"
        "0 @I2@ INDI\n1 SEX X\n1 DEAT\n2 DATE 950\n"
        "0 @F1@ FAM\n1 HUSB @I1@\n1 HUSB @I2@\n1 MARR\n2 DATE sometime\n",
    )
    assert _errors(p) == [
        ("gedcom.cardinality", 8, "SEX", "F"),
        ("gedcom.date", 10, "BIRT.DATE", "31 APR 1985"),
        ("gedcom.sex", 12, "SEX", "X"),
        ("gedcom.date", 14, "DEAT.DATE", "950"),
        ("gedcom.cardinality", 17, "HUSB", "@I2@"),
        ("gedcom.date", 19, "MARR.DATE", "sometime"),
    ]
    with pytest.raises(fg.DataError, match="outside the years 1000-2200"):
        gedcom.read_full(p)


def test_invalid_dates_unknown(tmp_path: Path) -> None:
    p = _ged(tmp_path, "0 @I1@ INDI\n1 BIRT\n2 DATE 31 APR 1985\n0 @I2@ INDI\n1 DEAT\n2 DATE 950\n")
    r = gedcom.read_full(p, invalid_dates="unknown")
    assert _rows(r.dataset) == [(1, "U", None, None, None, None), (2, "U", None, None, None, None)]
    assert r.counts == {"dates_invalid_unknown": 2}


def test_validator_errors_map_back_to_gedcom_lines() -> None:
    p = FIXTURES / "validator_errors.ged"
    with pytest.raises(fg.DataError) as info:
        gedcom.read_full(p)
    got = sorted((e.rule, e.line, e.column, e.value) for e in info.value.errors)
    assert got == [
        ("date.end_before_start", 35, "DIV.DATE", "1999"),
        ("parent.born_after_child", 16, "FAMC", "@I1@"),
        ("parent.cycle", 17, "INDI", "@A@"),
        ("parent.sex", 16, "FAMC", "@I2@"),
        ("partnership.self", 31, "WIFE", "@I1@"),
    ]
    text = str(info.value)
    assert f"{p}:16:FAMC: mother @I2@ has sex M ({p}:9); expected F or U" in text
    assert "@A@ -> @B@ -> @A@" in text
    assert "<persons>" not in text and "<partnerships>" not in text


def test_refn_person_ids(tmp_path: Path) -> None:
    ok = _ged(
        tmp_path,
        "0 @I1@ INDI\n1 REFN 900\n2 TYPE famgraph person_id\n"
        "0 @I2@ INDI\n1 REFN -7\n2 TYPE famgraph person_id\n",
    )
    assert gedcom.read_full(ok, person_ids="refn").dataset.persons["person_id"].tolist() == [-7, 900]
    bad = _ged(
        tmp_path,
        "0 @I1@ INDI\n1 REFN 5\n2 TYPE famgraph person_id\n0 @I2@ INDI\n1 REFN x\n2 TYPE famgraph person_id\n"
        "0 @I3@ INDI\n1 REFN 5\n2 TYPE other\n0 @I4@ INDI\n1 REFN 5\n2 TYPE famgraph person_id\n",
        name="bad.ged",
    )
    assert _errors(bad, person_ids="refn") == [
        ("gedcom.refn", 10, "REFN", "x"),
        ("gedcom.refn", 12, "INDI", "@I3@"),
        ("gedcom.refn", 16, "REFN", "5"),
    ]


def test_bad_options(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="invalid_dates='drop'"):
        gedcom.read_full(FIXTURES / "three_generations.ged", invalid_dates="drop")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="person_ids='xref'"):
        gedcom.read_full(FIXTURES / "three_generations.ged", person_ids="xref")  # type: ignore[arg-type]


# ----------------------------------------------------------------------------------------- writing


def _check_valid_gedcom(text: str) -> None:
    """Structure of a lineage-linked GEDCOM 5.5.1 file, checked independently of the reader."""
    lines = text.split("\n")
    assert lines[-1] == "" and lines[-2] == "0 TRLR"
    assert lines[:9] == [
        "0 HEAD",
        "1 SOUR famgraph",
        f"2 VERS {fg.__version__}",
        "2 NAME famgraph",
        "1 SUBM @SUBM1@",
        "1 GEDC",
        "2 VERS 5.5.1",
        "2 FORM LINEAGE-LINKED",
        "1 CHAR UTF-8",
    ]
    defined: dict[str, str] = {}
    previous = -1
    for line in lines[:-1]:
        m = re.fullmatch(r"(0|[1-9][0-9]?) (?:(@[A-Za-z0-9_]+@) )?([A-Z_]+)(?: (.+))?", line)
        assert m is not None, line
        level = int(m[1])
        assert level <= previous + 1 and len(line) <= 255, line
        previous = level
        if m[2]:
            assert level == 0 and m[2] not in defined and len(m[2]) <= 22
            defined[m[2]] = m[3]
    want = {"FAMC": "FAM", "FAMS": "FAM", "HUSB": "INDI", "WIFE": "INDI", "CHIL": "INDI", "SUBM": "SUBM"}
    for tag, target in re.findall(r"^\d (FAMC|FAMS|HUSB|WIFE|CHIL|SUBM) (@[^@]+@)$", text, flags=re.M):
        assert defined[target] == want[tag], (tag, target)


def test_write_read_restores_the_file(tmp_path: Path) -> None:
    r = gedcom.read_full(FIXTURES / "three_generations.ged")
    out = gedcom.write(r.dataset, tmp_path / "x.ged", ids=r.ids)
    _check_valid_gedcom(out.read_text())
    back = gedcom.read_full(out)
    assert back.ids["xref"].tolist() == r.ids["xref"].tolist()
    assert _rows(back.dataset) == _rows(r.dataset)
    assert _couples(back.dataset) == _couples(r.dataset)
    assert "names_dropped" not in back.counts


def test_write_read_preserves_a_synthetic_population(tmp_path: Path) -> None:
    ds = fg.synth.generate(persons=2000, seed=5, progress=False)
    out = gedcom.write(ds, tmp_path / "synth.ged")
    text = out.read_text()
    _check_valid_gedcom(text)
    back = gedcom.read_full(out, person_ids="refn")
    pd.testing.assert_frame_equal(back.dataset.persons, ds.persons)
    assert _couples(back.dataset) == _couples(ds)
    dense = gedcom.read_full(out)  # person k = k-th INDI = k-th person_id
    assert dense.dataset.persons["person_id"].tolist() == list(range(1, ds.n_persons + 1))
    assert dense.dataset.graph.n_components == ds.graph.n_components
    # Same-bytes determinism.
    assert gedcom.write(ds, tmp_path / "again.ged").read_bytes() == out.read_bytes()


def test_write_same_pair_twice_and_unknown_sexes(tmp_path: Path) -> None:
    persons = pd.DataFrame(
        {
            "person_id": [1, 2, 3, 4],
            "sex": ["U", "U", "M", "F"],
            "birth_date": ["1950", "1950", "1980", None],
            "exit_date": [None] * 4,
            "mother_id": [None, None, 1, None],
            "father_id": [None, None, 2, None],
        }
    )
    parts = pd.DataFrame(
        {
            "person_a": [1, 1, 4],
            "person_b": [2, 2, 3],
            "start_date": ["1970", None, None],
            "end_date": ["1975", None, "2001"],
        }
    )
    ds = fg.Dataset.from_pandas(persons, parts)
    out = gedcom.write(ds, tmp_path / "p.ged")
    text = out.read_text()
    _check_valid_gedcom(text)
    back = gedcom.read_full(out, person_ids="refn")
    assert _couples(back.dataset) == _couples(ds)
    assert _rows(back.dataset) == _rows(ds)
    # The partnership 3-4 is written with the male partner 3 as HUSB; the child's parents
    # (father 2, mother 1, sexes unknown) get a FAM of their own since the partnership FAMs have HUSB 1.
    assert "0 @F3@ FAM\n1 HUSB @I3@\n1 WIFE @I4@\n1 MARR Y\n1 DIV\n2 DATE 2001\n" in text
    assert "0 @F4@ FAM\n1 HUSB @I2@\n1 WIFE @I1@\n1 CHIL @I3@\n0 TRLR\n" in text


def test_write_errors_and_xref_collisions(tmp_path: Path) -> None:
    r = gedcom.read_full(FIXTURES / "three_generations.ged")
    ids = r.ids.copy()
    ids.loc[0, "xref"] = "I1"
    with pytest.raises(ValueError, match="not a GEDCOM cross-reference id"):
        gedcom.write(r.dataset, tmp_path / "x.ged", ids=ids)
    ids.loc[0, "xref"] = "@I2@"
    with pytest.raises(ValueError, match="same xref"):
        gedcom.write(r.dataset, tmp_path / "x.ged", ids=ids)
    ids["xref"] = [f"@F{k}@" for k in range(1, 8)]  # persons named like the default family xrefs
    text = gedcom.write(r.dataset, tmp_path / "x.ged", ids=ids).read_text()
    _check_valid_gedcom(text)
    assert "0 @F_1@ FAM" in text
    assert not (tmp_path / ".x.ged.tmp").exists()


def test_write_restores_an_xref_longer_than_22_characters(tmp_path: Path) -> None:
    # Regression (tests/fixtures/real/gedcom/ggo_structural_edge_cases.ged): the reader accepts an
    # xref longer than the 22 characters of GEDCOM 5.5.1, so write(ids=...) must write it back.
    long = "@INDIVIDUAL_WITH_A_VERY_LONG_XREF_1234567890@"
    body = (
        f"0 {long} INDI\n1 SEX F\n1 FAMS @F1@\n0 @I2@ INDI\n1 SEX M\n1 FAMS @F1@\n"
        "0 @I3@ INDI\n1 SEX U\n1 FAMC @F1@\n"
        f"0 @F1@ FAM\n1 HUSB @I2@\n1 WIFE {long}\n1 CHIL @I3@\n"
    )
    r = gedcom.read_full(_ged(tmp_path, body))
    out = gedcom.write(r.dataset, tmp_path / "out.ged", ids=r.ids)
    back = gedcom.read_full(out)
    assert list(back.ids["xref"]) == [long, "@I2@", "@I3@"]
    assert _rows(back.dataset) == _rows(r.dataset)


def test_cli_convert_gedcom(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.ped"
    assert (
        cli_main(
            ["convert", str(FIXTURES / "three_generations.ged"), str(out), "--from", "gedcom", "--to", "ped"]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "names_dropped 7" in printed and "not written (ped has no place for them)" in printed
    assert out.read_text().splitlines()[4] == "1 5 3 4 2"
    bad = _ged(tmp_path, "0 @I1@ INDI\n1 BIRT\n2 DATE 950\n")
    assert cli_main(["convert", str(bad), str(tmp_path / "y"), "--from", "gedcom", "--to", "famgraph"]) == 1
    assert (
        cli_main(
            [
                "convert",
                str(bad),
                str(tmp_path / "y"),
                "--from",
                "gedcom",
                "--to",
                "famgraph",
                "--invalid-dates",
                "unknown",
            ]
        )
        == 0
    )
    assert fg.Dataset.from_csv(tmp_path / "y").n_persons == 1
