"""famgraph.stats through the Python bindings, against established implementations.

References: statsmodels (proportion_confint 'wilson' and 'beta'; Table2x2 risk ratio / odds ratio
and their 'normal' intervals, which are Katz's and Woolf's; Logit), lifelines (KaplanMeierFitter
with its default exponential-Greenwood "log(-log)" interval; logrank_test) and numpy.quantile.
Newcombe's method 10 has no statsmodels function, so an independent implementation from the paper
is written below (Wilson limits as the roots of the score quadratic, not the centre ± half-width
form the library uses) and pinned to the paper's Table II.

Where an established implementation and docs/spec/common_rules.md §two-by-two-tables disagree, the
test says so and checks that famgraph follows the specification:
- statsmodels Table2x2(shift_zeros=True) replaces only the zero cells by 0.5 and does it for the
  risk ratio too; the specification adds 0.5 to all four cells, for the odds ratio only.
- lifelines reports the log(-log) interval as [0, 0] once S = 0; famgraph leaves it undefined.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lifelines import KaplanMeierFitter
from lifelines.statistics import logrank_test
from scipy.optimize import linprog
from scipy.stats import norm
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.proportion import proportion_confint

import famgraph.stats as fs

Z = 1.959963984540054

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

levels = st.sampled_from([0.8, 0.9, 0.95, 0.99])


@st.composite
def k_of_n(draw: st.DrawFn, max_n: int = 2000) -> tuple[int, int]:
    n = draw(st.integers(1, max_n))
    k = draw(st.one_of(st.just(0), st.just(n), st.integers(0, n)))
    return k, n


cells = st.one_of(st.just(0), st.integers(0, 5), st.integers(0, 300))
tables = st.tuples(cells, cells, cells, cells)


# ---------------------------------------------------------------------------------------------
# z and single proportions
# ---------------------------------------------------------------------------------------------
def test_z_is_the_contract_constant() -> None:
    assert fs.z() == Z
    assert fs.z975 == Z
    assert fs.z(0.95) == norm.ppf(0.975)  # scipy's ppf gives the same double
    for level in (0.5, 0.8, 0.9, 0.99, 0.999999):
        assert fs.z(level) == pytest.approx(norm.isf((1 - level) / 2), rel=1e-14)
    with pytest.raises(ValueError):
        fs.z(1.0)


@SETTINGS
@given(k_of_n(), levels)
def test_wilson_matches_statsmodels(kn: tuple[int, int], level: float) -> None:
    k, n = kn
    got = fs.wilson(k, n, level)
    assert got is not None
    lo, hi = proportion_confint(k, n, alpha=1 - level, method="wilson")
    # statsmodels' critical value (norm.isf) can be 1 ulp away from ours.
    assert got["lower"] == pytest.approx(lo, rel=1e-12, abs=1e-14)
    assert got["upper"] == pytest.approx(hi, rel=1e-12, abs=1e-14)
    assert got["estimate"] == k / n
    if k == 0:
        assert got["lower"] == 0.0
    if k == n:
        assert got["upper"] == 1.0


@SETTINGS
@given(k_of_n(), levels)
def test_clopper_pearson_matches_statsmodels_beta(kn: tuple[int, int], level: float) -> None:
    k, n = kn
    got = fs.clopper_pearson(k, n, level)
    assert got is not None
    lo, hi = proportion_confint(k, n, alpha=1 - level, method="beta")
    # Boost and scipy invert the incomplete beta function independently.
    assert got["lower"] == pytest.approx(lo, rel=1e-10, abs=1e-14)
    assert got["upper"] == pytest.approx(hi, rel=1e-10, abs=1e-14)
    assert (got["lower"] == 0.0) == (k == 0)
    assert (got["upper"] == 1.0) == (k == n)


def test_proportions_undefined_and_invalid() -> None:
    assert fs.wilson(0, 0) is None
    assert fs.clopper_pearson(0, 0) is None
    with pytest.raises(ValueError):
        fs.wilson(3, 2)
    with pytest.raises(ValueError):
        fs.wilson(-1, 2)
    with pytest.raises(TypeError):
        fs.wilson(True, 2)
    with pytest.raises(ValueError):
        fs.clopper_pearson(1, 2, level=0.0)


# ---------------------------------------------------------------------------------------------
# Newcombe method 10, independently
# ---------------------------------------------------------------------------------------------
def wilson_roots(k: int, n: int, z: float) -> tuple[float, float]:
    """Wilson limits as the two roots in π of (p − π)² = z²·π(1 − π)/n, p = k/n:
    (n + z²)·π² − (2k + z²)·π + k²/n = 0 (Wilson 1927; Newcombe 1998, method 3)."""
    a = n + z * z
    b = -(2 * k + z * z)
    c = k * k / n
    disc = math.sqrt(max(b * b - 4 * a * c, 0.0))
    return (-b - disc) / (2 * a), (-b + disc) / (2 * a)


def newcombe_reference(k1: int, n1: int, k2: int, n2: int, z: float) -> tuple[float, float, float]:
    """Newcombe (1998) method 10: δ − sqrt((p1 − l1)² + (u2 − p2)²), δ + sqrt((u1 − p1)² + (p2 − l2)²)."""
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson_roots(k1, n1, z)
    l2, u2 = wilson_roots(k2, n2, z)
    d = p1 - p2
    return d, d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


NEWCOMBE_TABLE_II = [  # Newcombe 1998, Table II, method 10 (4 decimals, z = 1.96)
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((6, 7, 2, 7), (0.0582, 0.8062)),
    ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ((0, 10, 0, 20), (-0.1611, 0.2775)),
    ((0, 10, 0, 10), (-0.2775, 0.2775)),
    ((10, 10, 0, 20), (0.6791, 1.0000)),
    ((10, 10, 0, 10), (0.6075, 1.0000)),
]


@pytest.mark.parametrize(("args", "published"), NEWCOMBE_TABLE_II)
def test_newcombe_table_ii(args: tuple[int, int, int, int], published: tuple[float, float]) -> None:
    ref = newcombe_reference(*args, z=1.96)
    # The reference reproduces the paper to its 4 decimals (6e-5: the paper prints 0.80625 as 0.8062).
    assert ref[1:] == pytest.approx(published, abs=6e-5)
    got = fs.newcombe(*args)
    assert got is not None
    assert (got["lower"], got["upper"]) == pytest.approx(published, abs=6e-5)


@SETTINGS
@given(k_of_n(500), k_of_n(500), levels)
def test_newcombe_matches_independent_implementation(
    g1: tuple[int, int], g2: tuple[int, int], level: float
) -> None:
    (k1, n1), (k2, n2) = g1, g2
    z = norm.isf((1 - level) / 2)
    d, lo, hi = newcombe_reference(k1, n1, k2, n2, z)
    got = fs.newcombe(k1, n1, k2, n2, level)
    assert got is not None
    assert got["estimate"] == pytest.approx(d, abs=1e-15)
    assert got["lower"] == pytest.approx(lo, abs=1e-9)
    assert got["upper"] == pytest.approx(hi, abs=1e-9)
    assert -1.0 <= got["lower"] <= got["estimate"] <= got["upper"] <= 1.0
    r = fs.two_by_two(k1, n1 - k1, k2, n2 - k2, level)
    assert r["risk_difference"] == got


# ---------------------------------------------------------------------------------------------
# 2×2 tables
# ---------------------------------------------------------------------------------------------
def check_ratio(got: dict[str, float | None] | None, value: float, ci: tuple[float, float]) -> None:
    assert got is not None
    assert got["estimate"] == pytest.approx(value, rel=1e-12)
    assert got["lower"] == pytest.approx(ci[0], rel=1e-11)
    assert got["upper"] == pytest.approx(ci[1], rel=1e-11)


@SETTINGS
@given(tables, levels)
def test_two_by_two_against_statsmodels_and_the_contract(
    cells4: tuple[int, int, int, int], level: float
) -> None:
    a, b, c, d = cells4
    r = fs.two_by_two(a, b, c, d, level)
    n1, n2 = a + b, c + d
    assert r["table"] == {
        "exposed": {"outcome": a, "no_outcome": b},
        "unexposed": {"outcome": c, "no_outcome": d},
    }
    assert r["level"] == level
    alpha = 1 - level

    # risks: Wilson per group, none for an empty group
    for k, n, key in ((a, n1, "risk_exposed"), (c, n2, "risk_unexposed")):
        if n == 0:
            assert r[key] is None
        else:
            lo, hi = proportion_confint(k, n, alpha=alpha, method="wilson")
            assert r[key]["estimate"] == k / n
            assert (r[key]["lower"], r[key]["upper"]) == pytest.approx((lo, hi), rel=1e-12, abs=1e-14)

    if n1 == 0 or n2 == 0:  # an empty group: nothing is compared, nothing corrected
        assert r["risk_ratio"] is None
        assert r["odds_ratio"] is None
        assert r["risk_difference"] is None
        assert r["or_raw"] is None
        assert r["or_corrected"] is False
        return

    raw = np.array([[a, b], [c, d]], dtype=float)
    # risk ratio on the raw cells (statsmodels with shift_zeros=False); Katz = its 'normal' interval
    if c == 0:
        assert r["risk_ratio"] is None
    elif a == 0:
        assert r["risk_ratio"] == {"estimate": 0.0, "lower": None, "upper": None}
    else:
        t = Table2x2(raw, shift_zeros=False)
        check_ratio(r["risk_ratio"], t.riskratio, t.riskratio_confint(alpha=alpha))
        # Katz: 1/a − 1/n1 + 1/c − 1/n2, written without cancellation as b/(a·n1) + d/(c·n2).
        katz = math.sqrt(b / (a * n1) + d / (c * n2))
        assert t.log_riskratio_se == pytest.approx(katz, rel=1e-10, abs=1e-15)

    # odds ratio: Woolf = statsmodels' 'normal' interval, on the cells + ½ when any cell is 0
    corrected = 0 in (a, b, c, d)
    assert r["or_corrected"] is corrected
    t_or = Table2x2(raw + 0.5 if corrected else raw, shift_zeros=False)
    check_ratio(r["odds_ratio"], t_or.oddsratio, t_or.oddsratio_confint(alpha=alpha))
    woolf = math.sqrt(sum(1 / (x + 0.5 * corrected) for x in (a, b, c, d)))
    assert t_or.log_oddsratio_se == pytest.approx(woolf, rel=1e-12)
    if b * c == 0:
        assert r["or_raw"] is None
    else:
        assert r["or_raw"] == pytest.approx(a * d / (b * c), rel=1e-15)

    # risk difference: Newcombe, independent implementation
    dd, lo, hi = newcombe_reference(a, n1, c, n2, norm.isf(alpha / 2))
    rd = r["risk_difference"]
    assert rd["estimate"] == pytest.approx(dd, abs=1e-15)
    assert (rd["lower"], rd["upper"]) == pytest.approx((lo, hi), abs=1e-9)


def test_two_by_two_textbook_values() -> None:
    r = fs.two_by_two(15, 85, 5, 95)
    assert r["risk_ratio"]["estimate"] == pytest.approx(3.0, rel=1e-15)
    assert (r["risk_ratio"]["lower"], r["risk_ratio"]["upper"]) == pytest.approx(
        (1.1333585961897883, 7.940999459709297), rel=1e-13
    )
    assert r["odds_ratio"]["estimate"] == pytest.approx(57 / 17, rel=1e-15)
    assert (r["odds_ratio"]["lower"], r["odds_ratio"]["upper"]) == pytest.approx(
        (1.1691342325734824, 9.61584582817814), rel=1e-13
    )
    assert (r["risk_difference"]["lower"], r["risk_difference"]["upper"]) == pytest.approx(
        (0.016004161952179588, 0.18758708892043757), rel=1e-13
    )


def test_zero_cell_correction_differs_from_statsmodels_default() -> None:
    """The spec adds ½ to all four cells; statsmodels' default shift_zeros replaces only the zeros."""
    r = fs.two_by_two(4, 0, 2, 6)
    assert r["or_corrected"] is True
    assert r["odds_ratio"]["estimate"] == pytest.approx(4.5 * 6.5 / (0.5 * 2.5))  # 23.4
    sm_default = Table2x2(np.array([[4, 0], [2, 6]]))
    assert sm_default.oddsratio == pytest.approx(4 * 6 / (0.5 * 2))  # 48: a different number
    # ... and statsmodels shifts the risk ratio too (4/4.5)/(2/8); the spec keeps it raw: (4/4)/(2/8).
    assert sm_default.riskratio == pytest.approx((4 / 4.5) / (2 / 8))
    assert r["risk_ratio"]["estimate"] == pytest.approx(4.0)


