"""Every worked example of docs/definitions.md, recomputed with famgraph.

The page states numbers derived by hand; these tests recompute them through the public API (hand
-built datasets, disclosure control off) so that the documentation cannot drift from the code. Each
expected value below is the one printed on the page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd
import pytest

import famgraph as fg
from famgraph import stats

# A window starting in 1800 and ending in 2030 covers every event of the small families below.
WIDE = ("1800-01-01", "2030-12-31")


def dataset(
    persons: Sequence[tuple[Any, ...]],
    events: Sequence[tuple[Any, ...]] = (),
    contacts: Sequence[tuple[Any, ...]] = (),
) -> fg.Dataset:
    """persons: (id, sex, birth, exit, mother, father); events: (incident, person, role, date,
    source); contacts: (person, source, start, end)."""
    p = pd.DataFrame(
        persons, columns=["person_id", "sex", "birth_date", "exit_date", "mother_id", "father_id"]
    )
    e = pd.DataFrame(events, columns=["incident_id", "person_id", "role", "date", "source"])
    e["kind"] = "child_maltreatment"
    c = pd.DataFrame(contacts, columns=["person_id", "source", "start_date", "end_date"])
    c["kind"] = "support"
    parts = pd.DataFrame(columns=["person_a", "person_b", "start_date", "end_date"])
    return fg.Dataset.from_pandas(p, parts, e, c)


def approx(x: Any, digits: int) -> float:
    return round(float(x), digits)


# ---- statistics of a 2×2 table -------------------------------------------------------------------


def test_two_by_two_worked_example() -> None:
    r = stats.two_by_two(a=15, b=85, c=5, d=95)
    assert r["risk_exposed"]["estimate"] == 0.15
    assert (approx(r["risk_exposed"]["lower"], 4), approx(r["risk_exposed"]["upper"], 4)) == (0.0931, 0.2328)
    assert (approx(r["risk_unexposed"]["lower"], 4), approx(r["risk_unexposed"]["upper"], 4)) == (
        0.0215,
        0.1118,
    )
    assert r["risk_ratio"]["estimate"] == pytest.approx(3.0)
    assert (approx(r["risk_ratio"]["lower"], 3), approx(r["risk_ratio"]["upper"], 3)) == (1.133, 7.941)
    assert approx(r["odds_ratio"]["estimate"], 3) == 3.353
    assert (approx(r["odds_ratio"]["lower"], 3), approx(r["odds_ratio"]["upper"], 3)) == (1.169, 9.616)
    assert r["risk_difference"]["estimate"] == pytest.approx(0.10)
    lo, hi = r["risk_difference"]["lower"], r["risk_difference"]["upper"]
    assert (approx(lo, 4), approx(hi, 4)) == (0.0160, 0.1876)
    # The page's intermediate values: the Wilson centre and half-width, the log standard errors.
    z = stats.z975
    centre = (15 + z**2 / 2) / (100 + z**2)
    half = z / (100 + z**2) * math.sqrt(15 * 85 / 100 + z**2 / 4)
    assert (approx(centre, 5), approx(half, 5)) == (0.16295, 0.06989)
    assert approx(math.sqrt(1 / 15 - 1 / 100 + 1 / 5 - 1 / 100), 4) == 0.4967
    assert approx(math.sqrt(1 / 15 + 1 / 85 + 1 / 5 + 1 / 95), 4) == 0.5375


def test_two_by_two_zero_cell_example() -> None:
    r = stats.two_by_two(a=0, b=20, c=5, d=95)
    assert r["risk_ratio"]["estimate"] == 0.0 and r["risk_ratio"]["lower"] is None
    assert r["or_corrected"] is True and r["or_raw"] == 0.0
    assert approx(r["odds_ratio"]["estimate"], 4) == 0.4235
    assert (approx(r["odds_ratio"]["lower"], 4), approx(r["odds_ratio"]["upper"], 2)) == (0.0225, 7.96)


def test_kaplan_meier_worked_example() -> None:
    km = stats.kaplan_meier([100, 200, 200, 300, 400], [1, 1, 0, 0, 1]).set_index("time")
    assert km.loc[100, "survival"] == pytest.approx(0.8)
    assert km.loc[200, "survival"] == pytest.approx(0.6)
    assert km.loc[400, "survival"] == 0.0
    assert km.loc[200, "variance"] == pytest.approx(0.048)
    assert (approx(km.loc[200, "lower"], 4), approx(km.loc[200, "upper"], 4)) == (0.1257, 0.8818)
    assert km.loc[200, "cumulative_incidence"] == pytest.approx(0.4)
    ci = km.loc[200, ["cumulative_incidence_lower", "cumulative_incidence_upper"]]
    assert (approx(ci.iloc[0], 3), approx(ci.iloc[1], 3)) == (0.118, 0.874)
    assert math.isnan(approx(km.loc[400, "lower"], 4))  # undefined once S = 0


def test_logrank_worked_example() -> None:
    r = stats.logrank([100, 200, 400], [1, 1, 1], [150, 300, 500], [0, 1, 0])
    assert r["expected_a"] == pytest.approx(1.5 + 1 / 3)
    assert r["variance"] == pytest.approx(0.75 + 2 / 9)
    assert r["observed_a"] == 3
    assert approx(r["chi2"], 2) == 1.40 and approx(r["p_value"], 3) == 0.237


def test_logistic_single_covariate_is_the_table() -> None:
    # 15/100 exposed and 5/100 unexposed with the outcome, one row per person.
    x = [1] * 100 + [0] * 100
    y = [1] * 15 + [0] * 85 + [1] * 5 + [0] * 95
    fit = stats.logistic(pd.DataFrame({"exposed": x}), y, add_intercept=True)
    row = fit["table"].loc["exposed"]
    assert approx(row["odds_ratio"], 3) == 3.353 and approx(row["se"], 4) == 0.5375
    assert (approx(row["or_lower"], 3), approx(row["or_upper"], 3)) == (1.169, 9.616)


# ---- indicator 1 and the date rules ----------------------------------------------------------------

WINDOW_1 = ("2011-01-01", "2025-12-31")


def pathway_dataset() -> fg.Dataset:
    persons = [
        (1, "F", "2000-05-10", None, None, None),  # P1
        (2, "M", "2004-02-29", None, None, None),  # P2: 18 on 2022-02-28
        (3, "F", "1993", None, None, None),  # P3: imputed 1993-07-01, 18 on 2011-07-01
        (4, "M", "1993-01-01", None, None, None),  # P4: 18 on the window start
        (5, "F", "2008-01-01", None, None, None),  # P5: 18 after the window
        (6, "M", "2001-03-15", "2019-03-15", None, None),  # P6: exit on the 18th birthday
        (7, "U", None, None, None, None),  # P7: no birth date
        (8, "F", "1960-01-01", None, None, None),  # an adult in the incidents below
    ]
    events = [
        (10, 1, "victim", "2010-03-01", "police"),  # before the window
        (10, 8, "perpetrator", "2010-03-01", "police"),
        (11, 1, "victim", "2012-06-01", "police"),  # childhood, in the window
        (11, 8, "perpetrator", "2012-06-01", "police"),
        (12, 1, "perpetrator", "2021-01-01", "police"),  # adult
        (12, 8, "victim", "2021-01-01", "police"),
        (13, 2, "victim", "2022-02-27", "police"),  # the day before the 18th birthday
        (13, 8, "perpetrator", "2022-02-27", "police"),
        (14, 2, "perpetrator", "2022-02-28", "police"),  # on the 18th birthday: adult
        (14, 8, "victim", "2022-02-28", "police"),
        (15, 6, "perpetrator", "2019-03-15", "police"),  # on the exit day
        (15, 8, "victim", "2019-03-15", "police"),
    ]
    return dataset(persons, events)


def test_pathway_date_rules_example() -> None:
    ds = pathway_dataset()
    r = fg.indicators.victim_to_perpetrator(ds, window=WINDOW_1, min_cell=0)
    overall = r.table.iloc[0]
    assert (overall.a, overall.b, overall.c, overall.d) == (2, 0, 1, 1)
    ft = fg.indicators.feature_table(ds, window=WINDOW_1).set_index("person_id")
    assert ft.loc[[1, 2, 3, 6], "pathway_eligible"].all()
    assert not ft.loc[[4, 5, 7, 8], "pathway_eligible"].any()
    assert list(ft.loc[[1, 2, 3, 6], "pathway_exposed"]) == [True, True, False, False]
    assert list(ft.loc[[1, 2, 3, 6], "pathway_outcome"]) == [True, True, False, True]
    # Kaplan–Meier: P2 and P6 have their event 0 days after the 18th birthday; P1 after 967 days.
    km = r.tables["km"]
    exposed = km[km.group == "exposed"].set_index("time_years")["cumulative_incidence"]
    unexposed = km[km.group == "unexposed"].set_index("time_years")["cumulative_incidence"]
    assert exposed.loc[0.0].max() == pytest.approx(0.5)  # P2 of {P1, P2} at time 0
    assert exposed.loc[967 / 365.25] == pytest.approx(1.0)
    assert unexposed.loc[0.0].max() == pytest.approx(0.5)  # P6 of {P3, P6} at time 0


# ---- indicators 2 and 3 ----------------------------------------------------------------------------


def three_generations(window_events: bool = True) -> fg.Dataset:
    persons = [
        (1, "F", "1950-01-01", None, None, None),  # G
        (2, "F", "1985-01-01", None, 1, None),  # M
        (3, "M", "2012-01-01", None, 2, None),  # C
    ]
    events = [
        (1, 1, "perpetrator", "1995-06-01", "police"),  # G against M, M aged 10
        (1, 2, "victim", "1995-06-01", "police"),
        (2, 2, "perpetrator", "2020-06-01", "police"),  # M against C, C aged 8
        (2, 3, "victim", "2020-06-01", "police"),
    ]
    return dataset(persons, events)


def test_relative_exposure_example() -> None:
    # The page's example has only M's incident against C: window 2000–2025 leaves out 1995.
    ds = three_generations()
    r = fg.indicators.relative_exposure(
        ds,
        window=("2000-01-01", "2025-12-31"),
        relations=["parent", "grandparent"],
        role_pairs=[("perpetrator", "victim")],
        min_cell=0,
    ).table.set_index("relation")
    assert tuple(r.loc["parent", ["a", "b", "c", "d"]]) == (1, 0, 0, 2)
    assert r.loc["grandparent", "n_exposed"] == 0


def test_chains_example() -> None:
    r = fg.indicators.chains(three_generations(), window=("1990-01-01", "2025-12-31"), min_cell=0)
    counts = r.table.set_index("measure")["count"]
    assert tuple(counts[["links", "chain_ge1", "chain_ge2", "chain_ge3"]]) == (2, 2, 1, 0)
    cont = r.tables["continuation"].iloc[0]
    assert (cont.a, cont.b, cont.c, cont.d) == (1, 0, 0, 0)  # M only; G's childhood is before 1990


# ---- indicator 4 -------------------------------------------------------------------------------------


def sibling_family(extra_events: Sequence[tuple[Any, ...]] = ()) -> fg.Dataset:
    """Parents 1, 2; full siblings A = 3, B = 4 (cases) and S = 5; five unrelated persons 6–10."""
    persons = [
        (1, "F", "1960", None, None, None),
        (2, "M", "1958", None, None, None),
        (3, "F", "1985", None, 1, 2),
        (4, "M", "1987", None, 1, 2),
        (5, "F", "1990", None, 1, 2),
        *[(i, "F", "1980", None, None, None) for i in range(6, 11)],
    ]
    events = [
        (1, 3, "perpetrator", "2015-01-01", "police"),
        (1, 6, "victim", "2015-01-01", "police"),
        (2, 4, "perpetrator", "2016-01-01", "police"),
        (2, 7, "victim", "2016-01-01", "police"),
        *extra_events,
    ]
    return dataset(persons, events)


def test_recurrence_example() -> None:
    r = fg.indicators.recurrence_risk(sibling_family(), window=WIDE, n_boot=0, min_cell=0)
    t = r.table.set_index("relation")
    assert t.loc["full_sibling", "observed"] == 10 and t.loc["full_sibling", "cases"] == 2
    assert t.loc["full_sibling", "K"] == pytest.approx(0.2)
    assert (t.loc["full_sibling", "case_relatives"], t.loc["full_sibling", "relatives"]) == (2, 4)
    assert t.loc["full_sibling", "K_R"] == pytest.approx(0.5)
    assert t.loc["full_sibling", "lambda"] == pytest.approx(2.5)


def test_gif_example() -> None:
    # Cases: the full siblings 3 and 4 and the unrelated person 8.
    ds = sibling_family(
        [(3, 8, "perpetrator", "2017-01-01", "police"), (3, 9, "victim", "2017-01-01", "police")]
    )
    r = fg.indicators.gif(ds, window=WIDE, n_sim=0, min_cell=0).table.iloc[0]
    assert r.n_cases == 3 and r.n_pairs == 3
    assert r.gif == pytest.approx(1e5 * 0.25 / 3)
    assert approx(r.gif, 1) == 8333.3


def test_fir_example() -> None:
    persons = [
        (1, "F", "1930-01-01", "1999-01-01", None, None),  # grandmother, died before the window
        (2, "F", "1960-01-01", None, 1, None),  # mother: a case
        (3, "M", "1958-01-01", "1999-06-01", None, None),  # father, died before the window
        (4, "F", "1990-01-01", None, 2, 3),  # i
        (5, "F", "1992-01-01", None, 2, 3),  # sister, not a case
        (6, "M", "1970-01-01", None, None, None),  # victim of the mother's incident
    ]
    events = [(1, 2, "perpetrator", "2015-01-01", "police"), (1, 6, "victim", "2015-01-01", "police")]
    r = fg.indicators.fir(dataset(persons, events), window=("2000-01-01", "2025-12-31"), min_cell=0)
    assert r.extra["values"].loc[4] == pytest.approx(0.5)


def test_repeat_incidents_example() -> None:
    persons = [(1, "F", "1980", None, None, None), (2, "M", "1980", None, None, None)]
    window = ("2015-01-01", "2025-12-31")
    base = [
        (7, 1, "victim", "2015-03-01", "police"),
        (12, 1, "victim", "2016-03-01", "police"),
        (20, 2, "victim", "2025-06-01", "police"),
    ]
    with_same_day = dataset(persons, [*base, (9, 1, "victim", "2015-03-01", "police")])
    t = fg.indicators.repeat_incidents(with_same_day, window=window, T=365, min_cell=0).table
    person = t.set_index("unit").loc["person"]
    assert (person["n"], person["repeat"]) == (1, 1)  # person 2 is not in the denominator
    t = fg.indicators.repeat_incidents(dataset(persons, base), window=window, T=365, min_cell=0).table
    person = t.set_index("unit").loc["person"]
    assert (person["n"], person["repeat"]) == (1, 0)  # 2016-03-01 is one day after t0 + 365


# ---- indicators 5 and 6 --------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "preceded"), [("2019-09-01", (1, 1, 1)), ("2019-06-01", (0, 1, 1))])
def test_early_signalling_example(start: str, preceded: tuple[int, int, int]) -> None:
    persons = [(1, "F", "1980", None, None, None)]
    ds = dataset(
        persons, [(1, 1, "victim", "2020-06-01", "police")], [(1, "youth_care", start, "2019-12-01")]
    )
    r = fg.indicators.early_signalling(ds, window=("2020-01-01", "2025-12-31"), min_cell=0)
    t = r.table.query("organisation == 'all' and population == 'first_incidents'").set_index("years")
    assert tuple(int(approx(t.loc[y, "preceded"], 0)) for y in (1, 2, 5)) == preceded
    if start == "2019-09-01":
        assert r.tables["lead_time"].iloc[0]["median"] == 274


def test_agency_overlap_example() -> None:
    persons = [(i, "F", "1980", None, None, None) for i in (1, 2, 3)]
    events = [(1, 1, "victim", "2020-01-01", "police"), (2, 2, "victim", "2021-01-01", "police")]
    contacts = [(1, "veilig_thuis", "2019-06-01", None), (3, "gp", "2010-01-01", "2010-02-01")]
    r = fg.indicators.agency_overlap(
        dataset(persons, events, contacts), window=("2020-01-01", "2025-12-31"), min_cell=0
    )
    combos = r.table.query("unit == 'person'").set_index("combination")["count"]
    assert dict(combos[combos > 0]) == {"police+veilig_thuis": 1, "police": 1}
    pairs = r.tables["pairs"].query("unit == 'person'")
    pv = pairs[(pairs.organisation_a == "police") & (pairs.organisation_b == "veilig_thuis")].iloc[0]
    assert (pv.both, pv.either, pv.jaccard) == (1, 2, 0.5)
    known = r.tables["known"].set_index("unit").loc["person"]
    assert (known.known_1plus, known.known_2plus, known.share) == (2, 1, 0.5)
