"""Linkage across organisations (famgraph.linkage, docs/linkage.md).

The main test splits a synthetic population into three organisation exports with local ids,
overlapping memberships, keyed pseudonyms written three different ways, planted conflicts and
records without a pseudonym. The expected linked tables are built here, independently of the
linkage code, from the original population and the documented rules (ids: linked persons in
pseudonym order, then unlinked records by organisation and local id; each planted conflict
resolved as docs/linkage.md says), and compared with the output table by table.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import famgraph as fg
from famgraph import linkage, privacy
from famgraph.cli import main

KEY = privacy.Key(b"linkage-test-key-0123456789abcdef")
ORGS = ("A", "B", "C")


def iso(d: date) -> str:
    return d.isoformat()


@dataclass
class Split:
    original: fg.Dataset
    exports: list[linkage.Export]
    local: dict[str, dict[int, int]]  # org -> original id -> local id
    member: dict[str, set[int]]
    records: dict[str, pd.DataFrame]  # org -> the persons rows as exported (with "orig")
    events: dict[str, pd.DataFrame]
    partnerships: dict[str, pd.DataFrame]
    contacts: dict[str, pd.DataFrame]
    planted: dict[str, int] = field(default_factory=dict)  # name -> original id
    mother_override: dict[int, int] = field(default_factory=dict)  # child -> wrong mother in B
    unlinked: dict[str, list[int]] = field(default_factory=dict)  # org -> ids whose record has no pseudonym
    duplicate: int = -1


def _pattern(split_member: dict[str, set[int]], pid: int) -> frozenset[str]:
    return frozenset(o for o in ORGS if pid in split_member[o])


@pytest.fixture(scope="module")
def split() -> Split:
    ds = fg.synth.generate(persons=1500, seed=5, progress=False)
    P = ds.persons.copy()
    rng = np.random.default_rng(2024)
    member: dict[str, set[int]] = {o: set() for o in ORGS}
    ev_of: dict[str, list[pd.DataFrame]] = {o: [] for o in ORGS}
    for _, rows in ds.events.groupby("incident_id", sort=True):
        o = ORGS[int(rng.integers(3))]
        member[o] |= set(rows["person_id"].tolist())
        ev_of[o].append(rows)
    pt_of: dict[str, list[int]] = {o: [] for o in ORGS}
    for i, row in ds.partnerships.iterrows():
        o = ORGS[int(rng.integers(3))]
        member[o] |= {int(row["person_a"]), int(row["person_b"])}
        pt_of[o].append(i)
    ct_of: dict[str, list[int]] = {o: [] for o in ORGS}
    for i, row in ds.contacts.iterrows():
        o = ORGS[int(rng.integers(3))]
        member[o].add(int(row["person_id"]))
        ct_of[o].append(i)
    ids = P["person_id"].tolist()
    for pid in ids:
        for o in ORGS:
            if rng.random() < 0.45:
                member[o].add(pid)
        if not any(pid in member[o] for o in ORGS):
            member[ORGS[int(rng.integers(3))]].add(pid)

    by_id = P.set_index("person_id")
    parents = set(P["mother_id"].dropna().astype(int)) | set(P["father_id"].dropna().astype(int))
    birth = {pid: date.fromisoformat(b) for pid, b in by_id["birth_date"].items()}

    def safe(
        pid: int,
    ) -> bool:  # childless, parents >= 14 years older: a birth up to a year earlier stays valid
        if pid in parents:
            return False
        for col in ("mother_id", "father_id"):
            par = by_id.loc[pid, col]
            if not pd.isna(par) and (birth[pid] - birth[int(par)]).days < 14 * 366:
                return False
        return True

    used: set[int] = set()

    def pick(pattern: set[str], cond: object = None) -> int:
        for pid in ids:
            if pid in used or _pattern(member, pid) != frozenset(pattern) or not safe(pid):
                continue
            if cond is not None and not cond(pid):  # type: ignore[operator]
                continue
            used.add(pid)
            return pid
        raise AssertionError(f"no candidate with pattern {pattern}")

    s = Split(ds, [], {}, member, {}, {}, {}, {})
    s.planted["sex_majority"] = pick({"A", "B", "C"})
    s.planted["sex_tie"] = pick({"A", "B"})
    s.planted["birth_majority"] = pick({"A", "B", "C"})
    s.planted["birth_more_precise"] = pick({"A", "B"})
    s.planted["birth_earlier"] = pick({"A", "C"})
    s.planted["exit_later"] = pick({"B", "C"}, lambda p: not pd.isna(by_id.loc[p, "exit_date"]))
    s.planted["birth_refined"] = pick({"A", "B"})
    s.planted["duplicate"] = pick({"A", "B"})
    s.duplicate = s.planted["duplicate"]

    # A child in exactly A and B whose mother is in A; B records another woman as the mother.
    def wrong_mother_for(child: int) -> int | None:
        for cand in sorted(member["B"]):
            if cand in used or cand == child or by_id.loc[cand, "sex"] != "F":
                continue
            gap = (birth[child] - birth[cand]).days
            if 16 * 366 < gap < 40 * 365 and cand != by_id.loc[child, "mother_id"]:
                return cand
        return None

    for pid in ids:
        m = by_id.loc[pid, "mother_id"]
        if (
            pid not in used
            and _pattern(member, pid) == frozenset({"A", "B"})
            and not pd.isna(m)
            and int(m) in member["A"]
            and wrong_mother_for(pid) is not None
        ):
            used.add(pid)
            s.planted["mother_tie"] = pid
            s.mother_override[pid] = int(wrong_mother_for(pid))  # type: ignore[arg-type]
            break
    # Childless members of C (twelve) and of A (three), none of the above, whose record there has
    # no pseudonym.
    for o, n in (("C", 12), ("A", 3)):
        s.unlinked[o] = []
        for pid in ids:
            if len(s.unlinked[o]) == n:
                break
            if pid in member[o] and pid not in used and pid not in parents:
                s.unlinked[o].append(pid)
                used.add(pid)

    shift = timedelta
    for k, o in enumerate(ORGS):
        people = sorted(member[o])
        perm = rng.permutation(len(people))
        local = {pid: 10_000 * (k + 1) + int(perm[j]) for j, pid in enumerate(people)}
        rows = []
        for pid in people:
            r = by_id.loc[pid]
            sex, b, ex = r["sex"], r["birth_date"], r["exit_date"]
            mother = r["mother_id"]
            mother = local.get(int(mother)) if not pd.isna(mother) else None
            father = r["father_id"]
            father = local.get(int(father)) if not pd.isna(father) else None
            flip = {"F": "M", "M": "F"}
            if o == "C" and pid == s.planted["sex_majority"]:
                sex = flip[sex]
            if o == "B" and pid == s.planted["sex_tie"]:
                sex = flip[sex]
            if o == "C" and pid == s.planted["birth_majority"]:
                b = iso(birth[pid] - shift(days=1))
            if o == "B" and pid == s.planted["birth_more_precise"]:
                b = f"{birth[pid].year - 1}-{birth[pid].month:02d}"
            if o == "C" and pid == s.planted["birth_earlier"]:
                b = iso(birth[pid] - shift(days=30))
            if o == "C" and pid == s.planted["exit_later"]:
                ex = iso(date.fromisoformat(ex) + shift(days=10))
            if o == "B" and pid == s.planted["birth_refined"]:
                b = b[:4]
            if o == "B" and pid in s.mother_override:
                mother = local[s.mother_override[pid]]
            ident = f"NL-{pid:09d}"
            ident = {"A": ident, "B": ident.lower(), "C": f"  {ident} "}[o]
            if pid in s.unlinked.get(o, []):
                ident = None
            rows.append(
                {
                    "person_id": local[pid],
                    "identifier": ident,
                    "sex": sex,
                    "birth_date": b,
                    "exit_date": ex,
                    "mother_id": mother,
                    "father_id": father,
                    "orig": pid,
                }
            )
            if o == "A" and pid == s.duplicate:
                rows.append(dict(rows[-1], person_id=99_999, mother_id=None, father_id=None))
        persons = pd.DataFrame(rows)
        persons["mother_id"] = persons["mother_id"].astype("Int64")
        persons["father_id"] = persons["father_id"].astype("Int64")
        exported = privacy.pseudonymise(persons.drop(columns=["orig"]), {"identifier": "pseudonym"}, KEY)

        def loc(series: pd.Series, local: dict[int, int] = local) -> pd.Series:
            return series.map(lambda x: local[int(x)])

        ev = pd.concat(ev_of[o], ignore_index=True) if ev_of[o] else ds.events.iloc[0:0].copy()
        ev = ev.assign(person_id=loc(ev["person_id"]))
        pt = ds.partnerships.loc[pt_of[o]].reset_index(drop=True)
        pt = pt.assign(person_a=loc(pt["person_a"]), person_b=loc(pt["person_b"]))
        ct = ds.contacts.loc[ct_of[o]].reset_index(drop=True)
        ct = ct.assign(person_id=loc(ct["person_id"]))
        s.exports.append(linkage.Export(o, exported, pt, ev, ct))
        s.local[o] = local
        s.records[o] = persons
        s.events[o], s.partnerships[o], s.contacts[o] = ev, pt, ct
    assert "mother_tie" in s.planted
    return s


def expected_ids(s: Split) -> tuple[dict[int, int], dict[tuple[str, int], int]]:
    """original id -> new id (linked persons) and (org, local id) -> new id (every record)."""
    pseud: dict[int, int] = {}
    for o in ORGS:
        for _, r in s.records[o].iterrows():
            if r["identifier"] is not None:
                pseud[int(r["orig"])] = privacy.pseudonym(f"NL-{int(r['orig']):09d}", KEY)  # type: ignore[assignment]
    order = sorted(pseud, key=lambda pid: pseud[pid])
    new = {pid: i + 1 for i, pid in enumerate(order)}
    by_record: dict[tuple[str, int], int] = {}
    unlinked = []
    for o in ORGS:
        for _, r in s.records[o].iterrows():
            if r["identifier"] is None:
                unlinked.append((o, int(r["person_id"])))
            else:
                by_record[(o, int(r["person_id"]))] = new[int(r["orig"])]
    for j, rec in enumerate(sorted(unlinked)):
        by_record[rec] = len(new) + 1 + j
    return new, by_record


def expected_persons(s: Split) -> pd.DataFrame:
    new, by_record = expected_ids(s)
    P = s.original.persons.set_index("person_id")
    rows = []
    for pid, nid in new.items():
        r = P.loc[pid]
        sex, b, ex = r["sex"], r["birth_date"], r["exit_date"]
        linked_in = [o for o in ORGS if pid in s.member[o] and pid not in s.unlinked.get(o, [])]

        def parent(col: str, r: pd.Series = r, linked_in: list[str] = linked_in) -> object:
            par = r[col]
            if pd.isna(par):
                return pd.NA
            par = int(par)
            if any(par in s.member[o] for o in linked_in):
                return new[par]
            return pd.NA

        mother, father = parent("mother_id"), parent("father_id")
        if pid == s.planted["sex_tie"]:
            sex = "U"
        if pid == s.planted["birth_earlier"]:
            b = iso(date.fromisoformat(b) - timedelta(days=30))
        if pid == s.planted["exit_later"]:
            ex = iso(date.fromisoformat(ex) + timedelta(days=10))
        if pid == s.planted["mother_tie"]:
            mother = pd.NA
        rows.append((nid, sex, b, ex, mother, father))
    for o in ORGS:
        recs = s.records[o]
        local_to_orig = {v: k for k, v in s.local[o].items()}
        for _, r in recs[recs["identifier"].isna()].iterrows():
            nid = by_record[(o, int(r["person_id"]))]

            def oparent(col: str, r: pd.Series = r, back: dict[int, int] = local_to_orig) -> object:
                v = r[col]
                return pd.NA if pd.isna(v) else new[back[int(v)]]

            rows.append(
                (nid, r["sex"], r["birth_date"], r["exit_date"], oparent("mother_id"), oparent("father_id"))
            )
    out = pd.DataFrame(
        rows, columns=["person_id", "sex", "birth_date", "exit_date", "mother_id", "father_id"]
    )
    out = out.sort_values("person_id", ignore_index=True)
    out["mother_id"] = out["mother_id"].astype("Int64")
    out["father_id"] = out["father_id"].astype("Int64")
    out["exit_date"] = out["exit_date"].astype(object).where(out["exit_date"].notna(), None)
    return out


@pytest.fixture(scope="module")
def linked(split: Split) -> linkage.Linked:
    return linkage.link_tables(split.exports, min_cell=0)


def test_persons_reconstructed_exactly(split: Split, linked: linkage.Linked) -> None:
    ds = linked.to_dataset()
    got = ds.persons
    exp = expected_persons(split)
    assert len(got) == len(exp)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), exp, check_dtype=False)
    # the planted duplicate record of A was merged, and nothing else changed for that person
    assert (linked.crosswalk["person_id"] == expected_ids(split)[0][split.duplicate]).sum() == 3


def test_other_tables_remapped(split: Split, linked: linkage.Linked) -> None:
    _, by_record = expected_ids(split)
    # events: incidents numbered per organisation (A, B, C) in local incident order
    exp_ev = []
    offset = 0
    for o in ORGS:
        ev = split.events[o]
        incs = sorted(ev["incident_id"].unique())
        rank = {inc: offset + i + 1 for i, inc in enumerate(incs)}
        offset += len(incs)
        for _, r in ev.iterrows():
            exp_ev.append(
                (
                    rank[r["incident_id"]],
                    by_record[(o, int(r["person_id"]))],
                    r["role"],
                    r["date"],
                    r["kind"],
                    r["source"],
                )
            )
    got_ev = [
        tuple(x) for x in linked.events[list(fg.linkage.TABLE_COLUMNS["events"])].itertuples(index=False)
    ]
    assert sorted(got_ev) == sorted(exp_ev)
    exp_pt = [
        (
            by_record[(o, int(r["person_a"]))],
            by_record[(o, int(r["person_b"]))],
            r["start_date"],
            r["end_date"],
        )
        for o in ORGS
        for _, r in split.partnerships[o].iterrows()
    ]
    got_pt = [tuple(x) for x in linked.partnerships.itertuples(index=False)]
    assert sorted(got_pt, key=str) == sorted(exp_pt, key=str)
    exp_ct = [
        (by_record[(o, int(r["person_id"]))], r["source"], r["start_date"], r["end_date"], r["kind"])
        for o in ORGS
        for _, r in split.contacts[o].iterrows()
    ]
    got_ct = [tuple(x) for x in linked.contacts.itertuples(index=False)]
    assert sorted(got_ct, key=str) == sorted(exp_ct, key=str)


def test_planted_conflicts_counted(split: Split, linked: linkage.Linked) -> None:
    t = linked.report.tables["conflicts"]
    counts = {(r.field, r.resolution): int(r.persons) for r in t.itertuples()}
    expected = {k: 0 for k in counts}
    expected |= {
        ("sex", "majority"): 1,
        ("sex", "tie_unknown"): 1,
        ("birth_date", "majority"): 1,
        ("birth_date", "more_precise"): 1,
        ("birth_date", "earlier"): 1,
        ("exit_date", "later"): 1,
        ("mother_id", "tie_unknown"): 1,
    }
    assert counts == expected
    ref = linked.report.tables["refinements"].set_index("field")["persons"].to_dict()
    assert ref == {"birth_date": 1, "exit_date": 0}


def test_report_counts(split: Split, linked: linkage.Linked) -> None:
    rep = linked.report
    linked_in = {o: {p for p in split.member[o] if p not in split.unlinked.get(o, [])} for o in ORGS}
    persons = rep.tables["persons"].set_index("organisation")
    for o in ORGS:
        assert persons.loc[o, "linked_persons"] == len(linked_in[o])
        assert persons.loc[o, "records_without_pseudonym"] == len(split.unlinked.get(o, []))
        assert persons.loc[o, "duplicate_records"] == (1 if o == "A" else 0)
    m = rep.tables["match_rates"].set_index(["organisation", "other"])
    for a in ORGS:
        for b in ORGS:
            if a != b:
                both = len(linked_in[a] & linked_in[b])
                assert m.loc[(a, b), "n"] == len(linked_in[a])
                assert m.loc[(a, b), "found"] == both
                assert m.loc[(a, b), "not_found"] == len(linked_in[a]) - both
                assert m.loc[(a, b), "share"] == pytest.approx(both / len(linked_in[a]))
    totals = rep.tables["totals"]["count"].to_dict()
    every = set().union(*linked_in.values())
    assert totals["linked_persons"] == len(every)
    n_unlinked = sum(len(v) for v in split.unlinked.values())
    assert totals["unlinked_persons"] == n_unlinked == 15
    assert totals["persons"] == len(every) + n_unlinked
    assert totals["persons_in_several_organisations"] == sum(
        1 for p in every if sum(p in linked_in[o] for o in ORGS) >= 2
    )


def test_export_order_does_not_matter(split: Split, linked: linkage.Linked) -> None:
    again = linkage.link_tables(list(reversed(split.exports)), min_cell=0)
    for t in ("persons", "partnerships", "events", "contacts", "crosswalk"):
        a = getattr(linked, t).sort_values(list(getattr(linked, t).columns), ignore_index=True)
        b = getattr(again, t).sort_values(list(getattr(again, t).columns), ignore_index=True)
        pd.testing.assert_frame_equal(a, b)


def test_report_disclosure_control_by_default(split: Split) -> None:
    ds, rep = fg.link(split.exports)
    assert rep.min_cell == 10
    c = rep.tables["conflicts"]
    assert c["persons"].isna().all() and c["persons_suppressed"].all()  # every count is 0 or 1
    d = rep.to_dict()
    assert all(row["persons"] is None and row["suppressed"] == ["persons"] for row in d["conflicts"])
    assert "<10" in rep.summary()
    assert "disclosure control: on (min_cell = 10)" in rep.summary()
    persons = rep.tables["persons"].set_index("organisation")
    assert math.isnan(persons.loc["A", "duplicate_records"])  # 1 record
    assert persons.loc["A", "linked_persons"] > 10  # large counts published
    html = rep._repr_html_()
    assert "&lt;10" in html and "<table" in html
    json.dumps(d)  # JSON-serialisable
    # no ids anywhere in the report: no person_id / pseudonym values of the linked data
    text = json.dumps(d) + rep.summary() + html
    big_ids = {str(x) for x in ds.persons["person_id"] if x > 10_000}
    assert not any(i in text for i in big_ids)
    pseudonyms = linkage.link_tables(split.exports).persons["pseudonym"].dropna()
    assert not any(str(p) in text for p in pseudonyms)


def test_min_cell_zero_is_stamped(linked: linkage.Linked) -> None:
    d = linked.report.to_dict()
    assert d["disclosure_control"].startswith("disclosure control: OFF")
    assert "OFF" in linked.report.summary()


# ---- the resolution rules on hand-made records ------------------------------------------------


@pytest.mark.parametrize(
    ("values", "prio", "later", "expected"),
    [
        (["1985-03-12"], [], False, ("1985-03-12", None)),
        (["1985", "1985-03", "1985-03-12"], [], False, ("1985-03-12", "refined")),
        (["1985-03-12", "1985-03-12", "1985-03-11"], [], False, ("1985-03-12", "majority")),
        # a coarse record supports the dates inside it: 1985-03-12 has 2 of 3
        (["1985-03-12", "1985", "1986-01-01"], [], False, ("1985-03-12", "majority")),
        (["1985-03-12", "1984-06"], [], False, ("1985-03-12", "more_precise")),
        (["1985-03-12", "1985-02-10"], [], False, ("1985-02-10", "earlier")),
        (["1985-03-12", "1985-02-10"], [], True, ("1985-03-12", "later")),
        (["1985-03", "1986-03-12", "1986-03-12"], ["1985-03"], False, ("1985-03", "priority")),
        # the priority value is refined by nothing else (incompatible others): kept as is
        (["1985", "1986-01-02"], ["1985"], False, ("1985", "priority")),
        # priority records disagreeing among themselves: the rules among them, labelled priority
        (
            ["1985-01-01", "1986-01-01", "1986-01-01"],
            ["1985-01-01", "1986-01-01"],
            False,
            ("1985-01-01", "priority"),
        ),
        ([], [], False, (None, None)),
    ],
)
def test_resolve_date(
    values: list[str], prio: list[str], later: bool, expected: tuple[object, object]
) -> None:
    assert linkage._resolve_date(values, prio, later) == expected


@pytest.mark.parametrize(
    ("values", "prio", "expected"),
    [
        (["F", "F"], [], ("F", None)),
        (["F", "F", "M"], [], ("F", "majority")),
        (["F", "M"], [], ("U", "tie_unknown")),
        (["F", "M", "M"], ["F"], ("F", "priority")),
        ([], [], (None, None)),
    ],
)
def test_resolve_category(values: list[str], prio: list[str], expected: tuple[object, object]) -> None:
    assert linkage._resolve_category(values, prio, "U") == expected


def _persons(rows: list[tuple[object, ...]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["person_id", "pseudonym", "sex", "birth_date", "exit_date", "mother_id", "father_id"]
    ).astype({"mother_id": "Int64", "father_id": "Int64", "pseudonym": "Int64"})


def test_parent_role_and_same_parent_rules() -> None:
    # A says 1 is the mother of 3; B says 1 (same pseudonym 501) is male: the tie F/M gives U; a
    # person recorded as a mother with resolved sex M becomes U as well.
    a = _persons([(1, 501, "F", "1950", None, None, None), (3, 503, "F", "1980", None, 1, None)])
    b = _persons([(7, 501, "M", "1950", None, None, None), (8, 502, "M", "1951", None, None, None)])
    c = _persons([(1, 501, "M", "1950", None, None, None)])
    linked = linkage.link_tables(
        [linkage.Export("A", a), linkage.Export("B", b), linkage.Export("C", c)], min_cell=0
    )
    p = linked.persons.set_index("pseudonym")
    assert p.loc[501, "sex"] == "U"  # M by majority (2:1), then U as a recorded mother
    counts = {(r.field, r.resolution): r.persons for r in linked.report.tables["conflicts"].itertuples()}
    assert counts[("sex", "majority")] == 1
    assert counts[("sex", "parent_role_unknown")] == 1
    # mother and father the same linked person: both unknown
    a2 = _persons([(1, 501, "U", "1950", None, None, None), (3, 503, "F", "1980", None, 1, None)])
    b2 = _persons([(5, 501, "U", "1950", None, None, None), (6, 503, "F", "1980", None, None, 5)])
    l2 = linkage.link_tables([linkage.Export("A", a2), linkage.Export("B", b2)], min_cell=0)
    child = l2.persons.set_index("pseudonym").loc[503]
    assert pd.isna(child["mother_id"]) and pd.isna(child["father_id"])
    c2 = {(r.field, r.resolution): r.persons for r in l2.report.tables["conflicts"].itertuples()}
    assert (
        c2[("mother_id", "same_as_father_unknown")] == 1 and c2[("father_id", "same_as_mother_unknown")] == 1
    )
    l2.to_dataset()  # valid


def test_microdata_source_has_priority() -> None:
    micro = fg.microdata.load_persons(
        pd.DataFrame(
            {
                "RINPERSOONS": ["R", "R", "R"],
                "RINPERSOON": ["000000011", "000000012", "000000013"],
                "GBAGESLACHT": ["2", "1", "2"],
                "GBAGEBOORTEJAAR": ["1950", "1948", "1980"],
                "GBAGEBOORTEMAAND": ["01", "05", "07"],
            }
        )
    )
    cp = fg.microdata.load_child_parent(
        pd.DataFrame(
            {
                "RINPERSOONS": ["R"],
                "RINPERSOON": ["000000013"],
                "RINPERSOONSpa": ["R"],
                "RINPERSOONpa": ["000000012"],
                "RINPERSOONSMa": ["R"],
                "RINPERSOONMa": ["000000011"],
            }
        )
    )
    micro = micro.set_index("person_id")
    micro.loc[cp["person_id"], ["mother_id", "father_id"]] = cp.set_index("person_id")[
        ["mother_id", "father_id"]
    ]
    micro = micro.reset_index()
    key = fg.microdata.person_key(["R", "R"], ["000000013", "000000011"])
    org = _persons(
        [
            (1, int(key[0]), "M", "1980-07-21", None, 2, None),  # sex M against the register's F
            (2, int(key[1]), "F", "1950-01-03", None, None, None),
        ]
    )
    ds, rep = fg.link([linkage.Export("police", org)], microdata=micro, min_cell=0)
    p = ds.persons.set_index("person_id")
    # register persons 11, 12, 13 -> pseudonym order 11 < 12 < 13 -> ids 1, 2, 3
    assert p.loc[3, "sex"] == "F"  # the register wins
    assert p.loc[3, "birth_date"] == "1980-07-21"  # compatible with 1980-07: refined
    assert p.loc[3, "mother_id"] == 1 and p.loc[3, "father_id"] == 2
    assert p.loc[1, "birth_date"] == "1950-01-03"
    counts = {(r.field, r.resolution): r.persons for r in rep.tables["conflicts"].itertuples()}
    assert counts[("sex", "priority")] == 1
    assert rep.parameters["priority"] == ["CBS"]


def test_bad_exports_are_data_errors() -> None:
    good = _persons([(1, 501, "F", "1950", None, None, None)])
    bad = _persons([(1, 502, "X", "1950", None, None, None), (2, 503, "F", "1960", None, 9, None)])
    with pytest.raises(fg.DataError) as e:
        fg.link([linkage.Export("A", good), linkage.Export("B", bad)])
    found = {(i.file, i.line, i.column, i.value) for i in e.value.errors}
    assert ("persons (B)", 2, "sex", "X") in found
    assert ("persons (B)", 3, "mother_id", "9") in found
    text = good.astype({"pseudonym": object})
    text.loc[0, "pseudonym"] = "12ab"
    with pytest.raises(fg.DataError) as e:
        fg.link([linkage.Export("A", text)])
    assert [(i.rule, i.line, i.column, i.value) for i in e.value.errors] == [
        ("link.pseudonym", 2, "pseudonym", "12ab")
    ]


def test_usage_errors() -> None:
    good = _persons([(1, 501, "F", "1950", None, None, None)])
    with pytest.raises(ValueError, match="more than one export"):
        fg.link([linkage.Export("A", good), linkage.Export("A", good)])
    with pytest.raises(ValueError, match="no pseudonym column 'pid'"):
        fg.link([linkage.Export("A", good)], on="pid")
    with pytest.raises(ValueError, match="priority names unknown"):
        fg.link([linkage.Export("A", good)], priority=["Z"])
    with pytest.raises(ValueError, match="at least one export"):
        fg.link([])
    with pytest.raises(TypeError, match="min_cell"):
        fg.link([linkage.Export("A", good)], min_cell=2.5)  # type: ignore[arg-type]


def test_pseudonym_only_exports_and_mappings() -> None:
    # No person_id: the pseudonym is the local id (parents refer to pseudonyms); a person
    # without a pseudonym still becomes an (unlinked) person.
    a = pd.DataFrame(
        {
            "pseudonym": pd.array([900, 800, None], dtype="Int64"),
            "sex": ["F", "M", "F"],
            "birth_date": ["1950", "1975", "1990"],
            "exit_date": None,
            "mother_id": pd.array([None, 900, None], dtype="Int64"),
            "father_id": pd.array([None, None, None], dtype="Int64"),
        }
    )
    ds, rep = fg.link({"A": {"persons": a}}, min_cell=0)
    assert ds.persons["person_id"].tolist() == [1, 2, 3]  # 800 -> 1, 900 -> 2, unlinked -> 3
    assert ds.persons["birth_date"].tolist() == ["1975", "1950", "1990"]
    assert ds.persons.set_index("person_id").loc[1, "mother_id"] == 2
    assert rep.tables["persons"].loc[0, "records_without_pseudonym"] == 1


# ---- the command line ---------------------------------------------------------------------------


def _write_exports(split: Split, root: Path) -> list[str]:
    dirs = []
    for o in ORGS:
        d = root / f"export_{o}"
        d.mkdir()
        split.records[o].drop(columns=["orig"]).to_csv(d / "persons.csv", index=False)
        split.events[o].to_csv(d / "events.csv", index=False)
        split.partnerships[o].to_csv(d / "partnerships.csv", index=False)
        split.contacts[o].to_csv(d / "contacts.csv", index=False)
        dirs.append(str(d))
    return dirs


def test_cli_link_matches_the_python_api(
    split: Split, linked: linkage.Linked, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dirs = _write_exports(split, tmp_path)
    key = tmp_path / "key"
    key.write_bytes(b"linkage-test-key-0123456789abcdef\n")
    out = tmp_path / "linked"
    argv = ["link", *dirs, "--org", "A", "--org", "B", "--org", "C", "--key-file", str(key)]
    assert main([*argv, "--out", str(out), "--min-cell", "0"]) == 0
    printed = capsys.readouterr().out
    assert "famgraph linkage report" in printed and "disclosure control: OFF" in printed
    assert sorted(p.name for p in out.iterdir()) == [
        "contacts.csv",
        "events.csv",
        "linkage_report.json",
        "partnerships.csv",
        "persons.csv",
    ]
    got = fg.Dataset.from_csv(out)
    want = linked.to_dataset()
    for t in ("persons", "partnerships", "events", "contacts"):
        pd.testing.assert_frame_equal(getattr(got, t), getattr(want, t))
    assert "pseudonym" not in (out / "persons.csv").read_text().splitlines()[0]
    report = json.loads((out / "linkage_report.json").read_text())
    expected = json.loads(json.dumps(linked.report.to_dict()))
    assert report == expected
    # the default: disclosure control on
    out2 = tmp_path / "linked2"
    assert main([*argv, "--out", str(out2)]) == 0
    assert json.loads((out2 / "linkage_report.json").read_text())["disclosure_control"].startswith(
        "disclosure control: on"
    )


def test_cli_exit_codes(split: Split, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dirs = _write_exports(split, tmp_path)
    key = tmp_path / "key"
    key.write_bytes(b"linkage-test-key-0123456789abcdef")
    out = str(tmp_path / "o")
    assert main(["link", *dirs, "--out", out]) == 2  # raw identifiers but no key
    assert "need the key" in capsys.readouterr().err
    assert main(["link", *dirs, "--key-file", str(tmp_path / "absent"), "--out", out]) == 3  # environment
    short = tmp_path / "short"
    short.write_text("too short\n")
    assert main(["link", *dirs, "--key-file", str(short), "--out", out]) == 2
    assert main(["link", *dirs, "--key-file", str(key), "--org", "A", "--out", out]) == 2
    assert main(["link", str(tmp_path / "nope"), "--key-file", str(key), "--out", out]) == 3
    with pytest.raises(SystemExit) as e:
        main(["link", *dirs])  # --out missing: argparse
    assert e.value.code == 2
    assert not Path(out).exists()
    # a data error: exit 1, file and line named
    persons = Path(dirs[1]) / "persons.csv"
    lines = persons.read_text().splitlines()
    cells = lines[3].split(",")
    cells[2] = "Q"  # sex
    lines[3] = ",".join(cells)
    persons.write_text("\n".join(lines) + "\n")
    capsys.readouterr()
    assert main(["link", *dirs, "--key-file", str(key), "--out", out]) == 1
    assert f"{persons}:4:sex" in capsys.readouterr().err
    assert not Path(out).exists()


def _plain(org: str, pseudonyms: list[int | None]) -> linkage.Export:
    n = len(pseudonyms)
    return linkage.Export(
        org,
        pd.DataFrame(
            {
                "person_id": range(1, n + 1),
                "pseudonym": pd.array(pseudonyms, dtype="Int64"),
                "sex": "U",
                "birth_date": "1980",
                "exit_date": None,
                "mother_id": pd.array([None] * n, dtype="Int64"),
                "father_id": pd.array([None] * n, dtype="Int64"),
            }
        ),
    )


def test_match_rates_and_totals_cannot_be_recovered() -> None:
    # A = pseudonyms 0..99, B = 5..1004, C = 2000..2199 (and 3 records without a pseudonym),
    # D = 2100..2249: A∩B = 95 (A's complement 5 is small), C∩D = 100 (complements 100 and 50),
    # every other pair 0. Worked out by hand from the rules in docs/linkage.md.
    a = _plain("A", list(range(100)))
    b = _plain("B", list(range(5, 1005)))
    c = _plain("C", [*range(2000, 2200), None, None, None])
    d = _plain("D", list(range(2100, 2250)))
    rep = fg.link([a, b, c, d])[1]
    m = rep.tables["match_rates"].set_index(["organisation", "other"])
    f = "_suppressed"
    # A∩B: found 95 and A's not_found 5 hidden in both rows, though B's not_found is 905
    for row in (("A", "B"), ("B", "A")):
        assert m.loc[row, "found" + f] and m.loc[row, "not_found" + f] and m.loc[row, "share" + f]
        assert not m.loc[row, "n" + f]
    # C∩D = 100: complements 100 and 50, all published
    assert (m.loc[("C", "D"), "found"], m.loc[("C", "D"), "not_found"]) == (100, 100)
    assert (m.loc[("D", "C"), "found"], m.loc[("D", "C"), "not_found"]) == (100, 50)
    assert m.loc[("D", "C"), "share"] == pytest.approx(100 / 150)
    # empty intersections: found 0 < 10, hidden both ways
    for row in (("A", "C"), ("C", "A"), ("B", "D"), ("D", "B")):
        assert m.loc[row, "found" + f] and m.loc[row, "not_found" + f]
    # totals: persons = linked + unlinked; unlinked 3 is hidden, and so is linked (else
    # persons − linked would give it); the total itself is published
    t = rep.tables["totals"]
    assert t.loc["unlinked_persons", "count" + f] and t.loc["linked_persons", "count" + f]
    assert t.loc["persons", "count"] == 1005 + 250 + 3
    # persons in several organisations = 95 + 100 would give A∩B = 95 with the published C∩D:
    # hidden whenever a pair is (issue #13; tests/python/test_disclosure_whole_output.py audits
    # the report with an LP)
    assert t.loc["persons_in_several_organisations", "count" + f]
    assert np.isnan(t.loc["persons_in_several_organisations", "count"])
    # off: everything shown
    m0 = fg.link([a, b, c, d], min_cell=0)[1].tables["match_rates"].set_index(["organisation", "other"])
    assert (m0.loc[("A", "B"), "found"], m0.loc[("A", "B"), "not_found"]) == (95, 5)
    assert m0.loc[("B", "C"), "found"] == 0


def test_export_from_csv(tmp_path: Path) -> None:
    d = tmp_path / "youth_care"
    d.mkdir()
    (d / "persons.csv").write_bytes(
        "\ufeffperson_id,pseudonym,sex,birth_date,exit_date,mother_id,father_id\n"
        "1, 77 ,F,1970,,,\n2,,M,2001-05,,1,\n".encode()
    )
    e = linkage.Export.from_csv(d)
    assert e.organisation == "youth_care" and e.events is None
    assert e.labels["persons"] == str(d / "persons.csv")
    assert e.persons["pseudonym"].tolist() == ["77", None]  # stripped; empty is missing
    ds, _ = fg.link([e], min_cell=0)
    assert ds.persons["mother_id"].tolist()[1] == 1  # 77 -> 1, the unlinked record -> 2
    with pytest.raises(FileNotFoundError, match=r"persons\.csv"):
        linkage.Export.from_csv(tmp_path)
    (d / "events.csv").write_bytes(b"\xff\xfd broken")  # (\xff\xfe would be a UTF-16 mark)
    with pytest.raises(fg.DataError, match="not a readable CSV file"):
        linkage.Export.from_csv(d)
