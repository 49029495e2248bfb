"""The person-level feature table against a brute-force oracle written from the definitions
(docs/spec/indicators.md §feature_table), person by person over the public tables: it shares no
code with the core (dates are parsed and imputed here, the window, childhood, organisations, lead
time and the pathway are re-derived in plain Python)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pytest

import famgraph as fg

ROLES = ("victim", "perpetrator", "witness", "other")
EPOCH = dt.date(1970, 1, 1)


def day(text: Any) -> int | None:
    """famgraph's imputation of a partial date: YYYY → 1 July, YYYY-MM → the 15th."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return None
    parts = [int(p) for p in str(text).split("-")]
    if len(parts) == 1:
        y, m, d = parts[0], 7, 1
    elif len(parts) == 2:
        y, m, d = parts[0], parts[1], 15
    else:
        y, m, d = parts
    return (dt.date(y, m, d) - EPOCH).days


def eighteenth(birth: int) -> int:
    b = EPOCH + dt.timedelta(days=birth)
    try:
        a = b.replace(year=b.year + 18)
    except ValueError:  # 29 February → 28 February
        a = b.replace(year=b.year + 18, day=28)
    return (a - EPOCH).days


def oracle(ds: fg.Dataset, window: tuple[int, int] | None = None) -> pd.DataFrame:
    P, E, C = ds.persons, ds.events, ds.contacts
    ev_day = [day(x) for x in E["date"]]
    ws, we = window if window is not None else (min(ev_day), max(ev_day))
    ids = P["person_id"].tolist()
    mother = dict(zip(ids, P["mother_id"], strict=True))
    father = dict(zip(ids, P["father_id"], strict=True))
    birth = {i: day(b) for i, b in zip(ids, P["birth_date"], strict=True)}
    exit_ = {i: day(x) for i, x in zip(ids, P["exit_date"], strict=True)}
    sex = dict(zip(ids, P["sex"].astype(str), strict=True))

    def parent(m: dict[int, Any], i: int) -> int | None:
        v = m[i]
        return None if pd.isna(v) else int(v)

    @cache
    def gen(i: int) -> int:
        ps = [p for p in (parent(mother, i), parent(father, i)) if p is not None]
        return 0 if not ps else 1 + max(gen(p) for p in ps)

    events: dict[int, list[tuple[int, str, str]]] = {i: [] for i in ids}
    for pid, d, r, s in zip(E["person_id"], ev_day, E["role"], E["source"], strict=True):
        if ws <= d <= we:
            events[int(pid)].append((d, str(r), str(s)))
    contacts: dict[int, list[tuple[int, int | None, str]]] = {i: [] for i in ids}
    for pid, a, b, s in zip(C["person_id"], C["start_date"], C["end_date"], C["source"], strict=True):
        contacts[int(pid)].append((day(a), day(b), str(s)))
    has_role = {i: {r for _, r, _ in events[i]} for i in ids}
    rows = []
    for i in ids:
        b = birth[i]
        row: dict[str, Any] = {"person_id": i, "sex": sex[i]}
        row["birth_year"] = (EPOCH + dt.timedelta(days=b)).year if b is not None else pd.NA
        row["generation"] = gen(i)
        last = exit_[i] if exit_[i] is not None else 2**31
        row["observed"] = max(b if b is not None else ws, ws) <= min(last, we)
        a18 = eighteenth(b) if b is not None else None
        for r in ROLES:
            mine = [d for d, rr, _ in events[i] if rr == r]
            row[f"{r}_child"] = sum(d < a18 for d in mine) if a18 is not None else pd.NA
            row[f"{r}_adult"] = sum(d >= a18 for d in mine) if a18 is not None else pd.NA
            row[f"{r}_total"] = len(mine)
        for name, m in (("mother", mother), ("father", father)):
            p = parent(m, i)
            for r in ("victim", "perpetrator"):
                row[f"{name}_{r}"] = pd.NA if p is None else r in has_role[p]
        gps = {
            g
            for p in (parent(mother, i), parent(father, i))
            if p is not None
            for g in (parent(mother, p), parent(father, p))
            if g is not None
        }
        row["grandparents_known"] = len(gps)
        for r in ("victim", "perpetrator"):
            row[f"grandparent_{r}"] = pd.NA if not gps else any(r in has_role[g] for g in gps)
        orgs = {s for _, _, s in events[i]} | {
            s for a, e, s in contacts[i] if a <= we and (e is None or e >= ws)
        }
        row["n_organisations"] = len(orgs)
        first = min((d for d, _, _ in events[i]), default=None)
        earliest = min((a for a, _, _ in contacts[i]), default=None)
        lead = first is not None and earliest is not None and earliest < first
        row["lead_time_days"] = first - earliest if lead else pd.NA
        eligible = a18 is not None and ws < a18 <= min(we, last)
        row["pathway_eligible"] = eligible
        row["pathway_exposed"] = (
            any(d < a18 and r in ("victim", "witness") for d, r, _ in events[i]) if eligible else pd.NA
        )
        row["pathway_outcome"] = (
            any(d >= a18 and r == "perpetrator" for d, r, _ in events[i]) if eligible else pd.NA
        )
        rows.append(row)
    return pd.DataFrame(rows)


CASES = [
    (dict(persons=1500, seed=1), None),
    (dict(persons=1500, seed=1), ("2005-01-01", "2012-06-30")),
    (dict(persons=800, seed=7), ("2010-03-01", None)),
]


