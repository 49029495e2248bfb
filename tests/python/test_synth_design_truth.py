"""The generator's design truth (truth.json "design", docs/validity.md) against an independent
pandas computation from the written tables.

The generator computes the cohort-matched designs from its own simulation state; the recorded
variant must equal what the recorded tables show, counted here with pandas from the data alone,
and the complete variant (every simulated incident) must contain at least as many exposures and
outcomes. These are the target values of the validity study, so they are checked exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import famgraph as fg

COLUMNS = ["birth_year", "sex", "parents_known", "a", "b", "c", "d"]


def _norm(frame: pd.DataFrame) -> pd.DataFrame:
    """Strata as a frame indexed by (birth_year int64, sex str, parents_known bool), counts int64."""
    f = frame.reset_index() if "birth_year" not in frame.columns else frame
    f = f.astype(
        {
            "birth_year": "int64",
            "sex": str,
            "parents_known": bool,
            "a": "int64",
            "b": "int64",
            "c": "int64",
            "d": "int64",
        }
    )
    return f.set_index(["birth_year", "sex", "parents_known"])[["a", "b", "c", "d"]].sort_index()


def _strata(truth: dict, name: str, variant: str) -> pd.DataFrame:
    return _norm(pd.DataFrame(truth["design"][name][variant], columns=COLUMNS))


def _window(truth: dict) -> tuple[pd.Timestamp, pd.Timestamp]:
    w = truth["design"]["window"]
    return pd.Timestamp(w["start"]), pd.Timestamp(w["end"])


def _persons(ds: fg.Dataset) -> pd.DataFrame:
    p = ds.persons.copy()
    p["birth"] = pd.to_datetime(p["birth_date"].astype(str))
    p["exit"] = pd.to_datetime(p["exit_date"].astype("string"), errors="coerce")
    # 18th birthday: the same month and day 18 years later; 29 February -> 28 February
    p["adult"] = [
        b.replace(year=b.year + 18)
        if not (b.month == 2 and b.day == 29)
        else b.replace(year=b.year + 18, day=28)
        for b in p["birth"]
    ]
    p["parents_known"] = p["mother_id"].notna() | p["father_id"].notna()
    p["birth_year"] = p["birth"].dt.year
    return p.set_index("person_id")


def _count(frame: pd.DataFrame, exposed: pd.Series, outcome: pd.Series) -> pd.DataFrame:
    f = frame.assign(x=exposed.to_numpy(), y=outcome.to_numpy())
    out = pd.DataFrame(
        {
            "a": (f.x & f.y).astype(int),
            "b": (f.x & ~f.y).astype(int),
            "c": (~f.x & f.y).astype(int),
            "d": (~f.x & ~f.y).astype(int),
        },
        index=f.index,
    )
    out[["birth_year", "sex", "parents_known"]] = f[["birth_year", "sex", "parents_known"]]
    out["sex"] = out["sex"].astype(str)
    return _norm(out.groupby(["birth_year", "sex", "parents_known"])[["a", "b", "c", "d"]].sum())


def pathway_reference(ds: fg.Dataset) -> pd.DataFrame:
    ws, we = _window(ds.truth)
    p = _persons(ds)
    last = p["exit"].fillna(pd.Timestamp.max).clip(upper=we)
    eligible = p[(p["adult"] > ws) & (p["adult"] <= last)]
    e = ds.events.copy()
    e["date"] = pd.to_datetime(e["date"].astype(str))
    e = e[(e["date"] >= ws) & (e["date"] <= we) & e["person_id"].isin(eligible.index)]
    e = e.join(eligible[["adult"]], on="person_id")
    exposed_ids = set(e.loc[(e["date"] < e["adult"]) & e["role"].isin(["victim", "witness"]), "person_id"])
    outcome_ids = set(e.loc[(e["date"] >= e["adult"]) & (e["role"] == "perpetrator"), "person_id"])
    idx = eligible.index.to_series()
    return _count(eligible, idx.isin(exposed_ids), idx.isin(outcome_ids))


def continuation_reference(ds: fg.Dataset) -> pd.DataFrame:
    ws, we = _window(ds.truth)
    p = _persons(ds)
    e = ds.events.copy()
    e["date"] = pd.to_datetime(e["date"].astype(str))
    e = e[(e["date"] >= ws) & (e["date"] <= we)]
    perp = e[e["role"] == "perpetrator"][["incident_id", "person_id"]]
    vict = e[e["role"] == "victim"][["incident_id", "person_id", "date"]]
    pairs = vict.merge(perp, on="incident_id", suffixes=("_c", "_p"))
    pairs = pairs.join(p[["adult", "mother_id", "father_id"]], on="person_id_c")
    is_link = (pairs["date"] < pairs["adult"]) & (
        (pairs["mother_id"] == pairs["person_id_p"]) | (pairs["father_id"] == pairs["person_id_p"])
    )
    links = pairs[is_link]
    last = p["exit"].fillna(pd.Timestamp.max).clip(upper=we)
    lo = p["birth"].clip(lower=ws)
    hi = pd.concat([last, p["adult"] - pd.Timedelta(days=1)], axis=1).min(axis=1)
    observed_child = p.index[lo <= hi]
    kids = p.loc[observed_child]
    parents = set(kids["mother_id"].dropna().astype(np.int64)) | set(
        kids["father_id"].dropna().astype(np.int64)
    )
    pop = p[(p["birth"] <= we) & (p["adult"] > ws) & p.index.isin(list(parents))]
    idx = pop.index.to_series()
    return _count(pop, idx.isin(set(links["person_id_c"])), idx.isin(set(links["person_id_p"])))


@pytest.fixture(scope="module", params=[(3_000, 5, 15), (4_000, 9, 25), (2_500, 3, 40)])
def population(request: pytest.FixtureRequest) -> fg.Dataset:
    n, seed, years = request.param
    return fg.synth.generate(persons=n, seed=seed, window_years=years, progress=False, design_detail=True)


def test_recorded_pathway_strata_equal_the_written_data(population: fg.Dataset) -> None:
    got = _strata(population.truth, "victim_to_perpetrator", "recorded")
    want = pathway_reference(population)
    pd.testing.assert_frame_equal(got, want)
    assert want[["a", "c"]].to_numpy().sum() > 0  # the comparison is not vacuous


def test_recorded_continuation_strata_equal_the_written_data(population: fg.Dataset) -> None:
    got = _strata(population.truth, "continuation", "recorded")
    want = continuation_reference(population)
    pd.testing.assert_frame_equal(got, want)


def test_complete_data_see_at_least_what_is_recorded(population: fg.Dataset) -> None:
    for name in ("victim_to_perpetrator", "continuation"):
        c = _strata(population.truth, name, "complete")
        r = _strata(population.truth, name, "recorded")
        pd.testing.assert_index_equal(c.index, r.index)
        pd.testing.assert_series_equal(c.sum(axis=1), r.sum(axis=1))  # the same persons
        assert (c["a"] + c["b"] >= r["a"] + r["b"]).all()  # exposure can only be missed
        assert (c["a"] + c["c"] >= r["a"] + r["c"]).all()  # and so can the outcome
    c = _strata(population.truth, "victim_to_perpetrator", "complete")
    r = _strata(population.truth, "victim_to_perpetrator", "recorded")
    assert (c["a"] + c["b"]).sum() > (r["a"] + r["b"]).sum()  # default coverage loses some


def test_design_detail_adds_up_to_the_strata(population: fg.Dataset) -> None:
    d = population.truth_design
    assert (
        d is not None
        and len(d) == _strata(population.truth, "victim_to_perpetrator", "recorded").to_numpy().sum()
    )
    for variant in ("complete", "recorded"):
        x, y = d[f"exposed_{variant}"], d[f"event_{variant}"]
        want = _strata(population.truth, "victim_to_perpetrator", variant)
        got = _norm(
            d.assign(a=x & y, b=x & ~y, c=~x & y, d=~x & ~y, sex=d["sex"].astype(str))
            .groupby(["birth_year", "sex", "parents_known"])[["a", "b", "c", "d"]]
            .sum()
        )
        pd.testing.assert_frame_equal(got, want)
        assert (d[f"time_{variant}"] >= 0).all()
    # the first recorded perpetration cannot come before the first simulated one
    both = d["event_recorded"]
    assert (d.loc[both, "time_recorded"] >= d.loc[both, "time_complete"]).all()
    assert d["person_id"].isin(population.persons["person_id"]).all()


def test_full_recording_makes_complete_equal_recorded() -> None:
    full = {name: 1.0 for name in fg.synth.parameters().index if name.startswith("coverage_")}
    ds = fg.synth.generate(persons=2_000, seed=11, window_years=20, progress=False, **full)
    for name in ("victim_to_perpetrator", "continuation"):
        pd.testing.assert_frame_equal(
            _strata(ds.truth, name, "complete"), _strata(ds.truth, name, "recorded")
        )
