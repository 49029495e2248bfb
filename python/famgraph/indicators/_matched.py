"""The matched headline as published tables: the estimates, the verdict, the design (docs/estimands.md).

The numbers come from the core as its bound result structs (``famgraph._core.indicators.matched``
returns a ``MatchedResult``; ``victim_to_perpetrator(..., matched=True).matched_pathway`` is a
``MatchedPathway``); this module lays them out as DataFrames and applies the disclosure rule of
pooled estimates (docs/disclosure.md, "Matched estimates").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import disclosure
from .._core import stats as core_stats
from ..disclosure import FLAG_SUFFIX
from ._base import core

__all__ = [
    "MATCHED_COLUMNS",
    "VERDICT_NOT_PUBLISHED",
    "add_matched_columns",
    "count_verdict_frame",
    "matched_frame",
    "matched_published",
    "verdict_frame",
]

#: The reason given when the matched estimate is withheld by disclosure control.
VERDICT_NOT_PUBLISHED = (
    "the matched estimate is withheld by disclosure control "
    "(too few persons in the cohorts that can be compared, or the cell key method is used)"
)

_MATCHED_COLUMNS = ["estimand", "method", "estimate", "lower", "upper", "informative_strata"]


def matched_published(m: core.MatchedEstimate, min_cell: int) -> bool:
    """Whether pooled estimates over the informative strata may be published.

    A pooled ratio over a single stratum is that stratum's ratio, and with the stratum's margins it
    gives its cells away; over two or more strata with every summed cell at least ``min_cell`` it is
    a weighted average that pins no cell (docs/disclosure.md, "Matched estimates").
    """
    if min_cell == 0:
        return True
    c = m.informative_cells
    return int(m.mh.n_informative) >= 2 and not any(
        disclosure.count_hidden(int(x), min_cell) for x in (c.a, c.b, c.c, c.d)
    )


def _triple(est: core_stats.PooledEstimate | None) -> tuple[float, float, float]:
    """(estimate, lower, upper) of a pooled estimate, NaN where the core has none."""
    nan = float("nan")
    if est is None:
        return nan, nan, nan
    if est.ci is None:
        return float(est.value), nan, nan
    return float(est.value), float(est.ci.lower), float(est.ci.upper)


def _cox_triple(cox: core_stats.CoxResult | None) -> tuple[float, float, float]:
    """(hazard ratio, lower, upper) of the one covariate (exposure) of the pathway's Cox model."""
    if cox is None:
        nan = float("nan")
        return nan, nan, nan
    return float(cox.hazard_ratio[0]), float(cox.hr_ci[0].lower), float(cox.hr_ci[0].upper)


def _row(estimand: str, method: str, est: tuple[float, float, float], strata: int) -> dict[str, Any]:
    value, lower, upper = est
    return {
        "estimand": estimand,
        "method": method,
        "estimate": value,
        "lower": lower,
        "upper": upper,
        "informative_strata": int(strata),
    }


def matched_frame(
    m: core.MatchedEstimate,
    min_cell: int,
    follow_up: core.PathwayFollowUp | None = None,
    *,
    withheld: bool = False,
) -> pd.DataFrame:
    """One row per matched estimand: the Mantel–Haenszel odds and risk ratios, the conditional
    logistic odds ratio and, for the pathway, the stratified Cox hazard ratio and the
    Mantel–Haenszel rate ratio. Values withheld by disclosure control are NaN with
    ``estimate_suppressed`` (and ``lower_``/``upper_suppressed``) True."""
    k = int(m.informative_strata)
    k_or = int(m.mh.n_informative)
    rows = [
        _row(
            "odds_ratio",
            "Mantel-Haenszel (Robins-Breslow-Greenland interval)",
            _triple(m.mh.odds_ratio),
            k_or,
        ),
        _row("risk_ratio", "Mantel-Haenszel (Greenland-Robins interval)", _triple(m.mh.risk_ratio), k),
        _row("odds_ratio", "conditional logistic regression", _triple(m.clr), k_or),
    ]
    if follow_up is not None:
        cox = follow_up.cox
        rows.append(
            _row(
                "hazard_ratio",
                "Cox, time since 18th birthday, stratified (Efron ties)",
                _cox_triple(cox),
                0 if cox is None else int(cox.n_strata_with_events),
            )
        )
        rr = follow_up.rate_ratio
        rows.append(
            _row(
                "rate_ratio",
                "Mantel-Haenszel rate ratio (first adult perpetration per person-year)",
                _triple(rr.rate_ratio),
                int(rr.n_informative),
            )
        )
    out = pd.DataFrame(rows, columns=_MATCHED_COLUMNS)
    out["informative_strata"] = out["informative_strata"].astype("int64")
    hide = withheld or not matched_published(m, min_cell)
    for col in ("estimate", "lower", "upper"):
        if hide:
            out[col] = np.nan
        out[col + FLAG_SUFFIX] = hide
    out.attrs.update(min_cell=min_cell, disclosure_control=disclosure.stamp(min_cell), count_columns=[])
    return out


