"""Stratified and follow-up-aware estimators of famgraph.stats against established implementations.

References:
- Mantel–Haenszel: statsmodels ``StratifiedTable`` (oddsratio_pooled, logodds_pooled_se,
  oddsratio_pooled_confint, riskratio_pooled, test_null_odds, test_equal_odds). statsmodels has no
  variance of the pooled risk ratio or risk difference: the Greenland–Robins (1985) RR variance and
  Sato's (1989) RD variance are checked against independent implementations written below from the
  papers' formulas (per-stratum risks, not the library's cell products); the hand-derived
  textbook example (UGDP tolbutamide data) and R's mantelhaen.test output are in
  tests/cpp/test_stats_matched.cpp.
- Conditional logistic regression: statsmodels ``ConditionalLogit(...).fit(method="newton")``
  (params, bse, llf); the 2×2 fast path against the general path on the expanded persons.
- Cox: lifelines ``CoxPHFitter`` (Efron) and statsmodels ``PHReg`` (Breslow and Efron), stratified.
- Rates: statsmodels ``confint_poisson(method="exact-c")``, ``confint_poisson_2indep(method=
  "wald-log")``; the exact conditional interval against statsmodels' Clopper–Pearson
  ``proportion_confint(method="beta")`` mapped to the rate ratio (statsmodels 0.15 has no
  "exact-cond" interval, only the test).

Where statsmodels handles degenerate strata differently (documented in docs/statistics.md):
- a stratum with a degenerate margin (nobody exposed/unexposed, no case/non-case) or n <= 1 gives
  NaN in statsmodels' CMH variance (n − 1 = 0) and Breslow–Day (0/0) and counts in its Breslow–Day
  degrees of freedom; famgraph skips such strata (they carry no information). The tests compare
  statsmodels on the informative strata with famgraph on all strata.
- statsmodels' continuity-corrected CMH statistic is (|O − E| − ½)² even when |O − E| < ½; famgraph
  (like R's mantelhaen.test) applies the correction only when |O − E| >= ½.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lifelines import CoxPHFitter
from scipy.stats import norm
from statsmodels.discrete.conditional_models import ConditionalLogit
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.stats.contingency_tables import StratifiedTable
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.rates import confint_poisson, confint_poisson_2indep

import famgraph.stats as fs

REL = 1e-6

SETTINGS = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
SLOW = settings(SETTINGS, max_examples=12)
PERSON_TIME = st.one_of(st.just(0.0), st.floats(1e-6, 1e3))

levels = st.sampled_from([0.9, 0.95, 0.99])
cell = st.one_of(st.just(0), st.integers(0, 3), st.integers(0, 40))
table = st.tuples(cell, cell, cell, cell)


def close(a: float, b: float, rel: float = REL, abs_: float = 1e-12) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


def informative(t: tuple[int, int, int, int]) -> bool:
    a, b, c, d = t
    return a + b > 0 and c + d > 0 and a + c > 0 and b + d > 0


# ---------------------------------------------------------------------------------------------
# Mantel–Haenszel
# ---------------------------------------------------------------------------------------------
def gr_rr_variance(tables: list[tuple[int, int, int, int]]) -> tuple[float, float]:
    """RR_MH and Var(log RR_MH) of Greenland & Robins (1985), written with the stratum risks
    p1 = a/n1, p0 = c/n0 and weights w = n1·n0/n: RR = Σ w·p1 / Σ w·p0 and
    Var = Σ w·(m1/n − p1·p0) / (Σ w·p1 · Σ w·p0)."""
    num = den = var = 0.0
    for a, b, c, d in tables:
        n1, n0 = a + b, c + d
        if n1 == 0 or n0 == 0 or a + c == 0:
            continue
        n = n1 + n0
        p1, p0 = a / n1, c / n0
        w = n1 * n0 / n
        num += w * p1
        den += w * p0
        var += w * ((p1 * n1 + p0 * n0) / n) - w * p1 * p0
    return num / den, var / (num * den)


def sato_rd_variance(tables: list[tuple[int, int, int, int]]) -> tuple[float, float]:
    """RD_MH and Sato's (1989) variance, Biometrics 45:1323, in the paper's P/Q form."""
    w_sum = rd_num = p_sum = q_sum = 0.0
    for a, b, c, d in tables:
        n1, n0 = a + b, c + d
        if n1 == 0 or n0 == 0:
            continue
        n = n1 + n0
        w = n1 * n0 / n
        w_sum += w
        rd_num += w * (a / n1 - c / n0)
        p_sum += (n1**2 * c - n0**2 * a + n1 * n0 * (n0 - n1) / 2) / n**2
        q_sum += (a * (n0 - c) + c * (n1 - a)) / (2 * n)
    rd = rd_num / w_sum
    return rd, (rd * p_sum + q_sum) / w_sum**2


@SETTINGS
@given(st.lists(table, min_size=1, max_size=8), levels)
def test_mantel_haenszel_matches_statsmodels(tables: list[tuple[int, int, int, int]], level: float) -> None:
    got = fs.mantel_haenszel(np.array(tables, dtype=np.int64).reshape(-1, 4), level=level)
    inf = [t for t in tables if informative(t)]
    assert got["n_strata"] == len(tables)
    assert got["n_informative"] == len(inf)
    if not inf:
        assert got["odds_ratio"] is None and got["cmh"] is None and got["breslow_day"] is None
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        sm = StratifiedTable([np.array(t, dtype=float).reshape(2, 2) for t in inf])
        R = sum(a * d / (a + b + c + d) for a, b, c, d in inf)
        S = sum(b * c / (a + b + c + d) for a, b, c, d in inf)
        if S == 0:
            assert got["odds_ratio"] is None
        elif R == 0:
            assert got["odds_ratio"] == {"estimate": 0.0, "se": None, "lower": None, "upper": None}
        else:
            o = got["odds_ratio"]
            assert close(o["estimate"], sm.oddsratio_pooled)
            assert close(o["se"], sm.logodds_pooled_se)
            lo, hi = sm.oddsratio_pooled_confint(alpha=1 - level)
            assert close(o["lower"], lo) and close(o["upper"], hi)
        # CMH test of OR = 1, both forms.
        t0 = sm.test_null_odds(correction=False)
        assert close(got["cmh"]["statistic"], t0.statistic, abs_=1e-12)
        assert close(got["cmh"]["p_value"], t0.pvalue, abs_=1e-12)
        if abs(got["cmh_difference"]) >= 0.5:
            t1 = sm.test_null_odds(correction=True)
            assert close(got["cmh_corrected"]["statistic"], t1.statistic, abs_=1e-12)
            assert close(got["cmh_corrected"]["p_value"], t1.pvalue, abs_=1e-12)
        else:  # statsmodels would square a negative |O − E| − ½
            assert got["cmh_corrected"]["statistic"] == got["cmh"]["statistic"]
        # Breslow–Day (statsmodels' root loses all digits at OR_MH = 1 exactly: 0/0).
        if len(inf) >= 2 and R > 0 and S > 0 and abs(R / S - 1) > 1e-6:
            for adjust, key in ((False, "breslow_day"), (True, "breslow_day_tarone")):
                bd = sm.test_equal_odds(adjust=adjust)
                assert got[key]["df"] == len(inf) - 1
                assert close(got[key]["statistic"], max(bd.statistic, 0.0), rel=1e-6, abs_=1e-9)
                assert close(got[key]["p_value"], bd.pvalue, rel=1e-6, abs_=1e-9)
        elif len(inf) < 2 or R == 0 or S == 0:
            assert got["breslow_day"] is None
    # Risk ratio over every stratum with n > 0 (statsmodels: 0/0 for an empty stratum).
    nonempty = [t for t in tables if sum(t) > 0]
    den = sum(c * (a + b) / (a + b + c + d) for a, b, c, d in nonempty)
    num = sum(a * (c + d) / (a + b + c + d) for a, b, c, d in nonempty)
    if den == 0:
        assert got["risk_ratio"] is None
    elif num == 0:
        assert got["risk_ratio"]["estimate"] == 0.0 and got["risk_ratio"]["se"] is None
    else:
        sm_all = StratifiedTable([np.array(t, dtype=float).reshape(2, 2) for t in nonempty])
        rr = got["risk_ratio"]
        assert close(rr["estimate"], sm_all.riskratio_pooled)
        ref_rr, ref_var = gr_rr_variance(tables)
        assert close(rr["estimate"], ref_rr)
        assert close(rr["se"], math.sqrt(ref_var), abs_=1e-12)
        z = norm.isf((1 - level) / 2)
        assert close(rr["lower"], ref_rr * math.exp(-z * math.sqrt(ref_var)), rel=1e-9)
    if got["risk_difference"] is not None:
        ref_rd, ref_rdvar = sato_rd_variance(tables)
        assert close(got["risk_difference"]["estimate"], ref_rd, abs_=1e-12)
        assert close(got["risk_difference"]["se"], math.sqrt(max(ref_rdvar, 0.0)), abs_=1e-12)


@SETTINGS
@given(st.lists(table, min_size=1, max_size=6))
def test_degenerate_strata_add_nothing(tables: list[tuple[int, int, int, int]]) -> None:
    junk = [(0, 0, 0, 0), (1, 0, 0, 0), (0, 0, 0, 1), (4, 3, 0, 0), (0, 0, 2, 5), (0, 3, 0, 9), (2, 0, 5, 0)]
    a = fs.mantel_haenszel(tables)
    b = fs.mantel_haenszel(tables + junk)
    assert b["odds_ratio"] == a["odds_ratio"]
    assert b["cmh"] == a["cmh"]
    assert b["breslow_day"] == a["breslow_day"]
    assert b["n_informative"] == a["n_informative"]


def test_mantel_haenszel_r_example_and_inputs() -> None:
    # R's mantelhaen.test(Rabbits): X-squared = 3.9286, OR 7, CI 1.026713 47.725133.
    rabbits = [(0, 6, 0, 5), (3, 3, 0, 6), (6, 0, 2, 4), (5, 1, 6, 0), (2, 0, 5, 0)]
    df = pd.DataFrame(rabbits, columns=["a", "b", "c", "d"])
    r = fs.mantel_haenszel(df)
    assert r["odds_ratio"]["estimate"] == pytest.approx(7.0, rel=1e-14)
    assert r["odds_ratio"]["lower"] == pytest.approx(1.026713, abs=5e-7)
    assert r["odds_ratio"]["upper"] == pytest.approx(47.725133, abs=5e-7)
    assert round(r["cmh_corrected"]["statistic"], 4) == 3.9286
    assert fs.mantel_haenszel(rabbits) == r  # list of tuples == DataFrame
    with pytest.raises(ValueError, match="lacks column"):
        fs.mantel_haenszel(df.rename(columns={"d": "x"}))
    with pytest.raises(ValueError, match=">= 0"):
        fs.mantel_haenszel([(1, -1, 2, 3)])
    with pytest.raises(ValueError, match="shape"):
        fs.mantel_haenszel([(1, 2, 3)])


# ---------------------------------------------------------------------------------------------
# Conditional logistic regression
# ---------------------------------------------------------------------------------------------
@st.composite
def clr_data(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    seed = draw(st.integers(0, 2**31))
    p = draw(st.integers(1, 3))
    k = draw(st.integers(3, 25))
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 8, size=k)
    g = np.repeat(rng.permutation(10 * k)[:k], sizes)  # arbitrary, unsorted ids
    n = g.size
    X = rng.normal(size=(n, p))
    if p >= 2:
        X[:, 1] = rng.random(n) < 0.4  # a binary covariate
    beta = rng.normal(scale=0.7, size=p)
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ beta)))).astype(float)
    return X, y, g


@SLOW
@given(clr_data())
def test_conditional_logit_matches_statsmodels(data: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    X, y, g = data
    per_group = pd.Series(y).groupby(g).agg(["sum", "size"])
    informative_groups = ((per_group["sum"] > 0) & (per_group["sum"] < per_group["size"])).sum()
    assume(informative_groups >= 3)
    try:
        got = fs.conditional_logit(X, y, g)
    except (fs.ConvergenceError, fs.RankDeficientError):
        assume(False)
        raise
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = ConditionalLogit(y, X, groups=g).fit(method="newton", tol=1e-14, maxiter=200, disp=0)
    np.testing.assert_allclose(got["table"]["coef"], ref.params, rtol=REL, atol=1e-8)
    np.testing.assert_allclose(got["table"]["se"], ref.bse, rtol=REL, atol=1e-8)
    assert close(got["log_likelihood"], ref.llf)
    assert got["n_informative"] == informative_groups
    assert got["n_strata"] == len(per_group)


def expand(tables: list[tuple[int, int, int, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, y, g = [], [], []
    for k, (a, b, c, d) in enumerate(tables):
        for count, xe, yc in ((a, 1, 1), (b, 1, 0), (c, 0, 1), (d, 0, 0)):
            x += [xe] * count
            y += [yc] * count
            g += [k] * count
    return np.array(x, dtype=float), np.array(y, dtype=float), np.array(g)


@SETTINGS
@given(st.lists(table, min_size=1, max_size=6))
def test_conditional_logit_tables_equals_person_level(tables: list[tuple[int, int, int, int]]) -> None:
    inf = [t for t in tables if informative(t)]
    assume(inf)
    lo = sum(max(0, (a + c) - (c + d)) for a, b, c, d in inf)
    hi = sum(min(a + b, a + c) for a, b, c, d in inf)
    s = sum(t[0] for t in inf)
    if s in (lo, hi):  # conditional MLE at 0 or infinity
        with pytest.raises(fs.ConvergenceError):
            fs.conditional_logit_tables(tables)
        return
    fast = fs.conditional_logit_tables(tables)
    x, y, g = expand(tables)
    persons = fs.conditional_logit(x, y, g)
    for col in ("coef", "se"):
        assert close(fast["table"][col].iloc[0], persons["table"][col].iloc[0], rel=1e-8, abs_=1e-10)
    assert close(fast["log_likelihood"], persons["log_likelihood"], rel=1e-10)
    outcome_varies = sum(1 for a, b, c, d in tables if a + c > 0 and b + d > 0)
    assert fast["n_informative"] == persons["n_informative"] == outcome_varies
    assert fast["n_obs"] == persons["n_obs"]


def test_conditional_logit_labels_and_errors() -> None:
    X = pd.DataFrame({"exposed": [1, 0, 1, 0, 0, 1, 1, 0], "age": [3.0, 1, 2, 5, 4, 4, 1, 2]})
    groups = ["a", "a", "b", "b", "c", "c", "d", "d"]  # any hashable labels
    fit = fs.conditional_logit(X, [1, 0] * 4, groups)
    assert list(fit["table"].index) == ["exposed", "age"]
    assert fit["n_strata"] == 4
    with pytest.raises(fs.RankDeficientError, match="column"):
        fs.conditional_logit(X.assign(const=[1, 1, 2, 2, 3, 3, 4, 4]), [1, 0] * 4, groups)
    with pytest.raises(ValueError, match="groups"):
        fs.conditional_logit(X, [1, 0] * 4, groups[:-1])


# ---------------------------------------------------------------------------------------------
# Cox
# ---------------------------------------------------------------------------------------------
@st.composite
def cox_data(draw: st.DrawFn) -> pd.DataFrame:
    seed = draw(st.integers(0, 2**31))
    p = draw(st.integers(1, 3))
    n = draw(st.integers(40, 150))
    n_strata = draw(st.integers(1, 4))
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    if p >= 2:
        X[:, 1] = rng.random(n) < 0.5
    beta = rng.normal(scale=0.5, size=p)
    t = rng.exponential(1.0 / np.exp(X @ beta)) * 12
    c = rng.exponential(15.0, size=n)
    df = pd.DataFrame(X, columns=[f"x{j}" for j in range(p)])
    df["time"] = np.ceil(np.minimum(t, c))  # whole "months": many ties
    df["event"] = (t <= c).astype(int)
    df["s"] = rng.integers(0, n_strata, size=n)
    if n_strata > 1:  # a stratum without events
        extra = pd.DataFrame(rng.normal(size=(5, p)), columns=[f"x{j}" for j in range(p)])
        extra["time"], extra["event"], extra["s"] = rng.integers(1, 10, size=5), 0, 99
        df = pd.concat([df, extra], ignore_index=True)
    return df


@SLOW
@given(cox_data())
def test_cox_matches_lifelines_and_statsmodels(df: pd.DataFrame) -> None:
    covs = [c for c in df.columns if c.startswith("x")]
    try:
        got = fs.cox(df["time"], df["event"], df[covs], strata=df["s"])
    except (fs.ConvergenceError, fs.RankDeficientError):
        assume(False)
        raise
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cph = CoxPHFitter().fit(
            df,
            duration_col="time",
            event_col="event",
            strata=["s"],
            # lifelines' default damped steps stop when the Newton decrement is below `precision`,
            # i.e. with steps of ~√precision left: full steps and 1e-16 converge it to ~1e-10.
            fit_options={"precision": 1e-16, "r_precision": 1e-15, "max_steps": 200, "step_size": 1.0},
        )
    np.testing.assert_allclose(got["table"]["coef"], cph.params_[covs], rtol=REL, atol=1e-8)
    np.testing.assert_allclose(got["table"]["se"], cph.standard_errors_[covs], rtol=REL, atol=1e-8)
    assert close(got["log_likelihood"], cph.log_likelihood_)
    lr = cph.log_likelihood_ratio_test()
    assert close(got["lr_test"]["statistic"], lr.test_statistic, rel=1e-5, abs_=1e-8)
    # Breslow (lifelines has Efron only) against statsmodels' PHReg.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = PHReg(df["time"], df[covs], status=df["event"], strata=df["s"], ties="breslow").fit(
            method="newton", tol=1e-14, maxiter=200, disp=0
        )
    fit = fs.cox(df["time"], df["event"], df[covs], strata=df["s"], ties="breslow")
    np.testing.assert_allclose(fit["table"]["coef"], ref.params, rtol=REL, atol=1e-8)
    np.testing.assert_allclose(fit["table"]["se"], ref.bse, rtol=REL, atol=1e-8)
    assert close(fit["log_likelihood"], ref.llf)


def test_cox_options_and_errors() -> None:
    with pytest.raises(ValueError, match="ties"):
        fs.cox([1, 2], [1, 1], [0, 1], ties="exact")
    with pytest.raises(ValueError, match="0/1"):
        fs.cox([1, 2], [1, 2], [0, 1])
    with pytest.raises(fs.ConvergenceError):
        fs.cox([1, 2, 3, 4], [1, 1, 1, 0], [3, 2, 1, 0])
    fit = fs.cox([1, 2, 3], [1, 1, 1], [1, 0, 1])
    assert fit["table"]["coef"].iloc[0] == pytest.approx(-0.5 * math.log(2), rel=1e-10)


# ---------------------------------------------------------------------------------------------
# Rates
# ---------------------------------------------------------------------------------------------
@SETTINGS
@given(st.integers(0, 500), st.floats(0.5, 1e5), levels)
def test_incidence_rate_matches_statsmodels(k: int, t: float, level: float) -> None:
    r = fs.incidence_rates([k], [t], per=1000.0, level=level).iloc[0]
    lo, hi = confint_poisson(k, t, method="exact-c", alpha=1 - level)
    assert close(r["rate"], k / t * 1000)
    assert close(r["lower"], float(lo) * 1000, abs_=1e-12)
    assert close(r["upper"], float(hi) * 1000)


@SETTINGS
@given(st.integers(0, 300), st.floats(1.0, 1e4), st.integers(0, 300), st.floats(1.0, 1e4), levels)
def test_rate_ratio_matches_statsmodels(k1: int, t1: float, k0: int, t0: float, level: float) -> None:
    r = fs.rate_ratio(k1, t1, k0, t0, level=level)
    if k0 == 0:
        assert r["estimate"] is None and r["exact"] is None
        return
    assert close(r["estimate"], (k1 / t1) / (k0 / t0))
    if k1 > 0:
        lo, hi = confint_poisson_2indep(k1, t1, k0, t0, method="wald-log", compare="ratio", alpha=1 - level)
        assert close(r["wald"]["lower"], float(lo)) and close(r["wald"]["upper"], float(hi))
    else:
        assert r["wald"] is None
    plo, phi = proportion_confint(k1, k1 + k0, alpha=1 - level, method="beta")
    assert close(r["exact"]["lower"], plo / (1 - plo) * t0 / t1, rel=1e-8, abs_=1e-300)
    assert close(r["exact"]["upper"], phi / (1 - phi) * t0 / t1, rel=1e-8)


@SETTINGS
@given(
    st.lists(
        # person-time 0 or at least 1e-6: subnormal times make the oracle's own products underflow
        st.tuples(st.integers(0, 50), PERSON_TIME, st.integers(0, 50), PERSON_TIME),
        min_size=1,
        max_size=8,
    )
)
def test_mantel_haenszel_rate_ratio_formula(strata: list[tuple[int, float, int, float]]) -> None:
    got = fs.mantel_haenszel_rate_ratio(np.array(strata, dtype=float))
    # Greenland & Robins (1985) / Rothman: written with the stratum rate difference weights.
    num = den = var = 0.0
    for k1, t1, k0, t0 in strata:
        if t1 == 0 or t0 == 0:
            continue
        t = t1 + t0
        num += k1 * t0 / t
        den += k0 * t1 / t
        var += (k1 + k0) * t1 * t0 / t**2
    if den == 0:
        assert got["rate_ratio"] is None
    elif num == 0:
        assert got["rate_ratio"]["estimate"] == 0.0 and got["rate_ratio"]["se"] is None
    else:
        assert close(got["rate_ratio"]["estimate"], num / den)
        assert close(got["rate_ratio"]["se"], math.sqrt(var / (num * den)))


# ---------------------------------------------------------------------------------------------
# Number at risk
# ---------------------------------------------------------------------------------------------
@SETTINGS
@given(
    st.lists(st.tuples(st.integers(0, 20), st.booleans(), st.sampled_from("ab")), max_size=60),
    st.lists(st.integers(-1, 22), min_size=1, max_size=6),
)
def test_number_at_risk_brute_force(rows: list[tuple[int, bool, str]], times: list[int]) -> None:
    t = np.array([r[0] for r in rows], dtype=float)
    e = np.array([r[1] for r in rows], dtype=float)
    g = np.array([r[2] for r in rows])
    got = fs.number_at_risk(t, e, times, group=g)
    for label in pd.unique(g):
        mask = g == label
        block = got[got["group"] == label].reset_index(drop=True)
        for i, tt in enumerate(times):
            assert block.loc[i, "at_risk"] == int((t[mask] >= tt).sum())
            assert block.loc[i, "events"] == int(((t[mask] < tt) & (e[mask] == 1)).sum())
            assert block.loc[i, "censored"] == int(((t[mask] < tt) & (e[mask] == 0)).sum())
    plain = fs.number_at_risk(t, e, times)
    assert (plain["at_risk"] + plain["events"] + plain["censored"] == len(rows)).all()
