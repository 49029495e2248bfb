"""Coverage study of the planted transmission odds ratio (issue #5; design and results in
docs/statistics.md, "Coverage study of the planted odds ratio").

The generator plants ``transmission_or`` as an odds ratio on the *yearly* odds that a child is
maltreated, for child-years in which a parent at home was a childhood victim. The estimand of this
study is exactly that parameter: a child-year (person-period) analysis of the generated tables,
expanded by ``reference/child_years.py`` (test code, written from the model description, not from
the C++), analysed with ``famgraph.stats.two_by_two`` (Woolf interval) and cross-checked with
``famgraph.stats.logistic``.

Acceptance (issue #5): the 95% interval covers the planted value in at least 36 of 40 seeds.
Measured values are printed and put in the assertion messages (run with ``-s`` to see them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest

import famgraph as fg
from famgraph import stats
from reference import child_years as cyr

ORGS = ("police", "veilig_thuis", "youth_care", "gp", "school", "shelter")
START_YEAR, END_YEAR = 1870, 2025
#: Generator settings of the study; docs/statistics.md says why each one is needed.
SETTINGS: dict[str, float] = {
    "frailty_sd": 0.0,  # no household frailty: the planted OR is then the marginal yearly OR
    "witness": 0.0,  # no witness rows, so truncating the last lineage drops no kept child's incident
    "start_year": START_YEAR,
    "end_year": END_YEAR,
    "window_years": END_YEAR - START_YEAR + 1,  # records cover the whole simulation
    **{f"coverage_{o}_{k}": 1.0 for o in ORGS for k in ("cm", "pv")},  # every incident recorded
}
PERSONS = 5_000
SEEDS = range(1, 41)
PLANTED = 3.0
REQUIRED = 36  # of 40 (issue #5)
Z_TOLERANCE = 4.0  # for the pooled checks: a false alarm once in ~16,000 runs


def report(label: str, value: Any) -> str:
    text = f"{label}: {value}"
    print(text)
    return text


@dataclass(frozen=True)
class Run:
    """One population: the child-year 2×2 table and its Woolf odds ratio."""

    seed: int
    cells: tuple[int, int, int, int]
    naive_cells: tuple[int, int, int, int]  # exposure = a parent was ever a childhood victim
    odds_ratio: dict[str, float]
    logistic: dict[str, float]

    def covers(self, value: float) -> bool:
        return self.odds_ratio["lower"] <= value <= self.odds_ratio["upper"]


def _cells(exposed: np.ndarray, outcome: np.ndarray) -> tuple[int, int, int, int]:
    e, o = exposed.astype(bool), outcome.astype(bool)
    return int((e & o).sum()), int((e & ~o).sum()), int((~e & o).sum()), int((~e & ~o).sum())


def analyse(seed: int, transmission_or: float, persons: int = PERSONS) -> Run:
    """Generate one population, expand it into child-years, check the bookkeeping against
    ``truth.json`` and estimate the odds ratio two ways."""
    ds = fg.synth.generate(
        persons, seed=seed, threads=1, progress=False, transmission_or=transmission_or, **SETTINGS
    )
    assert ds.truth is not None
    sim, truth = ds.truth["simulation"], ds.truth["complete_data"]
    x = cyr.expand(ds.persons, ds.partnerships, ds.events, sim["start"], sim["end"])
    t = x.table
    # The expansion reproduces the generator's own child-year bookkeeping (all persons).
    where = f"seed {seed}, transmission_or {transmission_or}"
    assert len(t) == truth["child_years"], where
    assert int(t["outcome"].sum()) == truth["maltreated_child_years"], where
    assert x.unplaced == 0, where
    assert int(t["outcome"].max()) <= 1, where  # one draw per child-year
    kids = t[t["both_parents"]]
    assert kids["exposed"].notna().all() and t.loc[~t["both_parents"], "exposed"].isna().all(), where

    outcome = kids["outcome"].to_numpy() > 0
    exposed = kids["exposed"].to_numpy(dtype=bool)
    cells = cyr.two_by_two_counts(t)
    assert cells == _cells(exposed, outcome), where
    naive = kids["mother_victim"].to_numpy() | kids["father_victim"].to_numpy()
    r = stats.two_by_two(*cells)
    assert not r["or_corrected"], where
    fit = stats.logistic(
        pd.DataFrame({"exposed": exposed.astype(float)}), outcome.astype(float), add_intercept=True
    )
    assert fit["converged"], where
    row = fit["table"].loc["exposed"]
    return Run(
        seed=seed,
        cells=cells,
        naive_cells=_cells(naive, outcome),
        odds_ratio=r["odds_ratio"],
        logistic={"estimate": row["odds_ratio"], "lower": row["or_lower"], "upper": row["or_upper"]},
    )


def pooled_z(runs: list[Run], planted: float, naive: bool = False) -> tuple[dict[str, float], float]:
    """Woolf odds ratio of the summed tables and its z against ``planted``."""
    a, b, c, d = (int(v) for v in np.sum([r.naive_cells if naive else r.cells for r in runs], axis=0))
    est = stats.two_by_two(a, b, c, d)["odds_ratio"]
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    return est, (math.log(est["estimate"]) - math.log(planted)) / se


@pytest.fixture(scope="module")
def sweep() -> list[Run]:
    return [analyse(seed, PLANTED) for seed in SEEDS]


# --------------------------------------------------------------------- the study (issue #5)
def test_coverage_of_the_planted_odds_ratio(sweep: list[Run]) -> None:
    covered = sum(r.covers(PLANTED) for r in sweep)
    n = len(sweep)
    share = covered / n
    est = np.array([r.odds_ratio["estimate"] for r in sweep])
    logs = np.log(est)
    msg = report(
        "coverage of transmission_or = 3 (Woolf 95%)",
        f"{covered}/{n} = {share:.3f} (Monte-Carlo SE {math.sqrt(share * (1 - share) / n):.3f}); "
        f"mean OR {est.mean():.4f} (bias {est.mean() - PLANTED:+.4f}, "
        f"MC SE {est.std(ddof=1) / math.sqrt(n):.4f}); "
        f"mean ln OR {logs.mean():.4f} (bias {logs.mean() - math.log(PLANTED):+.4f}, "
        f"MC SE {logs.std(ddof=1) / math.sqrt(n):.4f}); missed seeds "
        f"{[r.seed for r in sweep if not r.covers(PLANTED)]}; "
        f"mean child-years per run {np.mean([sum(r.cells) for r in sweep]):.0f}",
    )
    assert covered >= REQUIRED, msg


def test_no_bias(sweep: list[Run]) -> None:
    """Sharper than coverage: the pooled estimate (40× the data) and the mean ln OR agree with the
    planted value within 4 standard errors."""
    est, z = pooled_z(sweep, PLANTED)
    logs = np.log([r.odds_ratio["estimate"] for r in sweep])
    z_mean = (logs.mean() - math.log(PLANTED)) / (logs.std(ddof=1) / math.sqrt(len(logs)))
    # The Woolf SE should describe the spread over seeds (no clustering left unmodelled).
    woolf_se = np.mean([math.sqrt(sum(1 / v for v in r.cells)) for r in sweep])
    msg = report(
        "pooled child-year OR",
        f"{est['estimate']:.4f} [{est['lower']:.4f}, {est['upper']:.4f}], z = {z:+.2f}; "
        f"mean ln OR z = {z_mean:+.2f}; SD of ln OR over seeds {logs.std(ddof=1):.4f} "
        f"vs mean Woolf SE {woolf_se:.4f}",
    )
    assert abs(z) <= Z_TOLERANCE and abs(z_mean) <= Z_TOLERANCE, msg
    # 39 df: a ratio outside [0.6, 1.5] has probability < 1e-4 when the Woolf SE is right.
    assert 0.6 <= logs.std(ddof=1) / woolf_se <= 1.5, msg


def test_logistic_gives_the_same_odds_ratio(sweep: list[Run]) -> None:
    """One binary covariate: the logistic MLE is a·d/(b·c) and its Wald SE is Woolf's."""
    for r in sweep:
        for key in ("estimate", "lower", "upper"):
            assert r.logistic[key] == pytest.approx(r.odds_ratio[key], rel=1e-9), (r.seed, key)
        a, b, c, d = r.cells
        assert r.odds_ratio["estimate"] == pytest.approx(a * d / (b * c), rel=1e-12)


