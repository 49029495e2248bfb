"""Self-test of the oracle for indicators 2, 4b, 5 and 6 (reference/indicators_reference2.py) on two
tiny hand-made populations. Every expected value is derived by hand in the comments, from
docs/spec/common_rules.md / docs/spec/indicators.md and the readings listed in the oracle's docstring — never
from famgraph.

famgraph is used only to validate the hand-made tables and to return them in canonical form
(``ds.persons`` etc.); the oracle must give the same answer on the raw and the canonical frames.
"""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pandas as pd
import pytest

import famgraph as fg
from reference import indicators_reference2 as ref2

D = dt.date


# --------------------------------------------------------------------------- population A
# Window 2010-01-01 .. 2014-12-31.
#
#   1 F 1940 ─┬─ 2 M 1938 (exit 2005-01-01: NOT observed, still a relative)
#             │                       1 ── (no father) ── 6 F 1970 ── partner 12 (no birth date)
#     ┌───────┴───────┐                                  │
#   3 F 1965        4 M 1967 ── 10 F 1968                11 F 2000 (mother 6, father unknown)
#   partner 5 M 1963     │      (partners via child 9 only, no partnership row)
#     │                  9 M 1993
#   7 F 1990, 8 M 1996-02-29
#
# Partnerships: (5, 3), (3, 5) [duplicate, reversed], (12, 6).
# Relations (docs/spec/common_rules.md §relations) used below:
#   parent:  3,4 -> {1,2}; 6 -> {1}; 7,8 -> {3,5}; 9 -> {4,10}; 11 -> {6}; others none
#   partner: 1<->2 (common child), 3<->5, 4<->10 (common child 9), 6<->12
#   full_sibling: 3<->4, 7<->8;  half_sibling: 6<->3, 6<->4 (one parent, 1, in common)
#   aunt_uncle: 7,8 -> {4,6}; 9 -> {3,6}; 11 -> {3,4}
#   first_cousin: 7,8 <-> 9; 11 has none (6 is only a HALF sibling of 3 and 4)
#   niece_nephew: 3 -> {9,11}; 4 -> {7,8,11}; 6 -> {7,8,9}
#   child: 1 -> {3,4,6}; 3,5 -> {7,8}; 4,10 -> {9}; 6 -> {11};  grandchild: 1 -> {7,8,9,11}
#
# Incidents (in window unless said otherwise):
#   100 2009-12-31 (OUT): 4 perp, 9 victim      104 2014-12-31 (= we): 9 perp, 7 victim
#   101 2010-01-01 (= ws): 3 perp, 7 victim     105 2015-01-01 (OUT): 11 perp, 6 victim
#   102 2011-06 (-> 2011-06-15): 5 perp, 3 vic  106 2012-03-01: 6 perp, 12 victim
#   103 2012 (-> 2012-07-01): 6 perp, 11 vic    107 2004-06-01 (OUT): 2 perp, 1 victim
#   108 2013-05-05: 10 perp, 4 victim
# In-window perpetrators: {3, 5, 6, 9, 10}; in-window victims: {3, 4, 7, 11, 12}.
# Observed probands: everyone but 2 (exit before ws); 12 has no birth date and no exit -> observed.
# So every table below sums to 11.
def population_a() -> dict[str, pd.DataFrame]:
    persons = pd.DataFrame(
        {
            "person_id": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
            "sex": ["F", "M", "F", "M", "M", "F", "F", "M", "M", "F", "F", "U"],
            "birth_date": [
                "1940",
                "1938",
                "1965",
                "1967",
                "1963",
                "1970",
                "1990",
                "1996-02-29",
                "1993",
                "1968",
                "2000",
                None,
            ],
            "exit_date": [None, "2005-01-01"] + [None] * 10,
            "mother_id": [None, None, 1, 1, None, 1, 3, 3, 10, None, 6, None],
            "father_id": [None, None, 2, 2, None, None, 5, 5, 4, None, None, None],
        }
    )
    partnerships = pd.DataFrame(
        {
            "person_a": [5, 3, 12],
            "person_b": [3, 5, 6],
            "start_date": ["1989", "1989", "2005"],
            "end_date": [None, None, None],
        }
    )
    ev = [
        (100, 4, "perpetrator", "2009-12-31", "police"),
        (100, 9, "victim", "2009-12-31", "police"),
        (101, 3, "perpetrator", "2010-01-01", "police"),
        (101, 7, "victim", "2010-01-01", "police"),
        (102, 5, "perpetrator", "2011-06", "veilig_thuis"),
        (102, 3, "victim", "2011-06", "veilig_thuis"),
        (103, 6, "perpetrator", "2012", "youth_care"),
        (103, 11, "victim", "2012", "youth_care"),
        (104, 9, "perpetrator", "2014-12-31", "police"),
        (104, 7, "victim", "2014-12-31", "police"),
        (105, 11, "perpetrator", "2015-01-01", "gp"),
        (105, 6, "victim", "2015-01-01", "gp"),
        (106, 6, "perpetrator", "2012-03-01", "police"),
        (106, 12, "victim", "2012-03-01", "police"),
        (107, 2, "perpetrator", "2004-06-01", "police"),
        (107, 1, "victim", "2004-06-01", "police"),
        (108, 10, "perpetrator", "2013-05-05", "gp"),
        (108, 4, "victim", "2013-05-05", "gp"),
    ]
    events = pd.DataFrame(ev, columns=["incident_id", "person_id", "role", "date", "source"])
    events["kind"] = "partner_violence"
    contacts = pd.DataFrame(columns=["person_id", "source", "start_date", "end_date", "kind"])
    return {"persons": persons, "partnerships": partnerships, "events": events, "contacts": contacts}