def test_two_by_two_rejects_bad_counts() -> None:
    with pytest.raises(ValueError):
        fs.two_by_two(-1, 2, 3, 4)
    with pytest.raises(TypeError):
        fs.two_by_two(1.5, 2, 3, 4)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        fs.two_by_two(1, 2, 3, 4, level=1.2)
    # numpy integers are counts too
    assert fs.two_by_two(np.int64(1), 2, 3, 4)["or_raw"] == pytest.approx(4 / 6)


# ---------------------------------------------------------------------------------------------
# Kaplan–Meier and log-rank
# ---------------------------------------------------------------------------------------------
@st.composite
def survival_data(draw: st.DrawFn, min_size: int = 1) -> tuple[list[float], list[int]]:
    n = draw(st.integers(min_size, 60))
    max_t = draw(st.sampled_from([3, 10, 400]))  # few distinct times → many ties
    times = draw(st.lists(st.integers(0, max_t), min_size=n, max_size=n))
    events = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    return [float(t) for t in times], events


def greenwood_reference(times: list[float], events: list[int]) -> pd.DataFrame:
    """Counts per distinct time and Σ d/(n(n − d)), written out directly."""
    df = pd.DataFrame({"t": times, "e": events})
    rows = []
    at_risk = len(df)
    s, acc = 1.0, 0.0
    for t, g in df.groupby("t", sort=True):
        d = int(g["e"].sum())
        c = len(g) - d
        if d:
            s *= 1 - d / at_risk
            acc = acc + d / (at_risk * (at_risk - d)) if d < at_risk else math.inf
        rows.append((t, at_risk, d, c, s, s * s * acc if s > 0 else math.nan))
        at_risk -= d + c
    return pd.DataFrame(rows, columns=["time", "at_risk", "events", "censored", "survival", "variance"])


