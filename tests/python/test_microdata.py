"""CBS microdata loaders (famgraph.microdata, docs/microdata.md).

The fixtures in tests/fixtures/microdata were written by make_fixtures.py from a population
defined there (the truth), encoded into the CBS layout; ``expected_persons.csv`` and
``expected_counts.json`` come from that truth, not from famgraph. Error cases name each bad
value's file, line, column and value, worked out by hand from the small files written here.
"""

from __future__ import annotations

import importlib.util
import io
import json
import random
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import famgraph as fg
from famgraph import microdata as md

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "microdata"
CP_HEADER = "RINPERSOONS,RINPERSOON,RINPERSOONSpa,RINPERSOONpa,RINPERSOONSMa,RINPERSOONMa"
P_HEADER = "RINPERSOONS,RINPERSOON,GBAGESLACHT,GBAGEBOORTEJAAR,GBAGEBOORTEMAAND"


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(object).where(frame.notna(), "").astype(str)


def issues(e: pytest.ExceptionInfo[fg.DataError]) -> list[tuple[str, int, str, str]]:
    return [(i.rule, i.line, i.column, i.value) for i in e.value.errors]


@pytest.mark.parametrize(
    ("child_parent", "persons"),
    [
        ("kindoudertab.csv", "gbapersoontab.csv"),
        ("kindoudertab.sav", "gbapersoontab.sav"),
        ("kindoudertab.csv", "gbapersoontab.sav"),
    ],
)
def test_fixtures_give_the_truth(child_parent: str, persons: str) -> None:
    tables = md.load_tables(FIX / child_parent, FIX / persons)
    expected = pd.read_csv(FIX / "expected_persons.csv", dtype=str, keep_default_na=False)
    assert list(tables.persons.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(as_text(tables.persons), expected)
    assert tables.counts == json.loads((FIX / "expected_counts.json").read_text())


def test_load_gives_a_dataset_with_the_right_relations() -> None:
    ds = md.load(FIX / "kindoudertab.csv", FIX / "gbapersoontab.csv")
    assert ds.n_persons == 26
    g = ds.graph
    assert g.kinship(30301, 30302) == 0.25  # full siblings
    assert g.kinship(30301, 30303) == 0.125  # half siblings (mother 20201, two fathers)
    assert g.kinship(30304, 30301) == 0.0625  # first cousins: 20202 is the brother of 20201
    assert g.kinship(30306, 30309) == 0.125  # half siblings: same mother, fathers unknown / 40401
    p = ds.persons.set_index("person_id")
    assert pd.isna(p.loc[30306, "father_id"])  # kind S: unknown father
    assert p.loc[30305, "sex"] == "U" and p.loc[10104, "birth_date"] == "1933"


def test_fixtures_are_reproducible(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_fixtures", FIX / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.main(tmp_path)
    for f in sorted(tmp_path.iterdir()):
        assert f.read_bytes() == (FIX / f.name).read_bytes(), f.name


def test_persons_from_dataframe_with_spss_numerics() -> None:
    t = pd.DataFrame(
        {
            "RINPERSOONS": ["R", "R", "R"],
            "RINPERSOON": [1.0, 22.0, 333.0],
            "GBAGESLACHT": [1.0, 2.0, np.nan],
            "GBAGEBOORTEJAAR": [1960.0, 1970.0, np.nan],
            "GBAGEBOORTEMAAND": [3.0, np.nan, np.nan],
        }
    )
    got = md.load_persons(t)
    assert got[["person_id", "sex", "birth_date"]].values.tolist() == [
        [1, "M", "1960-03"],
        [22, "F", "1970"],
        [333, "U", None],
    ]


def test_missing_variable_lists_expected_found_and_close_matches(tmp_path: Path) -> None:
    f = tmp_path / "persons.csv"
    f.write_text("RINPERSOONS,RINPERSOON,GESLACHT,GBAGEBOORTEJAAR,GBAGEBOORTEMAAND\nR,1,1,1960,01\n")
    with pytest.raises(fg.DataError) as e:
        md.load_persons(f)
    assert issues(e) == [("microdata.missing_variable", 0, "GBAGESLACHT", "")]
    msg = e.value.errors[0].message
    assert "did you mean 'GESLACHT'" in msg
    assert (
        "expected variables: RINPERSOONS, RINPERSOON, GBAGESLACHT, GBAGEBOORTEJAAR, GBAGEBOORTEMAAND" in msg
    )
    assert "found: RINPERSOONS, RINPERSOON, GESLACHT, GBAGEBOORTEJAAR, GBAGEBOORTEMAAND" in msg
    assert e.value.errors[0].file == str(f)
    # naming it, or dropping it
    assert md.load_persons(f, variables={"sex": "GESLACHT"})["sex"].tolist() == ["M"]
    assert md.load_persons(f, variables={"sex": None})["sex"].tolist() == ["U"]
    assert md.load_persons(f, variables={"sex": None, "birth_month": None})["birth_date"].tolist() == ["1960"]
    with pytest.raises(ValueError, match="unknown role 'geslacht'"):
        md.load_persons(f, variables={"geslacht": "GESLACHT"})
    with pytest.raises(ValueError, match="'number' is required"):
        md.load_persons(f, variables={"number": None})


def test_names_match_without_regard_to_case(tmp_path: Path) -> None:
    f = tmp_path / "kindouder.csv"
    f.write_text(CP_HEADER.upper() + "\nR,3,R,2,R,1\n")
    assert md.load_child_parent(f).iloc[0].tolist() == [3, 1, 2]


def test_every_bad_row_named(tmp_path: Path) -> None:
    f = tmp_path / "persons.csv"
    f.write_text(
        P_HEADER + "\n"
        "R,000000001,1,1960,03\n"  # 2 fine
        "S,000000002,1,1960,03\n"  # 3 kind not accepted
        "R,,2,1970,01\n"  # 4 number missing
        "R,00000000x,2,1970,01\n"  # 5 not a number
        "R,000000000,2,1970,01\n"  # 6 the null number
        "R,000000007,3,1970,01\n"  # 7 sex code
        "R,000000008,1,197,01\n"  # 8 birth year
        "R,000000009,1,1970,13\n"  # 9 birth month
        "R,000000010,1,,05\n"  # 10 month without a year
        "R,000000001,2,1961,01\n"  # 11 duplicate of line 2
        '"R","000000011",1,1960\n'  # 12 four fields
        'R,"0000\n00012",1,1960,01\n'  # 13-14 a quoted line break inside the number
        "\n"  # 15 blank: not a row
        "R,000000014,9,1960,01\n"  # 16 sex code
        "R,1234567890,1,1960,01\n"  # 17 ten digits
    )
    with pytest.raises(fg.DataError) as e:
        md.load_persons(f)
    assert sorted(issues(e), key=lambda x: x[1]) == [
        ("microdata.kind", 3, "RINPERSOONS", "S"),
        ("microdata.missing_number", 4, "RINPERSOON", ""),
        ("microdata.bad_number", 5, "RINPERSOON", "00000000x"),
        ("microdata.null_number", 6, "RINPERSOON", "000000000"),
        ("microdata.sex", 7, "GBAGESLACHT", "3"),
        ("microdata.birth_year", 8, "GBAGEBOORTEJAAR", "197"),
        ("microdata.birth_month", 9, "GBAGEBOORTEMAAND", "13"),
        ("microdata.month_without_year", 10, "GBAGEBOORTEMAAND", "05"),
        ("microdata.duplicate_person", 11, "RINPERSOON", "000000001"),
        ("microdata.fields", 12, "", ""),
        ("microdata.bad_number", 13, "RINPERSOON", "0000\\n00012"),  # escaped, as every value
        ("microdata.sex", 16, "GBAGESLACHT", "9"),
        ("microdata.bad_number", 17, "RINPERSOON", "1234567890"),
    ]
    assert all(i.file == str(f) for i in e.value.errors)
    assert "first on line 2" in str(e.value)
    # the kind is accepted when asked for; the person id then starts with its index
    ok = tmp_path / "ok.csv"
    ok.write_text(P_HEADER + "\nS,000000002,1,1960,03\nR,000000002,2,1961,\n")
    assert md.load_persons(ok, kinds=("R", "S"))["person_id"].tolist() == [1_000_000_002, 2]
    assert md.split_key(1_000_000_002, kinds=("R", "S")) == ("S", "000000002")


def test_error_limit(tmp_path: Path) -> None:
    f = tmp_path / "p.csv"
    f.write_text(P_HEADER + "\n" + "".join(f"R,{i},7,1960,01\n" for i in range(1, 8)))
    with pytest.raises(fg.DataError) as e:
        md.load_persons(f, max_errors=3)
    assert len(e.value.errors) == 3 and e.value.truncated
    assert [i.line for i in e.value.errors] == [2, 3, 4]


def test_encoding_separator_and_bom(tmp_path: Path) -> None:
    f = tmp_path / "p.csv"
    f.write_bytes(("\ufeff" + P_HEADER.replace(",", ";") + "\nR;1;2;1960;1\n").encode())
    assert md.load_persons(f)["birth_date"].tolist() == ["1960-01"]
    g = tmp_path / "latin1.csv"
    g.write_bytes(P_HEADER.encode() + b"\nR,1,2,1960,1\nR,2,2,19\xff0,1\n")
    with pytest.raises(fg.DataError) as e:
        md.load_persons(g)
    assert issues(e) == [("microdata.encoding", 3, "", "ff 30 2c 31 0a")]
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(fg.DataError, match="empty"):
        md.load_persons(empty)
    with pytest.raises(FileNotFoundError):
        md.load_persons(tmp_path / "absent.csv")
    # a binary stream works like a file
    assert md.load_persons(io.BytesIO(f.read_bytes()))["person_id"].tolist() == [1]


def test_child_parent_rules(tmp_path: Path) -> None:
    f = tmp_path / "kinderen.csv"
    f.write_text(
        CP_HEADER + "\n"
        "R,10,R,11,R,12\n"  # 2 both parents
        "R,20,R,000000000,R,\n"  # 3 both unknown (null, empty)
        "R,21,X,11,,12\n"  # 4 father kind X, mother kind empty: both unknown
        "R,30,R,30,R,12\n"  # 5 the father is the child
        "R,31,R,12,R,12\n"  # 6 the same person as mother and father
        "R,32,R,1x,R,12\n"  # 7 a bad father number
    )
    with pytest.raises(fg.DataError) as e:
        md.load_child_parent(f)
    assert sorted(issues(e), key=lambda x: x[1]) == [
        ("microdata.parent_is_self", 5, "RINPERSOONpa", "30"),
        ("microdata.same_parent", 6, "RINPERSOONpa", "12"),
        ("microdata.bad_number", 7, "RINPERSOONpa", "1x"),
    ]
    good = tmp_path / "good.csv"
    good.write_text("\n".join(f.read_text().splitlines()[:4]) + "\n")
    t = md.load_tables(good)
    assert t.persons[["person_id", "mother_id", "father_id"]].astype(object).values.tolist() == [
        [10, 12, 11],
        [11, pd.NA, pd.NA],
        [12, pd.NA, pd.NA],
        [20, pd.NA, pd.NA],
        [21, pd.NA, pd.NA],
    ]
    c = t.counts
    assert (c["father_known"], c["father_unknown_null"], c["father_unknown_kind"]) == (1, 1, 1)
    assert (c["mother_known"], c["mother_unknown_missing"], c["mother_unknown_kind"]) == (1, 1, 1)
    assert c["persons_added"] == 5 and c["children_not_in_persons"] == 3


def test_parent_sex(tmp_path: Path) -> None:
    cp = tmp_path / "cp.csv"
    cp.write_text(CP_HEADER + "\nR,3,R,2,R,1\n")
    persons = tmp_path / "p.csv"
    persons.write_text(P_HEADER + "\nR,1,2,1960,01\nR,2,2,1958,01\nR,3,1,1990,01\n")
    with pytest.raises(fg.DataError) as e:
        md.load_tables(cp, persons)
    assert issues(e) == [("microdata.parent_sex", 2, "RINPERSOONpa", "000000002")]
    assert f"({persons} line 3)" in e.value.errors[0].message
    t = md.load_tables(cp, persons, parent_sex="unknown")
    assert t.persons["sex"].tolist() == ["F", "U", "M"] and t.counts["parent_sex_set_unknown"] == 1
    t.to_dataset()


def test_errors_of_both_files_together(tmp_path: Path) -> None:
    cp = tmp_path / "cp.csv"
    cp.write_text("RINPERSOONS,RINPERSOON\nR,1\n")
    persons = tmp_path / "p.csv"
    persons.write_text(P_HEADER + "\nR,1,5,1960,01\n")
    with pytest.raises(fg.DataError) as e:
        md.load_tables(cp, persons)
    rules = [i.rule for i in e.value.errors]
    assert rules.count("microdata.missing_variable") == 4 and "microdata.sex" in rules


def test_damaged_sav_is_a_data_error() -> None:
    # found by fuzzing: pyreadstat's reader crashes (SIGSEGV) on this mutated fixture; famgraph
    # reads .sav files in a child process and reports a DataError instead.
    with pytest.raises(fg.DataError) as e:
        md.load_persons(FIX / "damaged_readstat_crash.sav")
    assert e.value.errors[0].rule == "microdata.unreadable"
    assert "not a readable SPSS .sav file" in str(e.value)
    # also found by fuzzing: a header claiming 33 million cases in 2.6 kB made pyreadstat allocate
    # for all of them (seconds) before failing; the size check rejects it at once.
    with pytest.raises(fg.DataError, match="claims 33554449 cases of 7 variables"):
        md.load_child_parent(FIX / "damaged_claims_33m_cases.sav")


def test_not_a_sav_file(tmp_path: Path) -> None:
    f = tmp_path / "x.sav"
    f.write_bytes(b"$FL2 this is not an SPSS file")
    with pytest.raises(fg.DataError, match=r"not a readable SPSS \.sav file"):
        md.load_persons(f)
    with pytest.raises(fg.DataError, match=r"not a readable SPSS \.sav file"):
        md.load_persons(FIX / "gbapersoontab.csv", format="sav")


def test_person_key_and_split_key() -> None:
    keys = md.person_key(["R", "R", "S", None, "R"], ["000012345", "0", "000000007", "1", "abc"])
    assert keys.tolist() == [12345, pd.NA, pd.NA, pd.NA, pd.NA]
    assert md.person_key(["S"], ["7"], kinds=("R", "S")).tolist() == [1_000_000_007]
    assert md.split_key(12345) == ("R", "000012345")
    with pytest.raises(ValueError):
        md.split_key(0)
    with pytest.raises(ValueError, match="kinds"):
        md.person_key(["R"], ["1"], kinds=())


def test_fuzz_harness_smoke() -> None:
    """The fuzz harness on every fixture and a few hundred seeded mutations of them."""
    spec = importlib.util.spec_from_file_location(
        "fuzz_microdata", FIX.parents[1] / "fuzz" / "fuzz_microdata.py"
    )
    assert spec is not None and spec.loader is not None
    harness = importlib.util.module_from_spec(spec)
    sys.modules["fuzz_microdata"] = harness
    try:
        spec.loader.exec_module(harness)
        harness._import_famgraph()
        seeds = [p.read_bytes() for p in sorted(FIX.iterdir()) if p.suffix in (".csv", ".sav")]
        rng = random.Random(7)
        for data in seeds:
            harness.test_one_input(data)
        for _ in range(150):
            data = rng.choice(seeds)
            if data[:4] == b"$FL2":
                continue  # each .sav input costs a child process; the CSV path is the fast one
            harness.test_one_input(harness._mutate(rng, data, seeds))
    finally:
        sys.modules.pop("fuzz_microdata", None)