def verdict_frame(v: core.VerdictResult, published: bool, min_cell: int) -> pd.DataFrame:
    """The verdict as a one-row table: ``verdict``, ``rule`` (docs/estimands.md), ``reason``. When
    the matched estimate is withheld the verdict is at best "not estimable" for the reader."""
    verdict, rule, reason = str(v.verdict), int(v.rule), str(v.reason)
    if not published and verdict != "not estimable in this window":
        verdict, rule, reason = "not estimable in this window", 3, VERDICT_NOT_PUBLISHED
    out = pd.DataFrame({"verdict": [verdict], "rule": pd.array([rule], dtype="int64"), "reason": [reason]})
    out.attrs.update(min_cell=min_cell, disclosure_control=disclosure.stamp(min_cell), count_columns=[])
    return out


#: The matched columns :func:`add_matched_columns` appends to a table of 2×2 rows.
MATCHED_COLUMNS = (
    "or_mh",
    "or_mh_lower",
    "or_mh_upper",
    "rr_mh",
    "rr_mh_lower",
    "rr_mh_upper",
    "informative_strata",
    "verdict",
    "verdict_reason",
)


def add_matched_columns(
    table: pd.DataFrame, matched: Sequence[core.MatchedResult], min_cell: int, *, withheld: bool = False
) -> None:
    """Append the matched estimate and verdict of each row (``core.matched`` of the row's strata)
    to a table of 2×2 rows, in place. The crude columns stay; the matched ones are the headline."""
    nan = float("nan")
    cols: dict[str, list[Any]] = {c: [] for c in MATCHED_COLUMNS}
    flags: list[bool] = []
    for r in matched:
        m = r.matched
        ok = not withheld and matched_published(m, min_cell)
        flags.append(not ok)
        for name, est in (("or_mh", m.mh.odds_ratio), ("rr_mh", m.mh.risk_ratio)):
            value, lower, upper = _triple(est) if ok else (nan, nan, nan)
            cols[name].append(value)
            cols[f"{name}_lower"].append(lower)
            cols[f"{name}_upper"].append(upper)
        cols["informative_strata"].append(int(m.mh.n_informative))
        v = verdict_frame(r.verdict, ok, min_cell)
        cols["verdict"].append(str(v.loc[0, "verdict"]))
        cols["verdict_reason"].append(str(v.loc[0, "reason"]))
    for c in MATCHED_COLUMNS:
        if c == "informative_strata":
            table[c] = pd.array(cols[c], dtype="int64")
        elif c.startswith("verdict"):
            table[c] = pd.Series(cols[c], dtype=object)
        else:
            table[c] = np.asarray(cols[c], dtype=np.float64)
    for c in MATCHED_COLUMNS[:6]:
        table[c + FLAG_SUFFIX] = flags


def count_verdict_frame(units: int, what: str, min_cell: int) -> pd.DataFrame:
    """The verdict of an indicator that rests on ``units`` (cases, first incidents, …) and compares
    no persons of different ages: the count rules of the core (docs/estimands.md)."""
    return verdict_frame(core.count_verdict(int(units), what), True, min_cell)