WINDOW_A = (D(2010, 1, 1), D(2014, 12, 31))


# --------------------------------------------------------------------------- population B
# Window 2010-01-01 .. 2012-12-31.
#   1 F 1970 ─┬─ 2 M 1968 (exit 2011-06-30)   -> children 3 F 2000-02-29, 4 M 2002
#   2 also father of 7 M (no birth date, exit 2011-12-31), mother unknown
#   5 F 1975 (exit 2012-06-30) -> 6 M 2005-05-05 (exit 2012-01-31), father unknown
#   8 F 1990 ─┬─ 9 M 1985 -> 10 F 2008-01-01
#   11 F 1980, 12 F 1992-02-29 (18th birthday 2010-02-28), 13 F 1950: no parents, no children
# Nuclear families (docs/spec/common_rules.md §nuclear-family):
#   F12 = key {1,2}: members {1,2,3,4}; exit: 1 has none -> none
#   F5  = key {5}:   members {5,6};     exit = max(2012-06-30, 2012-01-31) = 2012-06-30
#   F2  = key {2}:   members {2,7};     exit = max(2011-06-30, 2011-12-31) = 2011-12-31
#   F89 = key {8,9}: members {8,9,10};  exit none
#   (11, 12 and 13 are in no family.)
# Events (incident: person role date source):
#   1: 3 victim, 1 perp, 3 witness  2010-03-01 youth_care   (3 has two rows in one incident)
#   2: 3 victim 2011-03-01 police   3: 1 perp 2011-03-02 police   4: 2 perp 2010-09-01 police
#   5: 5 victim 2011-06-30 gp       6: 5 victim 2011-06-30 gp     7: 6 victim 2011-12-01 youth_care
#   8: 8 other 2012-12-31 police    9: 4 witness 2009-12-31 police (OUT of window)
#  10: 7 victim 2011-01-01 youth_care
#  11: 9 perp, 10 victim 2010-05-05 police
#  12: 11 other 2010-02-02 police  13: 11 victim 2010-02-03 police
#  14: 12 victim 2010-02-28 police
# t0 (first in-window row): 1: 2010-03-01, 2: 2010-09-01, 3: 2010-03-01, 5: 2011-06-30,
#   6: 2011-12-01, 7: 2011-01-01, 8: 2012-12-31, 9: 2010-05-05, 10: 2010-05-05, 11: 2010-02-02,
#   12: 2010-02-28; 4 and 13 have no in-window row.
# Contacts (person source start end; there is no c6):
#   c1: 3 youth_care 2009-03-01 2009-06-01    c2: 1 gp 2008-03-01 -       c3: 1 police 2010-02-28 2010-03-05
#   c4: 5 gp 2011-06-30 -                     c5: 2 veilig_thuis 2007-09-01 2010-01-01
#   c7: 9 police 2005-05-05 -                 c8: 7 school 2010-12-01 -   c9: 4 housing 2011-01-01 -
#   c10: 11 police 2010-06-01 -               c11: 8 housing 2013-01-01 -
#   c12: 12 gp 2012-12-31 -                   c13: 10 school 2009-01-01 2009-12-31
#   c14: 13 housing 2000-01-01 2005-01-01
def population_b() -> dict[str, pd.DataFrame]:
    persons = pd.DataFrame(
        {
            "person_id": list(range(1, 14)),
            "sex": ["F", "M", "F", "M", "F", "M", "M", "F", "M", "F", "F", "F", "F"],
            "birth_date": [
                "1970",
                "1968",
                "2000-02-29",
                "2002",
                "1975",
                "2005-05-05",
                None,
                "1990",
                "1985",
                "2008-01-01",
                "1980",
                "1992-02-29",
                "1950",
            ],
            "exit_date": [
                None,
                "2011-06-30",
                None,
                None,
                "2012-06-30",
                "2012-01-31",
                "2011-12-31",
                None,
                None,
                None,
                None,
                None,
                None,
            ],
            "mother_id": [None, None, 1, 1, None, 5, None, None, None, 8, None, None, None],
            "father_id": [None, None, 2, 2, None, None, 2, None, None, 9, None, None, None],
        }
    )
    ev = [
        (1, 3, "victim", "2010-03-01", "youth_care"),
        (1, 1, "perpetrator", "2010-03-01", "youth_care"),
        (1, 3, "witness", "2010-03-01", "youth_care"),
        (2, 3, "victim", "2011-03-01", "police"),
        (3, 1, "perpetrator", "2011-03-02", "police"),
        (4, 2, "perpetrator", "2010-09-01", "police"),
        (5, 5, "victim", "2011-06-30", "gp"),
        (6, 5, "victim", "2011-06-30", "gp"),
        (7, 6, "victim", "2011-12-01", "youth_care"),
        (8, 8, "other", "2012-12-31", "police"),
        (9, 4, "witness", "2009-12-31", "police"),
        (10, 7, "victim", "2011-01-01", "youth_care"),
        (11, 9, "perpetrator", "2010-05-05", "police"),
        (11, 10, "victim", "2010-05-05", "police"),
        (12, 11, "other", "2010-02-02", "police"),
        (13, 11, "victim", "2010-02-03", "police"),
        (14, 12, "victim", "2010-02-28", "police"),
    ]
    events = pd.DataFrame(ev, columns=["incident_id", "person_id", "role", "date", "source"])
    events["kind"] = "child_maltreatment"
    co = [
        (3, "youth_care", "2009-03-01", "2009-06-01"),
        (1, "gp", "2008-03-01", None),
        (1, "police", "2010-02-28", "2010-03-05"),
        (5, "gp", "2011-06-30", None),
        (2, "veilig_thuis", "2007-09-01", "2010-01-01"),
        (9, "police", "2005-05-05", None),
        (7, "school", "2010-12-01", None),
        (4, "housing", "2011-01-01", None),
        (11, "police", "2010-06-01", None),
        (8, "housing", "2013-01-01", None),
        (12, "gp", "2012-12-31", None),
        (10, "school", "2009-01-01", "2009-12-31"),
        (13, "housing", "2000-01-01", "2005-01-01"),
    ]
    contacts = pd.DataFrame(co, columns=["person_id", "source", "start_date", "end_date"])
    contacts["kind"] = "support"
    partnerships = pd.DataFrame(columns=["person_a", "person_b", "start_date", "end_date"])
    return {"persons": persons, "partnerships": partnerships, "events": events, "contacts": contacts}


