"""The matched headline of the indicators (issue #12, docs/estimands.md) against independent
computations: the strata counted with pandas from the written tables (test_synth_design_truth),
pooled with statsmodels' StratifiedTable; the Cox model refitted with lifelines on person rows
built with pandas; the rates and the Mantel–Haenszel rate ratio by their formulas. Then what the
results say: the verdict first, no headline unless estimable, and disclosure of pooled estimates.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.contingency_tables import StratifiedTable

import famgraph as fg
from core_results import strata_rows
from test_synth_design_truth import _persons, _window, pathway_reference

REL = 1e-9


@pytest.fixture(scope="module")
def pop() -> fg.Dataset:
    return fg.synth.generate(persons=20_000, seed=5, progress=False)


def _win(ds: fg.Dataset) -> str:
    ws, we = _window(ds.truth)
    return f"{ws.date()}:{we.date()}"


def _row(r: fg.indicators.Result, estimand: str, method_start: str) -> pd.Series:
    m = r.tables["matched"]
    sel = (m["estimand"] == estimand) & m["method"].str.startswith(method_start)
    assert sel.sum() == 1
    return m[sel].iloc[0]


def test_pathway_matched_estimates_equal_statsmodels_on_the_pandas_strata(pop: fg.Dataset) -> None:
    r = fg.indicators.victim_to_perpetrator(pop, window=_win(pop), min_cell=0)
    ref = pathway_reference(pop)
    st = StratifiedTable([np.array([[a, b], [c, d]], dtype=float) for a, b, c, d in ref.to_numpy()])
    o = _row(r, "odds_ratio", "Mantel")
    assert o["estimate"] == pytest.approx(st.oddsratio_pooled, rel=REL)
    lo, hi = st.oddsratio_pooled_confint()
    assert (o["lower"], o["upper"]) == pytest.approx((lo, hi), rel=1e-7)
    rr = _row(r, "risk_ratio", "Mantel")
    assert rr["estimate"] == pytest.approx(st.riskratio_pooled, rel=REL)
    # the headline compares persons of the same age: on the generator's own window, with a planted
    # transmission effect, it points the right way
    assert o["estimate"] > 1.0


def _person_rows(ds: fg.Dataset) -> pd.DataFrame:
    """One row per eligible person: days from the 18th birthday to the first adult perpetration
    in the window (event) or to min(window end, exit), exposure and stratum — with pandas."""
    ws, we = _window(ds.truth)
    p = _persons(ds)
    last = p["exit"].fillna(pd.Timestamp.max).clip(upper=we)
    el = p[(p["adult"] > ws) & (p["adult"] <= last)].copy()
    el["last"] = last[el.index]
    e = ds.events.copy()
    e["date"] = pd.to_datetime(e["date"].astype(str))
    e = e[(e["date"] >= ws) & (e["date"] <= we) & e["person_id"].isin(el.index)].join(
        el[["adult"]], on="person_id"
    )
    exposed = set(e.loc[(e["date"] < e["adult"]) & e["role"].isin(["victim", "witness"]), "person_id"])
    first = e[(e["date"] >= e["adult"]) & (e["role"] == "perpetrator")].groupby("person_id")["date"].min()
    el["event"] = el.index.isin(first.index).astype(int)
    end = first.reindex(el.index).fillna(el["last"])
    el["time"] = (end - el["adult"]).dt.days.astype(float)
    el["exposed"] = el.index.isin(list(exposed)).astype(int)
    el["stratum"] = el["birth_year"].astype(str) + el["sex"].astype(str) + el["parents_known"].astype(str)
    return el[["time", "event", "exposed", "stratum"]]


def test_pathway_cox_and_rates_equal_lifelines_and_the_formulas(pop: fg.Dataset) -> None:
    lifelines = pytest.importorskip("lifelines")
    r = fg.indicators.victim_to_perpetrator(pop, window=_win(pop), min_cell=0)
    rows = _person_rows(pop)
    # only strata with an event add to the partial likelihood; lifelines needs variation per fit
    cph = lifelines.CoxPHFitter()
    # full Newton steps and a tight tolerance: lifelines' defaults stop ~1e-5 short (test_stats_matched)
    cph.fit(
        rows,
        "time",
        "event",
        strata=["stratum"],
        fit_options={"precision": 1e-16, "r_precision": 1e-15, "max_steps": 200, "step_size": 1.0},
    )
    hr = _row(r, "hazard_ratio", "Cox")
    assert hr["estimate"] == pytest.approx(float(np.exp(cph.params_["exposed"])), rel=1e-6)
    ci = np.exp(cph.confidence_intervals_.loc["exposed"].to_numpy())
    assert (hr["lower"], hr["upper"]) == pytest.approx(tuple(ci), rel=1e-6)
    # rates per 1,000 person-years and the Mantel–Haenszel rate ratio (Rothman & Greenland)
    rows["py"] = rows["time"] / 365.25
    g = rows.groupby("exposed").agg(events=("event", "sum"), py=("py", "sum"))
    rates = r.tables["rates"].set_index("group")
    for grp, x in (("exposed", 1), ("unexposed", 0)):
        assert rates.loc[grp, "events"] == g.loc[x, "events"]
        assert rates.loc[grp, "rate"] == pytest.approx(1000 * g.loc[x, "events"] / g.loc[x, "py"], rel=1e-9)
    num = den = 0.0
    for _, s in rows.groupby("stratum"):
        t1, t0 = s.loc[s.exposed == 1, "py"].sum(), s.loc[s.exposed == 0, "py"].sum()
        k1, k0 = s.loc[s.exposed == 1, "event"].sum(), s.loc[s.exposed == 0, "event"].sum()
        if t1 > 0 and t0 > 0:
            num += k1 * t0 / (t1 + t0)
            den += k0 * t1 / (t1 + t0)
    irr = _row(r, "rate_ratio", "Mantel")
    assert irr["estimate"] == pytest.approx(num / den, rel=1e-9)


def test_at_risk_table_counts_the_persons_still_followed(pop: fg.Dataset) -> None:
    r = fg.indicators.victim_to_perpetrator(pop, window=_win(pop), min_cell=0)
    rows = _person_rows(pop)
    ar = r.tables["at_risk"]
    for grp, x in (("exposed", 1), ("unexposed", 0)):
        t = rows.loc[rows.exposed == x, "time"] / 365.25
        got = ar[ar.group == grp].set_index("time_years")["at_risk"]
        for year, n in got.items():
            assert n == int((t >= year).sum()), (grp, year)


def test_readme_example_is_not_estimable_and_says_so_first() -> None:
    """The issue's example: 50,000 persons, seed 7, 15 years of records (2011-2025). The crude
    risk ratio points the wrong way; the window cannot show adult perpetration at the ages it is
    recorded, and the result says so before anything else."""
    ds = fg.synth.generate(persons=50_000, seed=7, progress=False)
    r = fg.indicators.victim_to_perpetrator(ds, window="2011:2025")
    v = r.verdict
    assert v is not None and v["verdict"] == "not estimable in this window" and v["rule"] == 2
    assert "at most 32" in v["reason"]
    assert r.headline is None
    first = r.summary().splitlines()[0]
    assert first.startswith("victim_to_perpetrator: verdict: not estimable in this window")
    assert r.to_dict()["verdict"]["rule"] == 2
    ages = r.tables["ages"]
    assert int(ages.loc[0, "oldest_eligible_age"]) == 32
    assert float(ages.loc[0, "age_q1"]) > 32


def test_a_50_year_window_is_estimable_with_a_headline_above_1() -> None:
    """50 years of records hold every adult age: the verdict is estimable, the headline is the
    matched odds ratio, above 1 as planted, and the summary says both in its first line."""
    ds = fg.synth.generate(persons=20_000, seed=5, window_years=50, progress=False)
    r = fg.indicators.victim_to_perpetrator(ds)
    assert r.verdict == {"verdict": "estimable", "rule": 0, "reason": ""}
    h = r.headline
    assert h is not None and h["estimand"] == "odds_ratio" and 1.0 < h["lower"] < h["estimate"] < h["upper"]
    first = r.summary().splitlines()[0]
    assert first.startswith("victim_to_perpetrator: verdict: estimable. Matched odds ratio")


def test_design_table_is_the_window_and_the_data(pop: fg.Dataset) -> None:
    r = fg.indicators.victim_to_perpetrator(pop, window="2011:2025", min_cell=0)
    d = r.tables["design"]
    assert d["birth_year"].tolist() == list(range(1993, 2008))
    assert np.allclose(d["childhood_years"] + d["adult_years"], 15.0, atol=1.0)
    assert int(d["persons"].sum()) == int(r.table.loc[0, "n"])
    assert d["person_years"].sum() == pytest.approx(
        float(r.tables["rates"]["person_years"].sum()), abs=len(d)
    )


def _strata_rows(a: int, b: int, c: int, d: int, k: int) -> list[tuple[int, str, bool, int, int, int, int]]:
    return [(2000 + i, "F", True, a, b, c, d) for i in range(k)]


def test_pooled_estimates_need_two_informative_strata_and_cells_of_min_cell() -> None:
    from famgraph.indicators._matched import matched_frame, matched_published

    core = fg._core.indicators  # type: ignore[attr-defined]
    one = core.matched(_strata_rows(30, 70, 20, 80, 1), 0.95).matched
    assert one.mh.n_informative == 1 and not matched_published(one, 10)
    assert math.isnan(matched_frame(one, 10).loc[0, "estimate"])
    two = core.matched(_strata_rows(15, 35, 10, 40, 2), 0.95).matched
    assert matched_published(two, 10)
    small = core.matched(_strata_rows(4, 35, 10, 40, 2), 0.95)  # pooled a = 8 < 10
    assert not matched_published(small.matched, 10) and matched_published(small.matched, 0)
    assert small.verdict.rule == 3


def test_transmission_table_has_matched_columns_equal_to_statsmodels(pop: fg.Dataset) -> None:
    r = fg.indicators.relative_exposure(
        pop, window=_win(pop), relations=["parent"], role_pairs=[("perpetrator", "perpetrator")], min_cell=0
    )
    core = fg._core.indicators  # type: ignore[attr-defined]
    ws, we = fg.indicators._options.parse_window(_win(pop))  # type: ignore[attr-defined]
    rx = core.relative_exposure(pop._core, ws, we, ["parent"], [("perpetrator", "perpetrator")])
    rows = strata_rows(rx.cells[0].strata)
    st = StratifiedTable(
        [np.array([[a, b], [c, d]], dtype=float) for *_, a, b, c, d in rows if a + b + c + d > 1]
    )
    assert r.table.loc[0, "or_mh"] == pytest.approx(st.oddsratio_pooled, rel=REL)
    assert r.table.loc[0, "verdict"] in ("estimable", "imprecise", "not estimable in this window")
