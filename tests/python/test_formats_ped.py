"""PED/LINKAGE reader and writer (famgraph.formats.ped): hand-derived pedigrees, every error path
with its exact file/line/column/value, and round trips in both directions."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import famgraph as fg
from famgraph.cli import main as cli_main
from famgraph.formats import ImportWarning, ped

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ped"


def _persons(ds: fg.Dataset) -> list[tuple[int, str, int | None, int | None]]:
    out = []
    for pid, sex, mother, father in ds.persons[["person_id", "sex", "mother_id", "father_id"]].itertuples(
        index=False
    ):
        out.append(
            (
                int(pid),
                str(sex),
                None if pd.isna(mother) else int(mother),
                None if pd.isna(father) else int(father),
            )
        )
    return out


def _ped_lines(path: Path) -> set[tuple[str, ...]]:
    """An independent reading of a PED file: the set of its data lines as tuples of fields."""
    text = path.read_bytes().decode("utf-8-sig")
    out = set()
    for line in text.replace("\r\n", "\n").split("\n"):
        fields = line.split()
        if fields and not fields[0].startswith("#"):
            out.add(tuple(fields))
    return out


def _write(tmp_path: Path, text: str, name: str = "in.ped") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _errors(path: Path, **kw: object) -> list[tuple[str, str, int, str, str]]:
    with pytest.raises(fg.DataError) as info:
        ped.read_full(path, **kw)  # type: ignore[arg-type]
    return [(e.rule, e.file, e.line, e.column, e.value) for e in info.value.errors]


# ----------------------------------------------------------------------------------------- reading


def test_two_families_hand_derived() -> None:
    r = ped.read_full(FIXTURES / "two_families.ped")
    # person k is the k-th person line: 1 gf, 2 gm, 3 dad, 4 mum, 5 kid1, 6 kid2 (F1); 7 gf, 8 x, 9 y (F2)
    assert _persons(r.dataset) == [
        (1, "M", None, None),
        (2, "F", None, None),
        (3, "M", 2, 1),
        (4, "F", None, None),
        (5, "F", 4, 3),
        (6, "M", 4, 3),
        (7, "M", None, None),
        (8, "U", None, None),
        (9, "F", 8, 7),
    ]
    assert r.ids[["family", "id", "line"]].values.tolist() == [
        ["F1", "gf", 2],
        ["F1", "gm", 3],
        ["F1", "dad", 4],
        ["F1", "mum", 5],
        ["F1", "kid1", 6],
        ["F1", "kid2", 7],
        ["F2", "gf", 8],
        ["F2", "x", 9],
        ["F2", "y", 10],
    ]
    assert not r.ids["added"].any()
    assert r.extra.columns.tolist() == ["person_id", "affection"]
    assert r.extra["affection"].tolist() == ["1", "1", "2", "1", "2", "0", "1", "1", "2"]
    assert r.counts == {}
    # Same id "gf" in two families: two persons, one in each family component.
    assert r.dataset.graph.n_components == 2
    assert r.dataset.graph.kinship(5, 6) == 0.25  # full siblings
    assert r.dataset.graph.kinship(1, 5) == 0.125  # grandparent


def test_bom_crlf_tabs_comments_and_blank_lines() -> None:
    path = FIXTURES / "bom_crlf_tabs.ped"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and b"\t" in raw  # the fixture is what it says
    r = ped.read_full(path)
    assert _persons(r.dataset) == [
        (1, "M", None, None),
        (2, "F", None, None),
        (3, "U", 2, 1),
        (4, "F", None, 1),
        (5, "U", None, None),
        (6, "M", 5, None),
    ]
    assert r.ids["line"].tolist() == [3, 4, 5, 8, 9, 10]
    assert r.extra["affection"].tolist() == ["-9", "-9", "2", "1", "-9", "1"]
    assert r.dataset.graph.pairs("half_sibling").shape[0] == 1  # 103 and 104 share father 101 only


def test_columns_beyond_six_are_kept_as_text(tmp_path: Path) -> None:
    p = _write(tmp_path, "f a 0 0 1 2 A B\nf b 0 a 2 1 C D\n")
    with pytest.raises(fg.DataError):  # b's mother a is coded male
        ped.read_full(p)
    p = _write(tmp_path, "f a 0 0 2 2 A B\nf b 0 a 2 1 C D\n")
    r = ped.read_full(p)
    assert r.extra.columns.tolist() == ["person_id", "affection", "column_7", "column_8"]
    assert r.extra.values.tolist() == [[1, "2", "A", "B"], [2, "1", "C", "D"]]


def test_mapping_is_deterministic_and_in_line_order(tmp_path: Path) -> None:
    p = _write(tmp_path, "z 9 0 0 1\na 10 0 0 2\na 2 0 10 0\n")
    one, two = ped.read_full(p), ped.read_full(p)
    assert one.ids.equals(two.ids)
    assert one.ids[["family", "id", "person_id"]].values.tolist() == [
        ["z", "9", 1],
        ["a", "10", 2],
        ["a", "2", 3],
    ]


def test_missing_parents_add_makes_founders_of_the_same_family(tmp_path: Path) -> None:
    p = _write(tmp_path, "f c p q 1\nf d p 0 2\ng c 0 0 1\n")
    r = ped.read_full(p, missing_parents="add")
    # c(1), d(2), g/c(3); then the added parents in order of first mention: f/p(4), f/q(5)
    assert _persons(r.dataset) == [
        (1, "M", 5, 4),
        (2, "F", None, 4),
        (3, "M", None, None),
        (4, "U", None, None),
        (5, "U", None, None),
    ]
    assert r.ids[["family", "id", "line", "added"]].values.tolist()[3:] == [
        ["f", "p", 0, True],
        ["f", "q", 0, True],
    ]
    assert r.counts == {"parents_added": 2}
    with pytest.warns(ImportWarning, match="parents_added 2"):
        ped.read(p, missing_parents="add")


def test_read_does_not_warn_without_lossy_conversions() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ds = ped.read(FIXTURES / "two_families.ped")
    assert ds.n_persons == 9


def test_other_sex_codes_as_unknown_when_not_strict(tmp_path: Path) -> None:
    p = _write(tmp_path, "f a 0 0 -9\nf b 0 0 M\nf c 0 0 1\n")
    r = ped.read_full(p, strict_sex=False)
    assert r.dataset.persons["sex"].tolist() == ["U", "U", "M"]
    assert r.counts == {"sex_other_as_unknown": 2}


# ------------------------------------------------------------------------------------------ errors


def test_column_count_errors(tmp_path: Path) -> None:
    p = _write(tmp_path, "# comment\nf a 0 0 1 2\nf b 0 0\n\nf c 0 0 1\nf d 0 0 2 1\n")
    assert _errors(p) == [
        ("ped.columns", str(p), 3, "", "f b 0 0"),
        ("ped.columns", str(p), 5, "", "f c 0 0 1"),
    ]
    with pytest.raises(fg.DataError, match="expected 6, as on line 2"):
        ped.read_full(p)


def test_sex_code_error(tmp_path: Path) -> None:
    p = _write(tmp_path, "f a 0 0 1\nf b 0 0 3\nf c a b 2\n")
    # b is kept (as unknown sex) for resolving c's mother: one error, not a cascade.
    assert _errors(p) == [("ped.sex", str(p), 2, "sex", "3")]


def test_duplicate_and_reserved_ids(tmp_path: Path) -> None:
    p = _write(tmp_path, "f a 0 0 1\nf 0 0 0 1\ng a 0 0 1\nf a 0 0 2\n")
    errs = _errors(p)
    assert errs == [("ped.id", str(p), 2, "id", "0"), ("ped.duplicate_id", str(p), 4, "id", "a")]
    with pytest.raises(fg.DataError, match="first on line 1"):
        ped.read_full(p)


def test_parent_not_in_family(tmp_path: Path) -> None:
    p = _write(tmp_path, "f a 0 0 1\ng b a 0 1\ng c 0 zz 2\n")
    assert _errors(p) == [
        ("ref.unknown_id", str(p), 2, "father", "a"),
        ("ref.unknown_id", str(p), 3, "mother", "zz"),
    ]
    with pytest.raises(fg.DataError, match="is not a person of family 'g'"):
        ped.read_full(p)


def test_parent_sex_errors(tmp_path: Path) -> None:
    p = _write(tmp_path, "f m 0 0 1\nf d 0 0 2\nf c d m 0\n")
    assert _errors(p) == [
        ("parent.sex", str(p), 3, "father", "d"),
        ("parent.sex", str(p), 3, "mother", "m"),
    ]


def test_validator_errors_map_back_to_ped_lines(tmp_path: Path) -> None:
    # Line 2: x is its own father; lines 3-4: a and b are each other's fathers; line 6: p is both parents.
    p = _write(tmp_path, "f ok 0 0 1\nf x x 0 1\nf a b 0 1\nf b a 0 1\nf p 0 0 0\nf c p p 1\n")
    with pytest.raises(fg.DataError) as info:
        ped.read_full(p)
    errs = sorted((e.rule, e.file, e.line, e.column, e.value) for e in info.value.errors)
    assert ("parent.same_person", str(p), 6, "father", "p") in errs
    cycles = [e for e in info.value.errors if e.rule == "parent.cycle"]
    assert {(e.line, e.column, e.value) for e in cycles} == {(2, "id", "x"), (3, "id", "a")} or {
        (e.line, e.column, e.value) for e in cycles
    } == {(2, "id", "x"), (4, "id", "b")}
    texts = " ".join(e.message for e in cycles)
    assert "f/x -> f/x" in texts and "f/a" in texts and "f/b" in texts  # PED names, not famgraph ids
    assert "<persons>" not in str(info.value)


def test_encoding_error_names_the_line(tmp_path: Path) -> None:
    p = tmp_path / "bad.ped"
    p.write_bytes(b"f a 0 0 1\nf b\xff 0 0 1\n")
    assert _errors(p) == [("ped.encoding", str(p), 2, "", "f b\\xff 0 0 1")]


def test_error_limit_truncates(tmp_path: Path) -> None:
    p = _write(tmp_path, "".join(f"f {k} 0 0 7\n" for k in range(1, 30)))
    with pytest.raises(fg.DataError) as info:
        ped.read_full(p, max_errors=5)
    assert len(info.value.errors) == 5 and info.value.truncated


def test_bad_options_and_paths(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="missing_parents='maybe'"):
        ped.read_full(FIXTURES / "two_families.ped", missing_parents="maybe")  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError):
        ped.read_full(tmp_path / "nope.ped")
    with pytest.raises(IsADirectoryError):
        ped.read_full(tmp_path)


# ----------------------------------------------------------------------------------------- writing


def test_write_read_preserves_the_file_as_sets(tmp_path: Path) -> None:
    for name in ("two_families.ped", "bom_crlf_tabs.ped"):
        r = ped.read_full(FIXTURES / name)
        out = ped.write(r.dataset, tmp_path / name, ids=r.ids, extra=r.extra)
        assert _ped_lines(out) == _ped_lines(FIXTURES / name)
        assert out.read_bytes().endswith(b"\n") and b"\r" not in out.read_bytes()


def test_write_without_ids_uses_components_and_person_ids(tmp_path: Path) -> None:
    r = ped.read_full(FIXTURES / "two_families.ped")
    out = ped.write(r.dataset, tmp_path / "x.ped")
    assert out.read_text().splitlines() == [
        "1 1 0 0 1",
        "1 2 0 0 2",
        "1 3 1 2 1",
        "1 4 0 0 2",
        "1 5 3 4 2",
        "1 6 3 4 1",
        "2 7 0 0 1",
        "2 8 0 0 0",
        "2 9 7 8 2",
    ]


def _components(persons: pd.DataFrame) -> dict[int, int]:
    """Family components by union-find over parent links (independent of FamilyGraph)."""
    parent = {int(p): int(p) for p in persons["person_id"]}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pid, m, f in persons[["person_id", "mother_id", "father_id"]].itertuples(index=False):
        for q in (m, f):
            if not pd.isna(q):
                parent[find(int(pid))] = find(int(q))
    return {p: find(p) for p in parent}


def test_read_write_preserves_a_synthetic_population(tmp_path: Path) -> None:
    ds = fg.synth.generate(persons=3000, seed=11, progress=False)
    out = ped.write(ds, tmp_path / "synth.ped")
    back = ped.read_full(out)
    # Map back through the written ids (the famgraph person_id as text).
    original_id = {int(p): int(i) for p, i in zip(back.ids["person_id"], back.ids["id"], strict=True)}

    def mapped(v: object) -> int | None:
        return None if pd.isna(v) else original_id[int(v)]  # type: ignore[arg-type]

    got = {
        (original_id[int(p)], s, mapped(m), mapped(f))
        for p, s, m, f in back.dataset.persons[["person_id", "sex", "mother_id", "father_id"]].itertuples(
            index=False
        )
    }
    want = {
        (int(p), s, None if pd.isna(m) else int(m), None if pd.isna(f) else int(f))
        for p, s, m, f in ds.persons[["person_id", "sex", "mother_id", "father_id"]].itertuples(index=False)
    }
    assert got == want
    # Families are the family components: same partition as an independent union-find.
    comp = _components(ds.persons)
    family = {original_id[int(p)]: f for p, f in zip(back.ids["person_id"], back.ids["family"], strict=True)}
    by_family: dict[str, set[int]] = {}
    by_comp: dict[int, set[int]] = {}
    for p in comp:
        by_family.setdefault(family[p], set()).add(p)
        by_comp.setdefault(comp[p], set()).add(p)
    assert sorted(map(sorted, by_family.values())) == sorted(map(sorted, by_comp.values()))


def test_write_with_extra_and_missing_values(tmp_path: Path) -> None:
    r = ped.read_full(FIXTURES / "two_families.ped")
    extra = pd.DataFrame({"person_id": [1, 9], "status": ["2", "1"]})
    out = ped.write(r.dataset, tmp_path / "e.ped", ids=r.ids, extra=extra, missing_extra="-9")
    lines = out.read_text().splitlines()
    assert lines[0] == "F1 gf 0 0 1 2" and lines[1] == "F1 gm 0 0 2 -9" and lines[-1] == "F2 y gf x 2 1"


def test_write_errors(tmp_path: Path) -> None:
    persons = pd.DataFrame(
        {
            "person_id": [0, 1],
            "sex": ["F", "M"],
            "birth_date": [None, None],
            "exit_date": [None, None],
            "mother_id": [None, None],
            "father_id": [None, None],
        }
    )
    ds = fg.Dataset.from_pandas(persons)
    with pytest.raises(ValueError, match="person_id 0 cannot be written"):
        ped.write(ds, tmp_path / "z.ped")
    ids = pd.DataFrame({"person_id": [0, 1], "family": ["f", "f"], "id": ["a b", "c"]})
    with pytest.raises(ValueError, match="cannot be written to a PED file"):
        ped.write(ds, tmp_path / "z.ped", ids=ids)
    with pytest.raises(ValueError, match="no row in ids"):
        ped.write(ds, tmp_path / "z.ped", ids=ids.iloc[:1])
    assert not (tmp_path / "z.ped").exists()
    ids = pd.DataFrame({"person_id": [0, 1], "family": ["f", "f"], "id": ["a", "a"]})
    with pytest.raises(ValueError, match="given to two persons"):
        ped.write(ds, tmp_path / "z.ped", ids=ids)


def test_write_is_atomic_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out.ped"
    target.write_text("old\n")
    r = ped.read_full(FIXTURES / "two_families.ped")
    ped.write(r.dataset, target)
    assert target.read_text().startswith("1 1 0 0 1\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ped"]  # no temp file left


# --------------------------------------------------------------------------------------------- CLI


def test_cli_convert_ped_to_famgraph_and_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = FIXTURES / "two_families.ped"
    folder, ids, extra = tmp_path / "fg", tmp_path / "ids.csv", tmp_path / "extra.csv"
    rc = cli_main(
        [
            *("convert", str(src), str(folder), "--from", "ped", "--to", "famgraph"),
            *("--ids-out", str(ids), "--extra-out", str(extra)),
        ]
    )
    assert rc == 0
    assert "converted 9 persons" in capsys.readouterr().out
    assert fg.Dataset.from_csv(folder).n_persons == 9
    assert pd.read_csv(ids)["id"].tolist()[:3] == ["gf", "gm", "dad"]
    assert pd.read_csv(extra)["affection"].tolist()[:3] == [1, 1, 2]
    back = tmp_path / "back.ped"
    assert (
        cli_main(["convert", str(folder), str(back), "--from", "famgraph", "--to", "ped", "--ids", str(ids)])
        == 0
    )
    assert {t[:5] for t in _ped_lines(back)} == {t[:5] for t in _ped_lines(src)}
    assert cli_main(["convert", str(folder), str(back), "--from", "famgraph", "--to", "ped"]) == 2
    assert "already exists" in capsys.readouterr().err


def test_cli_convert_reports_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = _write(tmp_path, "f a 0 0 5\n")
    assert cli_main(["convert", str(p), str(tmp_path / "o.ged"), "--from", "ped", "--to", "gedcom"]) == 1
    assert f"{p}:1:sex:" in capsys.readouterr().err
    assert not (tmp_path / "o.ged").exists()


def test_person_ids_are_int64(tmp_path: Path) -> None:
    r = ped.read_full(FIXTURES / "two_families.ped")
    assert r.ids["person_id"].dtype == np.int64 and r.dataset.persons["person_id"].dtype == np.int64