WINDOW_B = (D(2010, 1, 1), D(2012, 12, 31))


def raw(tables: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, ...]:
    return tables["persons"], tables["partnerships"], tables["events"], tables["contacts"]


def canonical(tables: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, ...]:
    """Validated by famgraph (raises on any error) and returned as ds.persons etc."""
    ds = fg.Dataset.from_pandas(
        tables["persons"],
        partnerships=tables["partnerships"],
        events=tables["events"],
        contacts=tables["contacts"],
    )
    return ds.persons, ds.partnerships, ds.events, ds.contacts


FORMS = [pytest.param(raw, id="raw"), pytest.param(canonical, id="canonical")]


# --------------------------------------------------------------------------- 2. relative exposure
# Each row: relation, role_a (of the relative), role_b (of the proband), expected cells, and the
# derivation over the 11 observed probands 1, 3..12.
RELATIVE_CASES = [
    # parent, perp -> victim: exposed = a parent in {3,5,6,9,10}: 7, 8 (3, 5), 9 (10), 11 (6).
    # Outcome (victim) among them: 7, 11 -> a = 2; 8, 9 -> b = 2. Unexposed victims 3, 4, 12 -> c = 3;
    # d = 1, 5, 6, 10 -> 4. (9's own father 4 perpetrated only in 2009: out of window.)
    ("parent", "perpetrator", "victim", {"a": 2, "b": 2, "c": 3, "d": 4}),
    # partner, perp -> victim: 3 (partner 5), 5 (partner 3), 4 (partner 10 via common child 9 only),
    # 12 (partner 6 via a reversed partnership row, same incident 106) are exposed; 1's partner 2
    # perpetrated out of window; 10's partner 4 and 6's partner 12 are no perpetrators.
    # a = 3, 4, 12; b = 5; c = 7, 11; d = 1, 6, 8, 9, 10.
    ("partner", "perpetrator", "victim", {"a": 3, "b": 1, "c": 2, "d": 5}),
    # partner, victim -> perp: exposed 5 (3 victim), 6 (12 victim), 10 (4 victim); 12's partner 6
    # was a victim only in 2015 (out). Perpetrators: 5, 6, 10 exposed -> a = 3; b = 0;
    # c = 3, 9; d = 1, 4, 7, 8, 11, 12 -> 6.
    ("partner", "victim", "perpetrator", {"a": 3, "b": 0, "c": 2, "d": 6}),
    # full_sibling, perp -> victim: only 4 is exposed (sister 3 perp); 4 victim (108) -> a = 1.
    # c = 3, 7, 11, 12 -> 4; d = 1, 5, 6, 8, 9, 10 -> 6.
    ("full_sibling", "perpetrator", "victim", {"a": 1, "b": 0, "c": 4, "d": 6}),
    # half_sibling, perp -> victim: 3 and 4 exposed (6 perp), 6 exposed (3 perp).
    # a = 3, 4; b = 6 (victim only out of window); c = 7, 11, 12; d = 1, 5, 8, 9, 10.
    ("half_sibling", "perpetrator", "victim", {"a": 2, "b": 1, "c": 3, "d": 5}),
    # grandparent, perp -> victim: grandparents are 1 and 2; 2 perpetrated only in 2004 (out) and
    # 1 never -> nobody exposed: c = victims 3, 4, 7, 11, 12; d = 6 others.
    ("grandparent", "perpetrator", "victim", {"a": 0, "b": 0, "c": 5, "d": 6}),
    # grandchild, victim -> perp: 1 exposed (grandchildren 7, 11 victims), 1 no perpetrator -> b.
    # c = 3, 5, 6, 9, 10; d = 4, 7, 8, 11, 12.
    ("grandchild", "victim", "perpetrator", {"a": 0, "b": 1, "c": 5, "d": 5}),
    # aunt_uncle, perp -> perp: 7, 8 (aunt 6), 9 (3, 6), 11 (3) exposed; only 9 perpetrates -> a = 1,
    # b = 3; c = 3, 5, 6, 10; d = 1, 4, 12.
    ("aunt_uncle", "perpetrator", "perpetrator", {"a": 1, "b": 3, "c": 4, "d": 3}),
    # first_cousin, victim -> victim: 9 exposed (cousin 7 victim); 7, 8 not (9 a victim only in
    # 2009); 11 has no first cousin (half cousins excluded; else 11 would be exposed by 7 and a = 1).
    # b = 9; c = 3, 4, 7, 11, 12; d = 1, 5, 6, 8, 10.
    ("first_cousin", "victim", "victim", {"a": 0, "b": 1, "c": 5, "d": 5}),
    # niece_nephew, victim -> perp: 3 (11 victim), 4 (7, 11), 6 (7) exposed; a = {3, 6} (perpetrators),
    # b = {4}; c = 5, 9, 10; d = 1, 7, 8, 11, 12.
    ("niece_nephew", "victim", "perpetrator", {"a": 2, "b": 1, "c": 3, "d": 5}),
    # child, perp -> perp: 1 (children 3, 6), 4 (9), 10 (9) exposed; 6's child 11 perpetrated only in
    # 2015. a = {10}; b = {1, 4}; c = 3, 5, 6, 9; d = 7, 8, 11, 12.
    ("child", "perpetrator", "perpetrator", {"a": 1, "b": 2, "c": 4, "d": 4}),
]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(("relation", "role_a", "role_b", "want"), RELATIVE_CASES)
def test_relative_exposure_by_hand(form, relation: str, role_a: str, role_b: str, want) -> None:
    got = ref2.relative_exposure(*form(population_a()), WINDOW_A, relation, role_a, role_b)
    assert got == want
    assert sum(got.values()) == 11  # 2 (exit 2005) is not a proband