@SETTINGS
@given(survival_data(), levels)
def test_kaplan_meier_matches_lifelines(data: tuple[list[float], list[int]], level: float) -> None:
    times, events = data
    km = fs.kaplan_meier(times, events, level)
    ref = greenwood_reference(times, events)
    pd.testing.assert_frame_equal(
        km[["time", "at_risk", "events", "censored"]].astype("int64"),
        ref[["time", "at_risk", "events", "censored"]].astype("int64"),
    )
    np.testing.assert_allclose(km["survival"], ref["survival"], rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(km["variance"], ref["variance"], rtol=1e-12, atol=1e-15)
    assert km.attrs["n"] == len(times)
    assert km.attrs["n_events"] == sum(events)

    kmf = KaplanMeierFitter().fit(times, event_observed=events, alpha=1 - level)
    sf = kmf.survival_function_.iloc[:, 0].reindex(km["time"])
    ci = kmf.confidence_interval_.reindex(km["time"])
    np.testing.assert_allclose(km["survival"], sf.to_numpy(), rtol=1e-12, atol=1e-14)
    positive = (km["survival"] > 0).to_numpy()
    np.testing.assert_allclose(km["lower"][positive], ci.iloc[:, 0][positive], rtol=1e-9, atol=1e-13)
    np.testing.assert_allclose(km["upper"][positive], ci.iloc[:, 1][positive], rtol=1e-9, atol=1e-13)
    # S = 0: lifelines prints [0, 0]; the spec's log(-log) interval does not exist there.
    assert km["lower"][~positive].isna().all()
    assert km["variance"][~positive].isna().all()
    assert (ci.iloc[:, 0][~positive] == 0).all()
    # cumulative incidence = 1 − S with the mirrored interval
    np.testing.assert_allclose(km["cumulative_incidence"], 1 - km["survival"], rtol=0, atol=1e-15)
    np.testing.assert_allclose(km["cumulative_incidence_lower"], 1 - km["upper"], rtol=0, atol=1e-15)
    np.testing.assert_allclose(km["cumulative_incidence_upper"], 1 - km["lower"], rtol=0, atol=1e-15)
    assert ((km["lower"] <= km["survival"]) | km["lower"].isna()).all()
    assert ((km["survival"] <= km["upper"]) | km["upper"].isna()).all()


def test_kaplan_meier_hand_example_and_edges() -> None:
    km = fs.kaplan_meier([1, 2, 2, 3, 3, 3, 5, 6], [1, 1, 0, 1, 1, 0, 0, True])
    assert km["survival"].tolist() == pytest.approx([0.875, 0.75, 0.45, 0.45, 0.0])
    assert km["variance"].tolist()[:4] == pytest.approx([0.013671875, 0.0234375, 0.0354375, 0.0354375])
    empty = fs.kaplan_meier([], [])
    assert len(empty) == 0
    assert empty.attrs["n"] == 0
    with pytest.raises(ValueError):
        fs.kaplan_meier([1, 2], [1, 2])  # an event code other than 0/1
    with pytest.raises(ValueError):
        fs.kaplan_meier([1, 2], [1])
    with pytest.raises(ValueError):
        fs.kaplan_meier([1, np.nan], [1, 0])


@SETTINGS
@given(survival_data(), survival_data())
def test_logrank_matches_lifelines(
    a: tuple[list[float], list[int]], b: tuple[list[float], list[int]]
) -> None:
    r = fs.logrank(a[0], a[1], b[0], b[1])
    assert r["observed_a"] == sum(a[1])
    assert r["observed_b"] == sum(b[1])
    assert r["expected_a"] + r["expected_b"] == pytest.approx(sum(a[1]) + sum(b[1]))
    assert r["df"] == 1
    if r["chi2"] is None:
        # No event time with both groups at risk: nothing to test (lifelines would divide by 0).
        assert r["variance"] == 0.0
        assert r["p_value"] is None
        return
    ref = logrank_test(a[0], b[0], event_observed_A=a[1], event_observed_B=b[1])
    assert r["chi2"] == pytest.approx(ref.test_statistic, rel=1e-9, abs=1e-12)
    assert r["p_value"] == pytest.approx(ref.p_value, rel=1e-9, abs=1e-15)


def test_logrank_hand_example() -> None:
    r = fs.logrank([1, 2, 3, 4], [1, 1, 0, 1], [2, 3, 5, 6], [1, 1, 0, 1])
    assert r["expected_a"] == pytest.approx(439 / 210, rel=1e-15)
    assert r["variance"] == pytest.approx(49409 / 44100, rel=1e-15)
    assert r["chi2"] == pytest.approx(36481 / 49409, rel=1e-14)
    assert r["p_value"] == pytest.approx(math.erfc(math.sqrt(36481 / 49409 / 2)), rel=1e-12)


# ---------------------------------------------------------------------------------------------
# logistic regression
# ---------------------------------------------------------------------------------------------
def separated(X: np.ndarray, y: np.ndarray) -> bool:
    """Albert & Anderson (1984): the MLE fails to exist iff some β ≠ 0 has s_i·x_iβ ≥ 0 for all i
    (s = 2y − 1) with Xβ ≠ 0. With full column rank that is: max Σ s_i·x_iβ subject to
    s_i·x_iβ ≥ 0 and |β_j| ≤ 1 is positive."""
    s = 2 * y - 1
    A = s[:, None] * X
    res = linprog(
        -A.sum(axis=0), A_ub=-A, b_ub=np.zeros(len(y)), bounds=[(-1, 1)] * X.shape[1], method="highs"
    )
    assert res.status == 0
    return bool(-res.fun > 1e-7)


@st.composite
def logistic_data(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    n = draw(st.integers(8, 80))
    p = draw(st.integers(1, 3))
    kind = draw(st.sampled_from(["int", "float", "binary"]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    if kind == "int":
        X = rng.integers(-3, 4, size=(n, p)).astype(float)
    elif kind == "binary":
        X = rng.integers(0, 2, size=(n, p)).astype(float)
    else:
        X = rng.normal(size=(n, p)) * rng.choice([0.5, 1.0, 10.0])
    beta = rng.normal(size=p) * draw(st.sampled_from([0.3, 1.0, 2.5]))
    eta = draw(st.sampled_from([-2.0, 0.0, 1.0])) + X @ beta
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    return X, y


@SETTINGS
@given(logistic_data())
def test_logistic_matches_statsmodels_or_refuses_separation(data: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = data
    Xc = np.column_stack([np.ones(len(y)), X])
    if np.linalg.matrix_rank(Xc) < Xc.shape[1]:
        with pytest.raises(fs.RankDeficientError):
            fs.logistic(X, y, add_intercept=True)
        return
    if separated(Xc, y):
        with pytest.raises(fs.ConvergenceError):
            fs.logistic(X, y, add_intercept=True)
        return
    fit = fs.logistic(X, y, add_intercept=True)
    ref = sm.Logit(y, Xc).fit(method="newton", maxiter=200, tol=1e-12, disp=0)
    assert ref.mle_retvals["converged"]
    tab = fit["table"]
    assert fit["converged"] is True
    np.testing.assert_allclose(tab["coef"], ref.params, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(tab["se"], ref.bse, rtol=1e-6, atol=1e-8)
    ci = ref.conf_int(alpha=0.05)
    np.testing.assert_allclose(tab["lower"], ci[:, 0], rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(tab["upper"], ci[:, 1], rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(tab["odds_ratio"], np.exp(ref.params), rtol=1e-6)
    assert fit["log_likelihood"] == pytest.approx(ref.llf, rel=1e-10)
    np.testing.assert_allclose(fit["covariance"].to_numpy(), ref.cov_params(), rtol=1e-6, atol=1e-10)


def test_logistic_two_by_two_equals_woolf_and_names() -> None:
    a, b, c, d = 15, 85, 5, 95
    x = [1] * (a + b) + [0] * (c + d)
    y = [1] * a + [0] * b + [1] * c + [0] * d
    fit = fs.logistic(pd.DataFrame({"exposed": x}), y, add_intercept=True)
    tab = fit["table"]
    assert list(tab.index) == ["intercept", "exposed"]
    r = fs.two_by_two(a, b, c, d)
    assert tab.loc["exposed", "odds_ratio"] == pytest.approx(r["odds_ratio"]["estimate"], rel=1e-10)
    assert tab.loc["exposed", "or_lower"] == pytest.approx(r["odds_ratio"]["lower"], rel=1e-10)
    assert tab.loc["exposed", "or_upper"] == pytest.approx(r["odds_ratio"]["upper"], rel=1e-10)
    named = fs.logistic(np.array(x, dtype=float), y, names=["exp"], add_intercept=True)
    assert list(named["table"].index) == ["intercept", "exp"]


def test_logistic_errors() -> None:
    with pytest.raises(fs.ConvergenceError, match="separation"):
        fs.logistic([0, 0, 0, 1, 1, 1], [0, 0, 0, 1, 1, 1], add_intercept=True)
    with pytest.raises(fs.RankDeficientError):
        fs.logistic(np.array([[1, 2], [2, 4], [3, 6], [1, 2]]), [0, 1, 0, 1])
    assert issubclass(fs.ConvergenceError, fs.LogisticError)
    assert issubclass(fs.RankDeficientError, RuntimeError)
    with pytest.raises(ValueError):
        fs.logistic([0, 1, 2], [0, 1, 2])
    with pytest.raises(ValueError):
        fs.logistic([[0, 1]], [0], names=["a"])


# ---------------------------------------------------------------------------------------------
# quantiles
# ---------------------------------------------------------------------------------------------
finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)


@SETTINGS
@given(st.lists(finite, min_size=1, max_size=50), st.floats(0.0, 1.0))
def test_quantile_equals_numpy_bit_for_bit(x: list[float], q: float) -> None:
    assert fs.quantile(x, q) == np.quantile(np.array(x), q)
    want = np.quantile(np.array(x), [0.25, 0.5, 0.75])
    assert fs.quartiles(x) == {"q1": want[0], "median": want[1], "q3": want[2]}
    assert fs.median(x) == want[1]
    # np.median averages the two middle values instead of interpolating: equal up to rounding
    # (relative to the data's magnitude, as b − a may cancel).
    scale = max(abs(v) for v in x)
    assert fs.median(x) == pytest.approx(np.median(np.array(x)), rel=0, abs=4e-16 * scale + 1e-300)


def test_quantile_edges() -> None:
    assert fs.quantile([], 0.5) is None
    assert fs.quartiles([]) is None
    assert fs.quantile([3], 0.7) == 3.0
    assert fs.quantile([10, 3, 1, 4, 2], 0.25) == 2.0
    with pytest.raises(ValueError):
        fs.quantile([1, 2], 1.5)
    with pytest.raises(ValueError):
        fs.quantile([1, np.nan], 0.5)
    # integer lead times in days
    assert fs.quartiles(np.array([30, 7, 365, 90], dtype=np.int32)) == {
        "q1": 24.25,
        "median": 60.0,
        "q3": 158.75,
    }