@pytest.mark.parametrize(("gen_kw", "window"), CASES)
def test_feature_table_matches_the_oracle(gen_kw: dict[str, int], window: Any) -> None:
    ds = fg.synth.generate(**gen_kw)
    ft = fg.indicators.feature_table(ds, window=window)
    ws, we = ft.attrs["window"]
    expected = oracle(ds, (ws, we))
    assert list(ft.columns) == list(expected.columns)
    if window is None:  # the default window is the first to the last event date
        days = [day(x) for x in ds.events["date"]]
        assert (ws, we) == (min(days), max(days))
    for c in ft.columns:
        got = ft[c].astype(object).where(ft[c].notna(), None).tolist()
        want = expected[c].astype(object).where(expected[c].notna(), None).tolist()
        if c == "sex":
            got = [str(v) for v in got]
        assert got == want, f"column {c}"
    # the population must exercise the rules, or the comparison proves little (missing birth
    # dates: the edge cases below)
    assert ft["lead_time_days"].notna().any() and ft["pathway_eligible"].any()
    assert ft["mother_victim"].isna().any() and (ft["grandparents_known"] > 0).any()


def test_feature_table_dtypes_and_order() -> None:
    ft = fg.indicators.feature_table(fg.synth.generate(persons=600, seed=3))
    dtypes = {c: str(t) for c, t in ft.dtypes.items()}
    assert dtypes["person_id"] == "int64" and dtypes["sex"] == "category"
    assert list(ft["sex"].cat.categories) == ["F", "M", "U"]
    assert (
        dtypes["birth_year"] == "Int64" and dtypes["generation"] == "int64" and dtypes["observed"] == "bool"
    )
    for r in ROLES:
        assert (dtypes[f"{r}_child"], dtypes[f"{r}_adult"], dtypes[f"{r}_total"]) == (
            "Int64",
            "Int64",
            "int64",
        )
    for c in (
        "mother_victim",
        "father_perpetrator",
        "grandparent_victim",
        "pathway_exposed",
        "pathway_outcome",
    ):
        assert dtypes[c] == "boolean"
    assert dtypes["lead_time_days"] == "Int64" and dtypes["n_organisations"] == "int64"
    assert dtypes["pathway_eligible"] == "bool"


def test_feature_table_window_errors_are_the_cores() -> None:
    ds = fg.synth.generate(persons=300, seed=2)
    with pytest.raises(ValueError, match="window"):
        fg.indicators.feature_table(ds, window=("2012-01-01", "2011-01-01"))


def edge_cases() -> fg.Dataset:
    """Partial and missing dates, a 29 February birthday, parents who are relatives (one
    grandparent along two paths), a contact without an end, events outside the window."""
    persons = pd.DataFrame(
        {
            "person_id": [1, 2, 3, 4, 5, 6, 7, 8, 9],
            "sex": ["F", "M", "F", "M", "F", "U", "M", "F", "M"],
            "birth_date": [
                "1950",
                "1952-03",
                "1975-06-01",
                "1976-01-01",
                "1992-02-29",
                None,
                "1990",
                "1978",
                "2012-05",
            ],
            "exit_date": [None, "2015-06-30", None, None, None, None, "2016", None, None],
            "mother_id": [None, None, 1, 1, 3, 3, 3, None, 8],
            "father_id": [None, None, 2, 2, 4, None, 4, None, 7],
        }
    )
    events = pd.DataFrame(
        {
            "incident_id": [10, 10, 11, 12, 12, 13, 14, 15, 16, 17, 17, 18, 19],
            "person_id": [1, 3, 5, 4, 5, 5, 6, 7, 9, 2, 8, 5, 5],
            "role": [
                "perpetrator",
                "victim",
                "witness",
                "perpetrator",
                "victim",
                "perpetrator",
                "other",
                "perpetrator",
                "victim",
                "perpetrator",
                "victim",
                "perpetrator",
                "victim",
            ],
            "date": [
                "1985-05-01",
                "1985-05-01",
                "2002",
                "2005-03-10",
                "2005-03-10",
                "2013-02",
                "2008-08-08",
                "2014-12-31",
                "2014-01-01",
                "1999-09-09",
                "1999-09-09",
                "2010-02-28",
                "2010-02-27",
            ],
            "kind": ["dv"] * 13,
            "source": [
                "police",
                "police",
                "school",
                "police",
                "police",
                "police",
                "health",
                "police",
                "youth_care",
                "police",
                "police",
                "police",
                "school",
            ],
        }
    )
    contacts = pd.DataFrame(
        {
            "person_id": [5, 5, 7, 9, 1],
            "source": ["youth_care", "health", "health", "school", "health"],
            "start_date": ["2000-01-01", "2003", "2015-01-01", "2013-06", "1980-01-01"],
            "end_date": [None, "2004-06-30", "2015-02-01", None, "1981-01-01"],
            "kind": ["dv"] * 5,
        }
    )
    return fg.Dataset.from_pandas(persons, events=events, contacts=contacts)


@pytest.mark.parametrize("window", [None, ("2000-01-01", "2014-12-31"), ("1985", "2010-06")])
def test_feature_table_edge_cases_match_the_oracle(window: Any) -> None:
    ds = edge_cases()
    ft = fg.indicators.feature_table(ds, window=window)
    expected = oracle(ds, tuple(ft.attrs["window"]))
    for c in ft.columns:
        got = ft[c].astype(object).where(ft[c].notna(), None).tolist()
        want = expected[c].astype(object).where(expected[c].notna(), None).tolist()
        assert [str(v) for v in got] == [str(v) for v in want], c