def test_relative_exposure_window_ends_are_inclusive() -> None:
    # Window 2010-01-02 .. 2014-12-30 drops incidents 101 (ws) and 104 (we). parent, perp -> victim:
    # exposed 7, 8 (5 still perp in 102), 9 (10), 11 (6); victims now 3, 4, 11, 12 (7 lost both rows).
    # a = 11; b = 7, 8, 9; c = 3, 4, 12; d = 1, 5, 6, 10.
    got = ref2.relative_exposure(
        *raw(population_a()), (D(2010, 1, 2), D(2014, 12, 30)), "parent", "perpetrator", "victim"
    )
    assert got == {"a": 1, "b": 3, "c": 3, "d": 4}


def test_relative_exposure_rejects_unknown_names() -> None:
    with pytest.raises(ValueError, match="unknown relation"):
        ref2.relative_exposure(*raw(population_a()), WINDOW_A, "cousin", "victim", "victim")
    with pytest.raises(ValueError, match="unknown role"):
        ref2.relative_exposure(*raw(population_a()), WINDOW_A, "parent", "bystander", "victim")


# --------------------------------------------------------------------------- 4b. repeat incidents
# Persons (T = 365): t0 + 365 days vs min(we, exit):
#   1: 2010-03-01 + 365 = 2011-03-01 <= we -> n; incidents in [t0, 2011-03-01]: {1} (3 is on
#      2011-03-02) -> no repeat
#   2: 2010-09-01 + 365 = 2011-09-01 > exit 2011-06-30 -> not in n
#   3: 2011-03-01 <= we -> n; {1 (two rows), 2 (on t0 + T exactly)} -> repeat
#   5: 2011-06-30 + 365 = 2012-06-29 <= exit 2012-06-30 -> n; {5, 6} on the same day -> repeat
#   6: 2012-11-30 > exit 2012-01-31 -> no;  7: 2012-01-01 > exit 2011-12-31 -> no;  8: t0 = we -> no
#   9, 10: 2010-05-05 + 365 <= we -> n; {11} only -> no repeat
#   11: n; {12, 13} -> repeat;  12: n; {14} -> no;  4 and 13: no in-window row, in neither count
#   -> n = {1, 3, 5, 9, 10, 11, 12} = 7, repeat = {3, 5, 11} = 3
# Families (T = 365):
#   F12: rows of 1, 2, 3 (4 has none in window); t0 = 2010-03-01, exit none -> n;
#        {1, 4, 2} in [2010-03-01, 2011-03-01] -> repeat
#   F5: t0 = 2011-06-30, 2012-06-29 <= family exit 2012-06-30 -> n; {5, 6} -> repeat
#   F2: t0 = 2010-09-01 (2's incident 4), 2011-09-01 <= family exit 2011-12-31 -> n although
#        neither 2 nor 7 is in n alone; {4, 10 (7's, 2011-01-01)} -> repeat
#   F89: t0 = 2010-05-05 -> n; only incident 11 (two member rows, one incident) -> no repeat
#   -> n = 4, repeat = 3 (11, 12, 13 form no singleton family)
# T = 366: 1 now repeats (incident 3 on 2011-03-02 = t0 + T); 5: 2012-06-30 <= exit 2012-06-30
#   (boundary) -> still n. Persons n = 7, repeat = {1, 3, 5, 11} = 4. Families unchanged: 4, 3.
# T = 367: 5: 2012-07-01 > exit -> out. Persons n = 6, repeat = {1, 3, 11} = 3;
#   families: F5 out (2012-07-01 > 2012-06-30) -> n = 3, repeat = 2.
# T = 0: everyone with an in-window row is in n (t0 <= min(we, exit)): 11 persons; repeat needs two
#   incidents on t0 itself: only 5 -> 1. Families: all 4 in n; on t0: F12 {1}, F5 {5, 6},
#   F2 {4}, F89 {11} -> repeat 1.
@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(
    ("T", "want"),
    [
        (365, {"persons": {"n": 7, "repeat": 3}, "families": {"n": 4, "repeat": 3}}),
        (366, {"persons": {"n": 7, "repeat": 4}, "families": {"n": 4, "repeat": 3}}),
        (367, {"persons": {"n": 6, "repeat": 3}, "families": {"n": 3, "repeat": 2}}),
        (0, {"persons": {"n": 11, "repeat": 1}, "families": {"n": 4, "repeat": 1}}),
    ],
)
def test_repeat_incidents_by_hand(form, T: int, want) -> None:
    assert ref2.repeat_incidents(*form(population_b()), WINDOW_B, T=T) == want