def test_the_check_detects_a_wrong_exposure(sweep: list[Run]) -> None:
    """Power of the design: ignoring who is at home (exposure = a parent was ever a childhood
    victim) misclassifies child-years after a parent's death or separation; the pooled check
    must reject it."""
    est, z = pooled_z(sweep, PLANTED, naive=True)
    naive = [stats.two_by_two(*r.naive_cells)["odds_ratio"] for r in sweep]
    covered = sum(o["lower"] <= PLANTED <= o["upper"] for o in naive)
    msg = report(
        "naive exposure (ignoring at home)",
        f"pooled OR {est['estimate']:.4f}, z = {z:+.2f}; covered {covered}/{len(sweep)}",
    )
    assert z < -Z_TOLERANCE, msg


def test_null_run() -> None:
    """transmission_or = 1: no association, and the interval covers 1."""
    r = analyse(seed=1, transmission_or=1.0, persons=4 * PERSONS)
    msg = report(
        "null run (transmission_or = 1, 20,000 persons, seed 1)",
        f"OR {r.odds_ratio['estimate']:.4f} [{r.odds_ratio['lower']:.4f}, {r.odds_ratio['upper']:.4f}], "
        f"cells {r.cells}",
    )
    assert r.covers(1.0), msg
    assert r.logistic["estimate"] == pytest.approx(r.odds_ratio["estimate"], rel=1e-9)


