"""Statistics behind every famgraph indicator (docs/spec/statistics.md), usable on their own.

Thin wrappers over the C++ ``famgraph::stats``: Wilson and Clopper–Pearson intervals, the 2×2
table (Katz risk ratio, Woolf odds ratio with the Haldane–Anscombe correction, Newcombe's
hybrid-score risk difference), Kaplan–Meier with Greenwood variance and the log(−log) interval,
the two-group log-rank test, IRLS logistic regression and numpy-compatible quantiles; and the
stratified, follow-up-aware estimators of docs/statistics.md: Mantel–Haenszel pooled estimates with
the CMH and Breslow–Day tests (:func:`mantel_haenszel`), conditional logistic regression
(:func:`conditional_logit`, and :func:`conditional_logit_tables` for one binary exposure given
per-stratum 2×2 tables), stratified Cox regression (:func:`cox`), incidence rates and rate ratios
(:func:`incidence_rates`, :func:`rate_ratio`, :func:`mantel_haenszel_rate_ratio`) and the
number-at-risk table of a Kaplan–Meier plot (:func:`number_at_risk`).

Conventions: ``level`` is the two-sided confidence level (default 0.95, which uses
z = 1.959963984540054 exactly); an undefined result is ``None`` (``NaN`` inside a DataFrame);
results are plain dicts and DataFrames.

Example
-------
>>> from famgraph import stats
>>> r = stats.two_by_two(a=15, b=85, c=5, d=95)
>>> round(r["risk_ratio"]["estimate"], 6), round(r["risk_ratio"]["lower"], 4)
(3.0, 1.1334)
>>> r["or_corrected"]
False
>>> round(stats.wilson(0, 10)["upper"], 4)
0.2775
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import _core

__all__ = [
    "ConvergenceError",
    "LogisticError",
    "RankDeficientError",
    "clopper_pearson",
    "conditional_logit",
    "conditional_logit_tables",
    "cox",
    "incidence_rates",
    "kaplan_meier",
    "logistic",
    "logrank",
    "mantel_haenszel",
    "mantel_haenszel_rate_ratio",
    "median",
    "newcombe",
    "number_at_risk",
    "quantile",
    "quartiles",
    "rate_ratio",
    "two_by_two",
    "wilson",
    "z",
    "z975",
]

# The compiled core returns its C++ result structs (typed by the generated stubs in
# famgraph/_core/stats.pyi); this module converts them to the dicts and DataFrames of the public API.
_c = _core.stats

#: Φ⁻¹(0.975) as pinned by docs/spec/common_rules.md §two-by-two-tables.
z975: float = float(_c.z975)

#: Raised by :func:`logistic`, :func:`conditional_logit`, :func:`conditional_logit_tables` and
#: :func:`cox` when no maximum-likelihood estimate exists (a RuntimeError).
LogisticError: type[RuntimeError] = _c.LogisticError
#: The design matrix lacks full column rank (collinear/duplicated columns, empty category).
RankDeficientError: type[RuntimeError] = _c.RankDeficientError
#: The iterations did not converge — in practice (quasi-)complete separation.
ConvergenceError: type[RuntimeError] = _c.ConvergenceError

ArrayLike = npt.ArrayLike
Estimate = dict[str, float | None]


def _count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer count, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return int(value)


def _as_1d(x: ArrayLike, name: str) -> npt.NDArray[np.float64]:
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    return np.ascontiguousarray(arr)


def _interval(k: int, n: int, ci: _c.Interval | None) -> Estimate | None:
    if ci is None:
        return None
    return {"estimate": k / n, "lower": ci.lower, "upper": ci.upper}


def _estimate(e: _c.Estimate | None) -> Estimate | None:
    """``{"estimate", "lower", "upper"}`` (bounds None without an interval), or None."""
    if e is None:
        return None
    return {
        "estimate": e.value,
        "lower": None if e.ci is None else e.ci.lower,
        "upper": None if e.ci is None else e.ci.upper,
    }


def _pooled(e: _c.PooledEstimate | None) -> Estimate | None:
    """``{"estimate", "se", "lower", "upper"}`` (None where undefined), or None."""
    if e is None:
        return None
    return {
        "estimate": e.value,
        "se": e.se,
        "lower": None if e.ci is None else e.ci.lower,
        "upper": None if e.ci is None else e.ci.upper,
    }


def _test(t: _c.ChiSquareTest | None) -> dict[str, float | int] | None:
    """``{"statistic", "df", "p_value"}``, or None."""
    if t is None:
        return None
    return {"statistic": t.statistic, "df": t.df, "p_value": t.p_value}


def _bounds(ci: list[_c.Interval]) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """The lower and upper bounds of one interval per coefficient as two columns."""
    lower = np.array([i.lower for i in ci], dtype=np.float64)
    upper = np.array([i.upper for i in ci], dtype=np.float64)
    return lower, upper


def z(level: float = 0.95) -> float:
    """Two-sided normal critical value Φ⁻¹(1 − α/2) for ``level`` = 1 − α (Boost.Math).

    >>> z() == 1.959963984540054
    True
    """
    return float(_c.z(level))


def wilson(k: int, n: int, level: float = 0.95) -> Estimate | None:
    """Wilson score interval for ``k`` successes of ``n`` (no continuity correction).

    Returns ``{"estimate": k/n, "lower", "upper"}``, or ``None`` when ``n`` = 0. The lower bound is
    exactly 0 at ``k`` = 0 and the upper exactly 1 at ``k`` = ``n``.

    >>> ci = wilson(7, 20)
    >>> round(ci["lower"], 4), round(ci["upper"], 4)
    (0.1812, 0.5671)
    >>> wilson(0, 0) is None
    True
    """
    k, n = _count(k, "k"), _count(n, "n")
    return _interval(k, n, _c.wilson(k, n, level))


def clopper_pearson(k: int, n: int, level: float = 0.95) -> Estimate | None:
    """Clopper–Pearson ("exact") interval from Beta quantiles; ``None`` when ``n`` = 0.

    >>> ci = clopper_pearson(0, 10)
    >>> ci["lower"], round(ci["upper"], 4)
    (0.0, 0.3085)
    """
    k, n = _count(k, "k"), _count(n, "n")
    return _interval(k, n, _c.clopper_pearson(k, n, level))


def newcombe(k1: int, n1: int, k2: int, n2: int, level: float = 0.95) -> Estimate | None:
    """Newcombe's hybrid score interval (1998, method 10) for ``k1/n1 − k2/n2``.

    Built from the two Wilson intervals; ``None`` when either ``n`` is 0.

    >>> r = newcombe(56, 70, 48, 80)      # Newcombe (1998), Table II (a)
    >>> round(r["estimate"], 4), round(r["lower"], 4), round(r["upper"], 4)
    (0.2, 0.0524, 0.3339)
    """
    k1, n1 = _count(k1, "k1"), _count(n1, "n1")
    k2, n2 = _count(k2, "k2"), _count(n2, "n2")
    return _estimate(_c.newcombe(k1, n1, k2, n2, level))


def two_by_two(a: int, b: int, c: int, d: int, level: float = 0.95) -> dict[str, Any]:
    """Analyse an exposure × outcome table exactly as docs/spec/common_rules.md §two-by-two-tables prescribes.

    ``a`` = exposed & outcome, ``b`` = exposed & no outcome, ``c`` = unexposed & outcome,
    ``d`` = unexposed & no outcome. Each estimate is ``{"estimate", "lower", "upper"}`` or ``None``:

    - ``risk_exposed``, ``risk_unexposed``: risks with Wilson intervals (``None`` for an empty group);
    - ``risk_ratio``: on the raw cells with the Katz log interval; ``None`` if a group is empty or
      ``c`` = 0; estimate exactly 0 with ``lower``/``upper`` ``None`` if ``a`` = 0 < ``c``;
    - ``odds_ratio``: Woolf log interval; if any cell is 0, ½ is added to all four cells for the
      estimate and the interval and ``or_corrected`` is True; ``or_raw`` = a·d/(b·c) (``None`` when
      b·c = 0);
    - ``risk_difference``: Newcombe's hybrid score interval.

    When a group is empty, RR, OR and RD are ``None`` and no correction is applied. ``table`` is
    the table in the JSON layout of docs/spec/interfaces.md §json.

    >>> r = two_by_two(4, 0, 2, 6)
    >>> r["or_corrected"], round(r["odds_ratio"]["estimate"], 4), r["or_raw"]
    (True, 23.4, None)
    >>> r["risk_ratio"]["estimate"]          # the risk ratio stays on the raw cells
    4.0
    """
    a, b, c, d = (_count(v, name) for v, name in ((a, "a"), (b, "b"), (c, "c"), (d, "d")))
    r = _c.two_by_two(a, b, c, d, level)
    return {
        "table": {
            "exposed": {"outcome": a, "no_outcome": b},
            "unexposed": {"outcome": c, "no_outcome": d},
        },
        "level": r.level,
        "z": r.z,
        "risk_exposed": _estimate(r.risk_exposed),
        "risk_unexposed": _estimate(r.risk_unexposed),
        "risk_ratio": _estimate(r.risk_ratio),
        "odds_ratio": _estimate(r.odds_ratio),
        "or_corrected": r.or_corrected,
        "or_raw": r.or_raw,
        "risk_difference": _estimate(r.risk_difference),
    }


def kaplan_meier(time: ArrayLike, event: ArrayLike, level: float = 0.95) -> pd.DataFrame:
    """Kaplan–Meier estimate with Greenwood variance and the log(−log) interval.

    ``time`` is the follow-up in days (any finite number), ``event`` 1/True for the event and
    0/False for censoring. At tied times events come before censorings. One row per distinct
    time: ``at_risk``, ``events``, ``censored``, ``survival``, ``variance`` (Greenwood), ``lower``
    / ``upper`` (log(−log); [1, 1] while S = 1, NaN once S = 0), ``cumulative_incidence`` = 1 − S
    with ``cumulative_incidence_lower`` / ``_upper``. ``df.attrs`` holds ``n``, ``n_events``,
    ``level`` and ``z``.

    >>> km = kaplan_meier([1, 2, 2, 3, 3, 3, 5, 6], [1, 1, 0, 1, 1, 0, 0, 1])
    >>> km["survival"].round(4).tolist()
    [0.875, 0.75, 0.45, 0.45, 0.0]
    """
    t = _as_1d(time, "time")
    e = _as_1d(event, "event")
    r = _c.kaplan_meier(t, e, level)
    columns = [
        "time",
        "at_risk",
        "events",
        "censored",
        "survival",
        "variance",
        "lower",
        "upper",
        "cumulative_incidence",
        "cumulative_incidence_lower",
        "cumulative_incidence_upper",
    ]
    df = pd.DataFrame({name: getattr(r, name) for name in columns})
    df.attrs.update({"n": r.n, "n_events": r.n_events, "level": r.level, "z": r.z})
    return df


def logrank(time_a: ArrayLike, event_a: ArrayLike, time_b: ArrayLike, event_b: ArrayLike) -> dict[str, Any]:
    """Two-group log-rank test (Mantel–Haenszel, hypergeometric variance, χ² with 1 df).

    Returns ``observed_a``, ``expected_a``, ``observed_b``, ``expected_b``, ``variance``, ``chi2``,
    ``p_value`` (both ``None`` when the variance is 0, e.g. without events) and ``df``.

    >>> r = logrank([1, 2, 3, 4], [1, 1, 0, 1], [2, 3, 5, 6], [1, 1, 0, 1])
    >>> round(r["chi2"], 6), round(r["p_value"], 6)
    (0.738347, 0.390191)
    """
    r = _c.logrank(
        _as_1d(time_a, "time_a"),
        _as_1d(event_a, "event_a"),
        _as_1d(time_b, "time_b"),
        _as_1d(event_b, "event_b"),
    )
    return {
        "observed_a": r.observed1,
        "expected_a": r.expected1,
        "observed_b": r.observed2,
        "expected_b": r.expected2,
        "variance": r.variance,
        "chi2": r.chi2,
        "p_value": r.p_value,
        "df": r.df,
    }


def logistic(
    X: ArrayLike | pd.DataFrame,
    y: ArrayLike,
    *,
    names: Sequence[str] | None = None,
    add_intercept: bool = False,
    level: float = 0.95,
    max_iterations: int = 100,
    tolerance: float = 1e-10,
) -> dict[str, Any]:
    """Maximum-likelihood logistic regression by IRLS (Newton–Raphson).

    ``X`` is the n × p design matrix (a DataFrame gives the coefficient names); with
    ``add_intercept`` a column of ones named ``"intercept"`` is put first. ``y`` holds 0/1.
    Standard errors come from the inverse Fisher information, intervals are Wald intervals.

    Returns ``{"table": DataFrame(coef, se, lower, upper, odds_ratio, or_lower, or_upper),
    "covariance": DataFrame, "log_likelihood", "converged", "iterations", "n_obs", "level", "z"}``.

    Raises :class:`RankDeficientError` for a design without full column rank and
    :class:`ConvergenceError` when the fit does not converge — in practice complete or
    quasi-complete separation, where the maximum-likelihood estimate does not exist.

    >>> x = [0, 0, 0, 1, 1, 1]
    >>> fit = logistic(pd.DataFrame({"exposed": x}), [0, 1, 0, 1, 0, 1], add_intercept=True)
    >>> round(float(fit["table"].loc["exposed", "odds_ratio"]), 6)
    4.0
    """
    if isinstance(X, pd.DataFrame):
        col_names = [str(cname) for cname in X.columns]
        mat = X.to_numpy(dtype=np.float64)
    else:
        mat = np.asarray(X, dtype=np.float64)
        if mat.ndim == 1:
            mat = mat.reshape(-1, 1)
        col_names = [f"x{j}" for j in range(mat.shape[1])]
    if mat.ndim != 2:
        raise ValueError(f"X must be two-dimensional, got shape {mat.shape}")
    if names is not None:
        if len(names) != mat.shape[1]:
            raise ValueError(f"names has {len(names)} entries but X has {mat.shape[1]} columns")
        col_names = [str(v) for v in names]
    if add_intercept:
        col_names = ["intercept", *col_names]
    yy = _as_1d(y, "y")
    r = _c.logistic(np.asfortranarray(mat), yy, add_intercept, max_iterations, tolerance, level, True)
    lower, upper = _bounds(r.ci)
    or_lower, or_upper = _bounds(r.or_ci)
    table = pd.DataFrame(
        {
            "coef": np.array(r.coef),
            "se": np.array(r.se),
            "lower": lower,
            "upper": upper,
            "odds_ratio": np.array(r.odds_ratio),
            "or_lower": or_lower,
            "or_upper": or_upper,
        },
        index=pd.Index(col_names, name="term"),
    )
    return {
        "table": table,
        "covariance": pd.DataFrame(np.array(r.covariance), index=col_names, columns=col_names),
        "log_likelihood": r.log_likelihood,
        "converged": r.converged,
        "iterations": r.iterations,
        "n_obs": r.n_obs,
        "level": r.level,
        "z": r.z,
    }


def quantile(x: ArrayLike, q: float) -> float | None:
    """The ``q``-quantile by linear interpolation at position (n − 1)·q (numpy's default).

    ``None`` for empty data; NaN in the data is an error.

    >>> quantile([10, 3, 1, 4, 2], 0.75)
    4.0
    >>> round(quantile([10, 3, 1, 4, 2], 0.9), 12)
    7.6
    """
    result: float | None = _c.quantile(_as_1d(x, "x"), float(q))
    return result


def median(x: ArrayLike) -> float | None:
    """The median (``quantile(x, 0.5)``); ``None`` for empty data."""
    return quantile(x, 0.5)


def quartiles(x: ArrayLike) -> dict[str, float] | None:
    """``{"q1", "median", "q3"}`` by numpy's default interpolation; ``None`` for empty data.

    >>> quartiles([4, 1, 3, 2])
    {'q1': 1.75, 'median': 2.5, 'q3': 3.25}
    """
    r = _c.quartiles(_as_1d(x, "x"))
    if r is None:
        return None
    return {"q1": r.q1, "median": r.median, "q3": r.q3}


# ---------------------------------------------------------------------------------------------
# Stratified and follow-up-aware estimators (docs/statistics.md)
# ---------------------------------------------------------------------------------------------
def _count_column(values: Any, name: str) -> npt.NDArray[np.uint64]:
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size and arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or not np.all(arr == np.round(arr)):
            raise ValueError(f"{name} must hold whole counts, got non-integer values")
    elif arr.size and arr.dtype.kind not in "iub":
        raise TypeError(f"{name} must hold integer counts, got dtype {arr.dtype}")
    if arr.size and (arr < 0).any():
        raise ValueError(f"{name} must hold counts >= 0, got {arr.min()}")
    return np.ascontiguousarray(arr, dtype=np.uint64)


def _columns(data: pd.DataFrame | ArrayLike, names: tuple[str, ...], what: str) -> list[npt.NDArray[Any]]:
    """The named columns of a DataFrame, or the columns of a (K × len(names)) array."""
    if isinstance(data, pd.DataFrame):
        missing = [c for c in names if c not in data.columns]
        if missing:
            raise ValueError(f"{what}: the DataFrame lacks column(s) {missing}; expected {list(names)}")
        return [data[c].to_numpy() for c in names]
    arr = np.asarray(data)
    if arr.ndim == 1 and arr.size == 0:
        arr = arr.reshape(0, len(names))
    if arr.ndim != 2 or arr.shape[1] != len(names):
        raise ValueError(
            f"{what}: expected a DataFrame with columns {list(names)} or an array of shape "
            f"(K, {len(names)}), got shape {arr.shape}"
        )
    return [arr[:, j] for j in range(len(names))]


def _tables(tables: pd.DataFrame | ArrayLike, what: str) -> list[npt.NDArray[np.uint64]]:
    cols = _columns(tables, ("a", "b", "c", "d"), what)
    return [_count_column(col, name) for col, name in zip(cols, "abcd", strict=True)]


def _group_codes(groups: ArrayLike, n: int, name: str) -> npt.NDArray[np.int64]:
    g = np.asarray(groups)
    if g.ndim != 1 or g.shape[0] != n:
        raise ValueError(f"{name} must be one-dimensional with {n} values, got shape {g.shape}")
    if g.dtype.kind in "iu":
        return np.ascontiguousarray(g, dtype=np.int64)
    codes, _ = pd.factorize(pd.Series(g), use_na_sentinel=True)
    if (codes < 0).any():
        raise ValueError(f"{name} contains missing values")
    return np.ascontiguousarray(codes, dtype=np.int64)


def _design(
    X: ArrayLike | pd.DataFrame, names: Sequence[str] | None
) -> tuple[npt.NDArray[np.float64], list[str]]:
    if isinstance(X, pd.DataFrame):
        col_names = [str(c) for c in X.columns]
        mat = X.to_numpy(dtype=np.float64)
    else:
        mat = np.asarray(X, dtype=np.float64)
        if mat.ndim == 1:
            mat = mat.reshape(-1, 1)
        col_names = [f"x{j}" for j in range(mat.shape[1])] if mat.ndim == 2 else []
    if mat.ndim != 2:
        raise ValueError(f"X must be two-dimensional, got shape {mat.shape}")
    if names is not None:
        if len(names) != mat.shape[1]:
            raise ValueError(f"names has {len(names)} entries but X has {mat.shape[1]} columns")
        col_names = [str(v) for v in names]
    return np.asfortranarray(mat), col_names


def _fit_table(
    r: _c.ConditionalLogisticResult | _c.CoxResult,
    ratio_value: npt.ArrayLike,
    ratio_ci: list[_c.Interval],
    col_names: list[str],
    ratio: str,
    short: str,
) -> dict[str, Any]:
    """The coefficient table and covariance shared by the conditional-logistic and Cox fits."""
    lower, upper = _bounds(r.ci)
    ratio_lower, ratio_upper = _bounds(ratio_ci)
    table = pd.DataFrame(
        {
            "coef": np.array(r.coef),
            "se": np.array(r.se),
            "lower": lower,
            "upper": upper,
            ratio: np.array(ratio_value),
            f"{short}_lower": ratio_lower,
            f"{short}_upper": ratio_upper,
        },
        index=pd.Index(col_names, name="term"),
    )
    return {
        "table": table,
        "covariance": pd.DataFrame(np.array(r.covariance), index=col_names, columns=col_names),
        "log_likelihood": r.log_likelihood,
        "log_likelihood_null": r.log_likelihood_null,
        "lr_test": _test(r.lr_test),
    }


def _conditional_result(r: _c.ConditionalLogisticResult, col_names: list[str]) -> dict[str, Any]:
    out = _fit_table(r, r.odds_ratio, r.or_ci, col_names, "odds_ratio", "or")
    out.update(
        {
            "converged": r.converged,
            "iterations": r.iterations,
            "n_obs": r.n_obs,
            "n_cases": r.n_cases,
            "n_strata": r.n_strata,
            "n_informative": r.n_informative,
            "level": r.level,
            "z": r.z,
        }
    )
    return out


def mantel_haenszel(tables: pd.DataFrame | ArrayLike, *, level: float = 0.95) -> dict[str, Any]:
    """Mantel–Haenszel pooled odds ratio, risk ratio and risk difference over K 2×2 strata.

    ``tables`` is a DataFrame with columns ``a`` (exposed, outcome), ``b`` (exposed, no outcome),
    ``c`` (unexposed, outcome), ``d`` (unexposed, no outcome) — one row per stratum — or an array
    of shape (K, 4) in that order. Any counts are valid: strata of size 0 or 1, all-exposed strata
    and strata without cases simply contribute nothing (see docs/statistics.md for which strata
    count for which estimate).

    Returns a dict with
    ``odds_ratio`` (Robins–Breslow–Greenland variance), ``risk_ratio`` (Greenland–Robins 1985) and
    ``risk_difference`` (Sato 1989), each ``{"estimate", "se", "lower", "upper"}`` (``se`` of the
    log ratio, of the difference itself for RD) or ``None`` when undefined — an estimate of exactly
    0 has ``se``/``lower``/``upper`` ``None``; ``cmh`` and ``cmh_corrected`` (test of OR = 1, with
    the continuity correction applied when |O − E| ≥ ½ as in R) and ``breslow_day`` /
    ``breslow_day_tarone`` (test of a common OR), each ``{"statistic", "df", "p_value"}`` or
    ``None``; the counts ``n_strata``, ``n_informative`` (strata with both exposure groups and
    both outcomes: they carry the OR and the tests), ``n_informative_rr``, ``n_informative_rd``;
    and ``level``, ``z``.

    >>> tables = pd.DataFrame({"a": [3, 6, 5], "b": [3, 0, 1], "c": [0, 2, 6], "d": [6, 4, 0]})
    >>> r = mantel_haenszel(tables)
    >>> r["odds_ratio"]["estimate"], round(r["odds_ratio"]["lower"], 4)
    (7.0, 1.0267)
    >>> round(r["cmh_corrected"]["statistic"], 4), r["n_informative"]
    (3.9286, 3)
    """
    a, b, c, d = _tables(tables, "mantel_haenszel")
    r = _c.mantel_haenszel(a, b, c, d, level)
    return {
        "n_strata": r.n_strata,
        "n_informative": r.n_informative,
        "n_informative_rr": r.n_informative_rr,
        "n_informative_rd": r.n_informative_rd,
        "level": r.level,
        "z": r.z,
        "R": r.R,
        "S": r.S,
        "odds_ratio": _pooled(r.odds_ratio),
        "risk_ratio": _pooled(r.risk_ratio),
        "risk_difference": _pooled(r.risk_difference),
        "cmh": _test(r.cmh),
        "cmh_corrected": _test(r.cmh_corrected),
        "cmh_difference": r.cmh_difference,
        "cmh_variance": r.cmh_variance,
        "breslow_day": _test(r.breslow_day),
        "breslow_day_tarone": _test(r.breslow_day_tarone),
    }


def conditional_logit(
    X: ArrayLike | pd.DataFrame,
    y: ArrayLike,
    groups: ArrayLike,
    *,
    names: Sequence[str] | None = None,
    level: float = 0.95,
    max_iterations: int = 100,
    tolerance: float = 1e-10,
) -> dict[str, Any]:
    """Conditional logistic regression on the exact conditional likelihood within ``groups``.

    ``X`` is the n × p design (no intercept: it cancels within strata; a DataFrame gives the term
    names), ``y`` holds 0/1 and ``groups`` one stratum label per row (any hashable values).
    Groups whose outcome is constant carry no information and are skipped (counted in
    ``n_strata``, not in ``n_informative``). Exact for any stratum size (the Gail–Lubin–Rubinstein
    recursion in log space), O(n_k · min(cases, controls) · p²) per stratum and iteration.

    Returns ``{"table": DataFrame(coef, se, lower, upper, odds_ratio, or_lower, or_upper),
    "covariance", "log_likelihood", "log_likelihood_null", "lr_test", "converged", "iterations",
    "n_obs", "n_cases", "n_strata", "n_informative", "level", "z"}``. Raises
    :class:`RankDeficientError` when a column is constant within every informative stratum and
    :class:`ConvergenceError` when the likelihood has no finite maximum (separation).

    >>> x = [1, 0, 1, 0, 0, 1, 1, 0]          # four matched pairs: case first
    >>> fit = conditional_logit(pd.DataFrame({"exposed": x}), [1, 0] * 4, [1, 1, 2, 2, 3, 3, 4, 4])
    >>> round(float(fit["table"].loc["exposed", "odds_ratio"]), 6)   # discordant pairs 3 : 1
    3.0
    """
    mat, col_names = _design(X, names)
    yy = _as_1d(y, "y")
    codes = _group_codes(groups, mat.shape[0], "groups")
    r = _c.conditional_logistic(mat, yy, codes, max_iterations, tolerance, level)
    return _conditional_result(r, col_names)


def conditional_logit_tables(
    tables: pd.DataFrame | ArrayLike,
    *,
    level: float = 0.95,
    max_iterations: int = 100,
    tolerance: float = 1e-10,
) -> dict[str, Any]:
    """Conditional logistic regression of one binary exposure from per-stratum 2×2 tables.

    The same fit as :func:`conditional_logit` on the persons the tables count (same estimate,
    standard error and log-likelihood), computed from the noncentral hypergeometric distribution of
    each stratum in O(its standard deviation) per iteration — fast and exact for strata of millions.
    ``tables`` as for :func:`mantel_haenszel`. The table has the single term ``exposed``. Raises
    :class:`ConvergenceError` when the conditional MLE is 0 or infinite (e.g. every case exposed).

    >>> r = conditional_logit_tables([[2, 1, 1, 2]])   # Fisher's conditional MLE of one table
    >>> round(float(r["table"].loc["exposed", "odds_ratio"]), 4)
    3.1055
    """
    a, b, c, d = _tables(tables, "conditional_logit_tables")
    r = _c.conditional_logistic_tables(a, b, c, d, max_iterations, tolerance, level)
    return _conditional_result(r, ["exposed"])


def cox(
    time: ArrayLike,
    event: ArrayLike,
    X: ArrayLike | pd.DataFrame,
    *,
    strata: ArrayLike | None = None,
    ties: str = "efron",
    names: Sequence[str] | None = None,
    level: float = 0.95,
    max_iterations: int = 50,
    tolerance: float = 1e-10,
) -> dict[str, Any]:
    """Cox proportional-hazards regression, optionally stratified.

    ``time`` is the follow-up on any scale (famgraph uses days since the 18th birthday),
    ``event`` 1/True for the event and 0/False for censoring, ``X`` the n × p covariates (a
    DataFrame gives the term names) and ``strata`` one label per subject (a baseline hazard each;
    strata without events contribute nothing). ``ties`` is ``"efron"`` (default, as lifelines and
    R) or ``"breslow"``. O(n log n) once and O(n·p²) per Newton iteration; strata in parallel with
    results independent of the number of threads.

    Returns ``{"table": DataFrame(coef, se, lower, upper, hazard_ratio, hr_lower, hr_upper),
    "covariance", "log_likelihood", "log_likelihood_null", "lr_test", "wald_test",
    "score_test", "converged", "iterations", "n_obs", "n_events", "n_strata",
    "n_strata_with_events", "level", "z"}``; each test is ``{"statistic", "df", "p_value"}``.

    >>> fit = cox([1, 1, 2, 2, 2], [1, 1, 0, 0, 0], pd.DataFrame({"x": [1, 0, 1, 0, 0]}))
    >>> round(float(fit["table"].loc["x", "coef"]), 6)      # ½·log 2.5 (Efron)
    0.458145
    >>> fit = cox([1, 1, 2, 2, 2], [1, 1, 0, 0, 0], [1, 0, 1, 0, 0], ties="breslow")
    >>> round(float(fit["table"].loc["x0", "hazard_ratio"]), 6)
    1.5
    """
    mat, col_names = _design(X, names)
    t = _as_1d(time, "time")
    ev = np.asarray(event)
    if ev.ndim != 1:
        raise ValueError(f"event must be one-dimensional, got shape {ev.shape}")
    if ev.size and not np.isin(ev, (0, 1)).all():
        raise ValueError("event must hold only 0/1 or booleans")
    codes = None if strata is None else _group_codes(strata, t.shape[0], "strata")
    r = _c.cox(
        t, np.ascontiguousarray(ev, dtype=np.uint8), mat, codes, ties, max_iterations, tolerance, level
    )
    out = _fit_table(r, r.hazard_ratio, r.hr_ci, col_names, "hazard_ratio", "hr")
    out.update(
        {
            "wald_test": _test(r.wald_test),
            "score_test": _test(r.score_test),
            "converged": r.converged,
            "iterations": r.iterations,
            "n_obs": r.n_obs,
            "n_events": r.n_events,
            "n_strata": r.n_strata,
            "n_strata_with_events": r.n_strata_with_events,
            "level": r.level,
            "z": r.z,
        }
    )
    return out


def incidence_rates(
    events: ArrayLike,
    person_years: ArrayLike,
    *,
    per: float = 1000.0,
    level: float = 0.95,
    index: pd.Index | None = None,
) -> pd.DataFrame:
    """Incidence rates per ``per`` person-years with the exact Poisson (Garwood) interval.

    ``events`` and ``person_years`` are scalars or equally long arrays (one row per group). Returns
    a DataFrame with ``events``, ``person_years``, ``rate``, ``lower``, ``upper`` (NaN where the
    person-time is 0); ``index`` (a pandas Index) labels the rows.

    >>> incidence_rates([0, 12], [2000.0, 3000.0]).round(4)
       events  person_years  rate   lower   upper
    0       0        2000.0   0.0  0.0000  1.8444
    1      12        3000.0   4.0  2.0669  6.9872
    """
    k = _count_column(np.atleast_1d(np.asarray(events)), "events")
    t = np.atleast_1d(np.asarray(person_years, dtype=np.float64))
    if t.ndim != 1 or t.shape != k.shape:
        raise ValueError(f"events and person_years must have the same length, got {k.shape} and {t.shape}")
    rows = [_c.incidence_rate(int(ki), float(ti), per, level) for ki, ti in zip(k, t, strict=True)]
    nan = float("nan")
    return pd.DataFrame(
        {
            "events": k.astype(np.int64),
            "person_years": t,
            "rate": [nan if r.rate is None else r.rate for r in rows],
            "lower": [nan if r.ci is None else r.ci.lower for r in rows],
            "upper": [nan if r.ci is None else r.ci.upper for r in rows],
        },
        index=index,
    )


def rate_ratio(
    events1: int, person_years1: float, events0: int, person_years0: float, *, level: float = 0.95
) -> dict[str, Any]:
    """Rate ratio (events1/person_years1)/(events0/person_years0) of group 1 to group 0.

    Returns ``{"estimate", "se_log", "wald": {"lower", "upper"}, "exact": {"lower", "upper"},
    "level", "z"}``: the Wald interval on the log scale (needs events in both groups) and the exact
    conditional interval (binomial on events1 | events1 + events0, Clopper–Pearson). ``estimate``
    is ``None`` when events0 = 0 or a person-time is 0; 0 (without a Wald interval) when events1 = 0.

    >>> r = rate_ratio(6, 200.0, 3, 400.0)
    >>> r["estimate"], round(r["wald"]["lower"], 4), round(r["exact"]["lower"], 4)
    (4.0, 1.0004, 0.8543)
    """
    k1, k0 = _count(events1, "events1"), _count(events0, "events0")
    r = _c.rate_ratio(k1, float(person_years1), k0, float(person_years0), level)

    def interval(ci: _c.Interval | None) -> dict[str, float] | None:
        return None if ci is None else {"lower": ci.lower, "upper": ci.upper}

    return {
        "estimate": r.estimate,
        "se_log": r.se_log,
        "wald": interval(r.wald),
        "exact": interval(r.exact),
        "level": r.level,
        "z": r.z,
    }


def mantel_haenszel_rate_ratio(strata: pd.DataFrame | ArrayLike, *, level: float = 0.95) -> dict[str, Any]:
    """Mantel–Haenszel rate ratio over strata of person-time data (Greenland & Robins 1985).

    ``strata`` is a DataFrame with columns ``events1``, ``person_years1``, ``events0``,
    ``person_years0`` (group 1 = exposed) or a (K, 4) array in that order. Returns
    ``{"rate_ratio": {"estimate", "se", "lower", "upper"} or None, "n_strata", "n_informative",
    "level", "z"}``; ``se`` is that of the log rate ratio.

    >>> df = pd.DataFrame({"events1": [2, 6], "person_years1": [100.0, 300.0],
    ...                    "events0": [1, 2], "person_years0": [100.0, 100.0]})
    >>> r = mantel_haenszel_rate_ratio(df)
    >>> r["rate_ratio"]["estimate"], round(r["rate_ratio"]["se"] ** 2, 12)
    (1.25, 0.45)
    """
    names = ("events1", "person_years1", "events0", "person_years0")
    k1, t1, k0, t0 = _columns(strata, names, "mantel_haenszel_rate_ratio")
    r = _c.mantel_haenszel_rate_ratio(
        _count_column(k1, "events1"),
        np.ascontiguousarray(t1, dtype=np.float64),
        _count_column(k0, "events0"),
        np.ascontiguousarray(t0, dtype=np.float64),
        level,
    )
    return {
        "n_strata": r.n_strata,
        "n_informative": r.n_informative,
        "rate_ratio": _pooled(r.rate_ratio),
        "level": r.level,
        "z": r.z,
    }


def number_at_risk(
    time: ArrayLike, event: ArrayLike, times: ArrayLike, *, group: ArrayLike | None = None
) -> pd.DataFrame:
    """The number-at-risk table under a Kaplan–Meier plot.

    For each display time t: ``at_risk`` = subjects with time ≥ t (still at risk at t, as R's
    survfit counts), ``events`` and ``censored`` = those that ended strictly before t, so
    at_risk + events + censored = n on every row. With ``group``, one block of rows per group
    (in order of first appearance) and a ``group`` column. lifelines' ``add_at_risk_counts``
    instead shows the subjects with time > t and the events/censorings up to and including t.

    >>> number_at_risk([1, 2, 2, 3, 5, 6], [1, 1, 0, 1, 0, 1], [0, 2, 4])
       time  at_risk  events  censored
    0   0.0        6       0         0
    1   2.0        5       1         0
    2   4.0        2       3         1
    """
    t = _as_1d(time, "time")
    e = _as_1d(event, "event")
    at = _as_1d(times, "times")
    if t.shape != e.shape:
        raise ValueError(f"time has {t.shape[0]} values but event has {e.shape[0]}")

    def block(tt: npt.NDArray[np.float64], ee: npt.NDArray[np.float64]) -> pd.DataFrame:
        rows = _c.number_at_risk(tt, ee, at)
        return pd.DataFrame(
            {
                "time": np.array([r.time for r in rows], dtype=np.float64),
                "at_risk": np.array([r.at_risk for r in rows], dtype=np.int64),
                "events": np.array([r.events for r in rows], dtype=np.int64),
                "censored": np.array([r.censored for r in rows], dtype=np.int64),
            }
        )

    if group is None:
        return block(t, e)
    g = np.asarray(group)
    if g.shape != t.shape:
        raise ValueError(f"group has shape {g.shape} but time has {t.shape}")
    codes, labels = pd.factorize(pd.Series(g))
    parts = []
    for j, label in enumerate(labels):
        mask = codes == j
        df = block(np.ascontiguousarray(t[mask]), np.ascontiguousarray(e[mask]))
        df.insert(0, "group", label)
        parts.append(df)
    if not parts:
        return pd.DataFrame(columns=["group", "time", "at_risk", "events", "censored"])
    return pd.concat(parts, ignore_index=True)


def __dir__() -> list[str]:
    # tab completion shows the public API only, not the helper imports
    return sorted(__all__)