def test_repeat_incidents_default_T_is_365() -> None:
    assert ref2.repeat_incidents(*raw(population_b()), WINDOW_B) == ref2.repeat_incidents(
        *raw(population_b()), WINDOW_B, T=365
    )


def test_nuclear_families_by_hand() -> None:
    P = ref2.Persons(population_b()["persons"])
    fams = ref2.nuclear_families(P)
    assert fams == {
        frozenset({1, 2}): {1, 2, 3, 4},
        frozenset({5}): {5, 6},
        frozenset({2}): {2, 7},
        frozenset({8, 9}): {8, 9, 10},
    }
    assert ref2.family_exit(P, fams[frozenset({5})]) == D(2012, 6, 30)
    assert ref2.family_exit(P, fams[frozenset({2})]) == D(2011, 12, 31)
    assert ref2.family_exit(P, fams[frozenset({1, 2})]) is None


def test_nuclear_family_key_is_unordered() -> None:
    # 1 and 2 have sex U: 1 is mother of 3 and father of 4 -> one family {1, 2, 3, 4}.
    persons = pd.DataFrame(
        {
            "person_id": [1, 2, 3, 4],
            "sex": ["U", "U", "F", "M"],
            "birth_date": ["1960", "1960", "1990", "1992"],
            "exit_date": [None] * 4,
            "mother_id": [None, None, 1, 2],
            "father_id": [None, None, 2, 1],
        }
    )
    assert ref2.nuclear_families(ref2.Persons(persons)) == {frozenset({1, 2}): {1, 2, 3, 4}}