def test_extreme_odds_ratio_pins_the_exposure_classification() -> None:
    """At transmission_or = 100 a misclassified child-year weighs heavily (exposed risk ~0.75,
    unexposed 0.03): 10 pooled seeds must still agree with the planted value within 4 SE."""
    runs = [analyse(seed, 100.0) for seed in range(101, 111)]
    est, z = pooled_z(runs, 100.0)
    naive, z_naive = pooled_z(runs, 100.0, naive=True)
    msg = report(
        "pooled OR at transmission_or = 100 (10 seeds)",
        f"{est['estimate']:.3f} [{est['lower']:.3f}, {est['upper']:.3f}], z = {z:+.2f}; "
        f"naive exposure {naive['estimate']:.3f}, z = {z_naive:+.2f}",
    )
    assert abs(z) <= Z_TOLERANCE, msg
    assert z_naive < -Z_TOLERANCE, msg


# --------------------------------------------------------------------- the expansion itself
def _tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A hand-made family. Simulation 1940-01-01 … 2000-12-31.

    1 mother (b. 1950-03-10, dies 1985-05-01; childhood victim in 1960)
    2 father (b. 1948-07-01, alive; not a victim)        union 1-2 from 1972-01-01, no end
    3 mother (b. 1955-01-01, alive; not a victim)
    4 father (b. 1950-01-01, exit 1995-12-31; childhood victim of partner violence at 17)
                                                          union 4-3 (reversed columns) 1976-01-01 … 1983-06-30
    10 child of 1, 2: b. 1980-02-29, alive              → exposed while the mother lives
    11 child of 3, 4: b. 1978-06-30, dies 1990-01-15    → exposed while the union lasts
    12 child of 3, unknown father: b. 1985-01-01        → exposure undefined
    """
    persons = pd.DataFrame(
        {
            "person_id": [1, 2, 3, 4, 10, 11, 12],
            "sex": ["F", "M", "F", "M", "F", "M", "F"],
            "birth_date": [
                "1950-03-10",
                "1948-07-01",
                "1955-01-01",
                "1950-01-01",
                "1980-02-29",
                "1978-06-30",
                "1985-01-01",
            ],
            "exit_date": ["1985-05-01", None, None, "1995-12-31", None, "1990-01-15", None],
            "mother_id": pd.array([None, None, None, None, 1, 3, 3], dtype="Int64"),
            "father_id": pd.array([None, None, None, None, 2, 4, None], dtype="Int64"),
        }
    )
    partnerships = pd.DataFrame(
        {
            "person_a": [1, 4],
            "person_b": [2, 3],
            "start_date": ["1972-01-01", "1976-01-01"],
            "end_date": [None, "1983-06-30"],
        }
    )
    events = pd.DataFrame(
        {
            "incident_id": [1, 2, 2, 3, 4, 5, 6],
            "person_id": [1, 4, 3, 10, 10, 11, 12],
            "role": ["victim", "victim", "perpetrator", "victim", "victim", "victim", "witness"],
            "date": [
                "1960-01-01",
                "1967-12-31",
                "1967-12-31",
                "1985-02-28",
                "1999-02-27",
                "1983-06-29",
                "1990-01-01",
            ],
            "kind": [
                "child_maltreatment",
                "partner_violence",
                "partner_violence",
                "child_maltreatment",
                "child_maltreatment",
                "child_maltreatment",
                "child_maltreatment",
            ],
            "source": ["gp"] * 7,
        }
    )
    return persons, partnerships, events


def _child(t: pd.DataFrame, pid: int) -> pd.DataFrame:
    return t[t["person_id"] == pid].set_index("age")


def test_expansion_by_hand() -> None:
    persons, partnerships, events = _tables()
    x = cyr.expand(persons, partnerships, events, "1940-01-01", "2000-12-31")
    t = x.table
    assert x.unplaced == 0
    # Person 10, born 29 Feb 1980: the k-th birthday is 28 Feb in common years; the year of age 20
    # would end 2001-02-27, after the simulation, so ages 0-17 are all at risk.
    c10 = _child(t, 10)
    assert list(c10.index) == list(range(18))
    assert c10.loc[5, "start"] == cyr.days("1985-02-28")[0]
    assert c10.loc[4, "end"] == cyr.days("1985-02-27")[0]
    # The mother (a childhood victim) dies on 1985-05-01: at home on 1985-02-28 (age 5), not on
    # 1986-02-28; the father is at home only while the union lasts, i.e. while both live.
    assert c10["exposed"].astype(bool).tolist() == [True] * 6 + [False] * 12
    assert c10["mother_home"].tolist() == [True] * 6 + [False] * 12
    assert c10["father_home"].tolist() == [True] * 6 + [False] * 12
    # Outcomes land in the year of age: 1985-02-28 is the 5th birthday; 1999-02-27 is the day
    # before the 19th birthday (1999-02-28), i.e. age 18 — an adult, in no child-year.
    assert c10["outcome"].tolist() == [0] * 5 + [1] + [0] * 12
    # Person 11: the union of 3 and 4 (columns reversed) ends 1983-06-30; the year of age 5 starts
    # 1983-06-30 (the end day counts: at home), age 6 starts 1984-06-30 (not). The father's only
    # childhood victimisation is partner violence at 17: it counts (any kind). The child dies
    # 1990-01-15: the year of age 11 (1989-06-30 … 1990-06-29) is not at risk.
    c11 = _child(t, 11)
    assert list(c11.index) == list(range(11))
    assert c11["exposed"].astype(bool).tolist() == [True] * 6 + [False] * 5
    assert c11["outcome"].tolist() == [0] * 4 + [1] + [0] * 6  # 1983-06-29 is the last day of age 4
    # Person 12: unknown father → child-years counted, exposure undefined; a witness row is no outcome.
    c12 = _child(t, 12)
    assert len(c12) == 16 and c12["exposed"].isna().all() and c12["outcome"].sum() == 0
    # Persons without parents have child-years too (inside the simulation), exposure undefined.
    assert len(_child(t, 1)) == 18 and len(_child(t, 2)) == 18
    assert cyr.two_by_two_counts(t) == (2, 10, 0, 17)  # children 10 and 11 only


def test_expansion_boundaries_and_errors() -> None:
    persons, partnerships, events = _tables()
    # A simulation start inside childhood drops the earlier years; a victim row in such a year is
    # counted as unplaced (the data do not follow the model there).
    x = cyr.expand(persons, partnerships, events, "1983-01-01", "2000-12-31")
    assert _child(x.table, 11).index.min() == 5  # 1983-06-30 ≥ start; 1982-06-30 is not
    assert x.unplaced == 2  # 1983-06-29 (age 4 of 11) and 1960-01-01 (mother 1, age 9)
    # Mother 1 exits on the first day of a child-year: still at home that year (exit is inclusive).
    p2 = persons.copy()
    p2.loc[p2["person_id"] == 1, "exit_date"] = "1986-02-28"
    c10 = _child(cyr.expand(p2, partnerships, events, "1940-01-01", "2000-12-31").table, 10)
    assert c10["exposed"].astype(bool).tolist() == [True] * 7 + [False] * 11
    with pytest.raises(ValueError, match="no partnership"):
        cyr.expand(persons, partnerships.iloc[:1], events, "1940-01-01", "2000-12-31")
    with pytest.raises(ValueError, match="more than one partnership"):
        cyr.expand(
            persons, pd.concat([partnerships, partnerships.iloc[:1]]), events, "1940-01-01", "2000-12-31"
        )
