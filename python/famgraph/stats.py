"""Statistics behind every famgraph indicator (DESIGN.md §4.0 and §5), usable on their own.

Thin wrappers over the header-only C++ ``famgraph::stats``: Wilson and Clopper–Pearson intervals,
the 2×2 table (Katz risk ratio, Woolf odds ratio with the Haldane–Anscombe correction, Newcombe's
hybrid-score risk difference), Kaplan–Meier with Greenwood variance and the log(−log) interval,
the two-group log-rank test, IRLS logistic regression and numpy-compatible quantiles.

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
    "kaplan_meier",
    "logistic",
    "logrank",
    "median",
    "newcombe",
    "quantile",
    "quartiles",
    "two_by_two",
    "wilson",
    "z",
    "z975",
]

# The compiled submodule has no type stub of its own (famgraph/_core.pyi predates it).
_core_any: Any = _core
_c: Any = _core_any.stats

#: Φ⁻¹(0.975) as pinned by DESIGN.md §4.0.
z975: float = float(_c.z975)

#: Raised by :func:`logistic` when no maximum-likelihood estimate exists (a RuntimeError).
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


def _interval(k: int, n: int, ci: tuple[float, float] | None) -> Estimate | None:
    if ci is None:
        return None
    return {"estimate": k / n, "lower": ci[0], "upper": ci[1]}


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
    result: Estimate | None = _c.newcombe(k1, n1, k2, n2, level)
    return result


def two_by_two(a: int, b: int, c: int, d: int, level: float = 0.95) -> dict[str, Any]:
    """Analyse an exposure × outcome table exactly as DESIGN.md §4.0 prescribes.

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
    the table in the JSON layout of DESIGN.md §8.

    >>> r = two_by_two(4, 0, 2, 6)
    >>> r["or_corrected"], round(r["odds_ratio"]["estimate"], 4), r["or_raw"]
    (True, 23.4, None)
    >>> r["risk_ratio"]["estimate"]          # the risk ratio stays on the raw cells
    4.0
    """
    a, b, c, d = (_count(v, name) for v, name in ((a, "a"), (b, "b"), (c, "c"), (d, "d")))
    r: dict[str, Any] = _c.two_by_two(a, b, c, d, level)
    return {
        "table": {
            "exposed": {"outcome": a, "no_outcome": b},
            "unexposed": {"outcome": c, "no_outcome": d},
        },
        **{k: v for k, v in r.items() if k not in ("a", "b", "c", "d")},
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
    r: dict[str, Any] = _c.kaplan_meier(t, e, level)
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
    df = pd.DataFrame({name: r[name] for name in columns})
    df.attrs.update({"n": r["n"], "n_events": r["n_events"], "level": r["level"], "z": r["z"]})
    return df


def logrank(time_a: ArrayLike, event_a: ArrayLike, time_b: ArrayLike, event_b: ArrayLike) -> dict[str, Any]:
    """Two-group log-rank test (Mantel–Haenszel, hypergeometric variance, χ² with 1 df).

    Returns ``observed_a``, ``expected_a``, ``observed_b``, ``expected_b``, ``variance``, ``chi2``,
    ``p_value`` (both ``None`` when the variance is 0, e.g. without events) and ``df``.

    >>> r = logrank([1, 2, 3, 4], [1, 1, 0, 1], [2, 3, 5, 6], [1, 1, 0, 1])
    >>> round(r["chi2"], 6), round(r["p_value"], 6)
    (0.738347, 0.390191)
    """
    r: dict[str, Any] = _c.logrank(
        _as_1d(time_a, "time_a"),
        _as_1d(event_a, "event_a"),
        _as_1d(time_b, "time_b"),
        _as_1d(event_b, "event_b"),
    )
    return {
        "observed_a": r["observed1"],
        "expected_a": r["expected1"],
        "observed_b": r["observed2"],
        "expected_b": r["expected2"],
        "variance": r["variance"],
        "chi2": r["chi2"],
        "p_value": r["p_value"],
        "df": r["df"],
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
    r: dict[str, Any] = _c.logistic(
        np.asfortranarray(mat), yy, add_intercept, max_iterations, tolerance, level, True
    )
    table = pd.DataFrame(
        {
            key: np.asarray(r[key])
            for key in ("coef", "se", "lower", "upper", "odds_ratio", "or_lower", "or_upper")
        },
        index=pd.Index(col_names, name="term"),
    )
    return {
        "table": table,
        "covariance": pd.DataFrame(np.asarray(r["covariance"]), index=col_names, columns=col_names),
        "log_likelihood": r["log_likelihood"],
        "converged": r["converged"],
        "iterations": r["iterations"],
        "n_obs": r["n_obs"],
        "level": r["level"],
        "z": r["z"],
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
    return {"q1": float(r[0]), "median": float(r[1]), "q3": float(r[2])}