# --------------------------------------------------------------------------- 5. early signalling
# First incidents: 11 persons (all but 4 and 13). Minors at t0 (birth known, t0 < 18th birthday):
# 3 (born 2000-02-29), 6 (2005), 10 (2008) -> n_minor = 3. Not 12: t0 2010-02-28 is her 18th
# birthday (born 29 Feb -> 28 Feb), so adult. Not 7 (no birth date).
# Interval [t0 − 365·N, t0 − 1] per person and contact starts that fall into it:
#   1 (t0 2010-03-01): N=1 [2009-03-01, 2010-02-28]: c3 police (upper bound) ; c2 gp 2008-03-01 is
#     exactly t0 − 730 -> in from N = 2.  own: N=1 {police}, N=2,5 {police, gp}
#   2 (t0 2010-09-01): c5 veilig_thuis 2007-09-01 = t0 − 1096: N=2 lower bound 2008-09-01 -> out;
#     N=5 (2005-09-02) -> in.  own: N=1,2 {}, N=5 {veilig_thuis}
#   3 (minor, t0 2010-03-01): own c1 youth_care 2009-03-01 = t0 − 365 (lower bound) -> all N.
#     parents 1 (as person 1 above) and 2 (c5 2007-09-01 is in only for N = 5, bound 2005-03-02).
#     own+parents: N=1 {youth_care, police}, N=2 {youth_care, police, gp}, N=5 + veilig_thuis
#   5 (t0 2011-06-30): c4 gp starts ON t0 -> never precedes
#   6 (minor, t0 2011-12-01): no own contact; parent 5's c4 2011-06-30 >= 2010-12-01 -> {gp} all N
#   7 (no birth, t0 2011-01-01): c8 school 2010-12-01 -> own {school} all N, never a minor
#   9 (t0 2010-05-05): c7 2005-05-05 = t0 − 1826 days: out even for N = 5 (bound 2005-05-06; five
#     calendar years would have let it in)
#   10 (minor, t0 2010-05-05): own c13 school 2009-01-01 = t0 − 489: N=1 bound 2009-05-05 -> out,
#     N=2,5 -> in; parent 9's c7 out as above; parent 8's c11 is 2013
#   8, 11 (c10 starts after t0), 12 (c12 starts 2012-12-31, after t0): nothing
# Totals: N=1: preceded {1, 3, 7} = 3; minors self-or-parent {3, 6} = 2
#         N=2: preceded {1, 3, 7, 10} = 4; minors {3, 6, 10} = 3
#         N=5: preceded {1, 2, 3, 7, 10} = 5; minors {3, 6, 10} = 3
# Per organisation (preceded, preceded_minor_self_or_parent); organisations are every source of
# events or contacts: gp, housing, police, school, veilig_thuis, youth_care:
#   N=1: police (1: {1}; 1: {3 via parent 1}); youth_care (1: {3}; 1: {3}); school (1: {7}; 0);
#        gp (0; 1: {6 via parent 5}); veilig_thuis (0; 0); housing (0; 0)
#   N=2: gp (1: {1}; 2: {3 via 1, 6 via 5}); police (1; 1); youth_care (1; 1);
#        school (2: {7, 10}; 1: {10}); veilig_thuis (0; 0); housing (0; 0)
#   N=5: as N=2, plus veilig_thuis (1: {2}; 1: {3 via parent 2})
# Lead times (earliest own contact starting strictly before t0): 1: 730 (c2), 2: 1096 (c5),
#   3: 365 (c1), 7: 31 (c8), 9: 1826 (c7), 10: 489 (c13); 5 (start on t0), 6 (parent only),
#   11, 12, 8: none. Sorted [31, 365, 489, 730, 1096, 1826]; positions 5·q = 1.25, 2.5, 3.75 ->
#   365 + 0.25·124 = 396, 489 + 0.5·241 = 609.5, 730 + 0.75·366 = 1004.5.
def _org(p: int, m: int) -> dict[str, int]:
    return {"preceded": p, "preceded_minor_self_or_parent": m}


EARLY_B = {
    1: {
        "n": 11,
        "preceded": 3,
        "n_minor": 3,
        "preceded_minor_self_or_parent": 2,
        "by_org": {
            "gp": _org(0, 1),
            "housing": _org(0, 0),
            "police": _org(1, 1),
            "school": _org(1, 0),
            "veilig_thuis": _org(0, 0),
            "youth_care": _org(1, 1),
        },
    },
    2: {
        "n": 11,
        "preceded": 4,
        "n_minor": 3,
        "preceded_minor_self_or_parent": 3,
        "by_org": {
            "gp": _org(1, 2),
            "housing": _org(0, 0),
            "police": _org(1, 1),
            "school": _org(2, 1),
            "veilig_thuis": _org(0, 0),
            "youth_care": _org(1, 1),
        },
    },
    5: {
        "n": 11,
        "preceded": 5,
        "n_minor": 3,
        "preceded_minor_self_or_parent": 3,
        "by_org": {
            "gp": _org(1, 2),
            "housing": _org(0, 0),
            "police": _org(1, 1),
            "school": _org(2, 1),
            "veilig_thuis": _org(1, 1),
            "youth_care": _org(1, 1),
        },
    },
    "lead_times": [31, 365, 489, 730, 1096, 1826],
    "lead_time_quartiles": (396.0, 609.5, 1004.5),
}


@pytest.mark.parametrize("form", FORMS)
def test_early_signalling_by_hand(form) -> None:
    assert ref2.early_signalling(*form(population_b()), WINDOW_B) == EARLY_B


def test_early_signalling_custom_years_and_no_contacts() -> None:
    # Population A has no contacts: every organisation that is an event source (also gp, whose only
    # incident 105 is out of window) is listed with zeros; no lead time -> quartiles None.
    # First incidents in 2010..2014: 3, 4, 5, 6, 7, 9, 10, 11, 12 -> 9; minors at t0: 7 (born 1990,
    # t0 2010-01-01 -> 19, adult), 11 (born 2000, t0 2012-07-01) -> 1.
    got = ref2.early_signalling(*raw(population_a()), WINDOW_A, years=(3,))
    zero = _org(0, 0)
    assert got == {
        3: {
            "n": 9,
            "preceded": 0,
            "n_minor": 1,
            "preceded_minor_self_or_parent": 0,
            "by_org": {"gp": zero, "police": zero, "veilig_thuis": zero, "youth_care": zero},
        },
        "lead_times": [],
        "lead_time_quartiles": None,
    }


def test_quantile_is_numpy_linear() -> None:
    # [31, 365, 730, 1096]: positions 0.75, 1.5, 2.25 -> 31 + 0.75·334 = 281.5,
    # 365 + 0.5·365 = 547.5, 730 + 0.25·366 = 821.5.
    xs = [31, 365, 730, 1096]
    assert [ref2.quantile(xs, q) for q in (0.25, 0.5, 0.75)] == [281.5, 547.5, 821.5]
    assert ref2.quantile([7], 0.25) == 7
    rng = random.Random(3)
    for _ in range(200):
        values = sorted(rng.randint(1, 5000) for _ in range(rng.randint(1, 30)))
        for q in (0.25, 0.5, 0.75):
            assert ref2.quantile(values, q) == pytest.approx(float(np.quantile(values, q)), abs=1e-9)


# --------------------------------------------------------------------------- 6. agency overlap
# Known to (in-window event sources ∪ contacts with start <= 2012-12-31 and end empty or >= 2010-01-01):
#   1: youth_care, police (events); gp (c2 ongoing); police (c3)     -> {gp, police, youth_care}
#   2: police (4); veilig_thuis (c5 ends on ws)                      -> {police, veilig_thuis}
#   3: youth_care (1), police (2); c1 ended 2009                     -> {police, youth_care}
#   4: incident 9 is out of window; housing (c9)                     -> {housing}
#   5: gp                                                             -> {gp}
#   6: youth_care;  7: youth_care + school (c8)                       -> {youth_care}, {school, youth_care}
#   8: police (8); c11 starts 2013 (after we)                        -> {police}
#   9, 10, 11: police (c13 of 10 ended on ws − 1)                     -> {police} each
#   12: police (14) + gp (c12 starts on we)                          -> {gp, police}
#   13: contact ended 2005, no event                                 -> none (not counted)
# known_1plus = 12, known_2plus = {1, 2, 3, 7, 12} = 5; {police} x4, every other set x1.
# Memberships: gp {1, 5, 12}, housing {4}, police {1, 2, 3, 8, 9, 10, 11, 12}, school {7},
#   veilig_thuis {2}, youth_care {1, 3, 6, 7}; (both, either = |A| + |B| − both):
PERSON_JACCARD = {
    ("gp", "housing"): (0, 4),
    ("gp", "police"): (2, 9),  # 1, 12
    ("gp", "school"): (0, 4),
    ("gp", "veilig_thuis"): (0, 4),
    ("gp", "youth_care"): (1, 6),  # 1
    ("housing", "police"): (0, 9),
    ("housing", "school"): (0, 2),
    ("housing", "veilig_thuis"): (0, 2),
    ("housing", "youth_care"): (0, 5),
    ("police", "school"): (0, 9),
    ("police", "veilig_thuis"): (1, 8),  # 2
    ("police", "youth_care"): (2, 10),  # 1, 3
    ("school", "veilig_thuis"): (0, 2),
    ("school", "youth_care"): (1, 4),  # 7
    ("veilig_thuis", "youth_care"): (0, 5),
}
# Families (union over members): F12 {1,2,3,4} -> {gp, housing, police, veilig_thuis, youth_care};
#   F5 {5,6} -> {gp, youth_care}; F2 {2,7} -> {police, school, veilig_thuis, youth_care};
#   F89 {8,9,10} -> {police}. known_1plus 4, known_2plus 3.
# Memberships: gp {F12, F5}, housing {F12}, police {F12, F2, F89}, school {F2},
#   veilig_thuis {F12, F2}, youth_care {F12, F5, F2}.
FAMILY_JACCARD = {
    ("gp", "housing"): (1, 2),
    ("gp", "police"): (1, 4),
    ("gp", "school"): (0, 3),
    ("gp", "veilig_thuis"): (1, 3),
    ("gp", "youth_care"): (2, 3),
    ("housing", "police"): (1, 3),
    ("housing", "school"): (0, 2),
    ("housing", "veilig_thuis"): (1, 2),
    ("housing", "youth_care"): (1, 3),
    ("police", "school"): (1, 3),
    ("police", "veilig_thuis"): (2, 3),
    ("police", "youth_care"): (2, 4),
    ("school", "veilig_thuis"): (1, 2),
    ("school", "youth_care"): (1, 3),
    ("veilig_thuis", "youth_care"): (2, 3),
}


@pytest.mark.parametrize("form", FORMS)
def test_agency_overlap_by_hand(form) -> None:
    f = frozenset
    got = ref2.agency_overlap(*form(population_b()), WINDOW_B)
    assert got["persons"] == {
        "combinations": {
            f({"gp", "police", "youth_care"}): 1,
            f({"police", "veilig_thuis"}): 1,
            f({"police", "youth_care"}): 1,
            f({"housing"}): 1,
            f({"gp"}): 1,
            f({"youth_care"}): 1,
            f({"school", "youth_care"}): 1,
            f({"police"}): 4,
            f({"gp", "police"}): 1,
        },
        "jaccard": PERSON_JACCARD,
        "known_1plus": 12,
        "known_2plus": 5,
    }
    assert got["families"] == {
        "combinations": {
            f({"gp", "housing", "police", "veilig_thuis", "youth_care"}): 1,
            f({"gp", "youth_care"}): 1,
            f({"police", "school", "veilig_thuis", "youth_care"}): 1,
            f({"police"}): 1,
        },
        "jaccard": FAMILY_JACCARD,
        "known_1plus": 4,
        "known_2plus": 3,
    }


def test_default_window_is_first_to_last_event() -> None:
    # Population B events run from 2009-12-31 (incident 9) to 2012-12-31. With that default window
    # 4 is also known to police (incident 9): {housing} -> {housing, police}; and 10's contact c13
    # (ends 2009-12-31 = the new ws) now overlaps: {police} -> {police, school}. 13 still unknown.
    # known_1plus 12, known_2plus 5 + {4, 10} = 7; {police} now 3 (8, 9, 11).
    got = ref2.agency_overlap(*raw(population_b()), None)["persons"]
    assert got["known_1plus"] == 12
    assert got["known_2plus"] == 7
    assert got["combinations"][frozenset({"housing", "police"})] == 1
    assert got["combinations"][frozenset({"police", "school"})] == 1
    assert got["combinations"][frozenset({"police"})] == 3
    assert frozenset({"housing"}) not in got["combinations"]
