"""Indicator 7: the per-person feature table and the adjusted association (logistic regression).

The feature table is person-level data for the user's own models inside the secure environment:
it carries ``person_id`` and is never published as such. The library computes population
indicators and does not score individual families (docs/spec/disclosure.md §population-indicators-only); any
model built on these features is research-only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from .. import _rules, disclosure, stats
from ..cell_key import CellKey
from ._base import context, core, matched_pathway_counts
from ._cellkey import Disclosure, check_disclosure
from ._matched import matched_frame, matched_published, verdict_frame
from ._options import DEFAULT_EXPOSURE_ROLES, WindowLike, check_roles
from ._result import Result
from ._tables import _finish, _flagged, two_by_two_frame

if TYPE_CHECKING:
    from ..dataset import Dataset

__all__ = ["adjusted_association", "feature_table"]

_SEX = np.array(_rules.SEXES, dtype=object)

DEFINITION_7 = (
    "Logistic regression (IRLS, Wald intervals) of the victim-to-perpetrator outcome on childhood "
    "exposure, sex and birth decade, over the persons eligible for indicator 1. Birth decades (and "
    "sexes) with fewer than min_cell outcomes or non-outcomes are merged with the neighbouring "
    "decade (dropped, for sex) so that no coefficient rests on a small cell."
)


def _column(values: npt.NDArray[Any], missing: npt.NDArray[np.bool_] | None) -> Any:
    """A core column as a pandas column: masked (``Int64``/``boolean``) where the core marks values
    as missing, plain numpy otherwise."""
    if missing is None:
        return values
    if values.dtype == np.bool_:
        return pd.arrays.BooleanArray(values, missing)
    return pd.arrays.IntegerArray(values, missing)


def feature_table(ds: Dataset, *, window: WindowLike = None) -> pd.DataFrame:
    """One row per person, for the user's own models (research-only; contains ``person_id``).

    Columns: person_id, sex, birth_year (NA when unknown), generation, observed (on ≥ 1 day of
    the window); per role r in victim, perpetrator, witness, other: ``r_child``, ``r_adult`` (in-window
    event rows in childhood / adulthood; persons without a birth date have both NA) and ``r_total``;
    ``mother_victim``, ``mother_perpetrator``, ``father_victim``, ``father_perpetrator`` (the parent
    has an in-window event with that role; NA when the parent is unknown);
    ``grandparents_known`` and ``grandparent_victim``, ``grandparent_perpetrator`` (any recorded
    grandparent); ``n_organisations`` (organisations the person is known to, as in indicator 6);
    ``lead_time_days`` (indicator 5's lead time of the person's first incident; NA without one);
    ``pathway_eligible``, ``pathway_exposed``, ``pathway_outcome`` (indicator 1, exposure roles
    victim and witness).

    Every column is computed by the core (``famgraph._core.indicators.feature_table``,
    include/famgraph/indicators/features.hpp); this function only wraps the columns in a
    DataFrame.

    Example
    -------
    >>> import famgraph as fg
    >>> ft = fg.indicators.feature_table(fg.synth.generate(persons=2000, seed=1))
    >>> int(ft["perpetrator_total"].sum()) >= int(ft["perpetrator_adult"].sum())
    True
    """
    ctx = context(ds, window, 0)
    t = core.feature_table(ctx.dataset, ctx.window_start, ctx.window_end, graph=ctx.graph())
    out: dict[str, Any] = {}
    for name, values, missing in t.columns:
        if name == "sex":
            codes = np.asarray(values, dtype=np.int8)
            out[name] = pd.Categorical.from_codes(codes, categories=pd.Index(_rules.SEXES))
        else:
            out[name] = _column(values, missing)
    frame = pd.DataFrame(out, copy=False)
    frame.attrs["window"] = [int(t.window[0]), int(t.window[1])]
    frame.attrs["note"] = "person-level data: research-only, not for publication (docs/spec/disclosure.md)"
    return frame


def adjusted_association(
    ds: Dataset,
    *,
    window: WindowLike = None,
    exposure_roles: Sequence[str] = DEFAULT_EXPOSURE_ROLES,
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
    level: float = 0.95,
    disclosure: Disclosure = "suppression",
    cell_key: CellKey | None = None,
) -> Result:
    """Indicator 7: the victim→perpetrator odds ratio adjusted for sex and birth decade.

    ``.tables["matched"]``: the headline, the conditional logistic odds ratio over strata of single
    birth year × sex × childhood household recorded (with the Mantel–Haenszel odds and risk
    ratios), and ``.tables["verdict"]`` (docs/estimands.md); ``.table``: the unconditional
    logistic model (term, odds_ratio, lower, upper (Wald), coef, se) with sex and birth decade,
    which compares persons of different ages within a decade; ``.tables["crude"]``: the crude 2×2
    table. Research-only: a population association, not a risk score for anyone.

    Example
    -------
    >>> import famgraph as fg
    >>> r = fg.indicators.adjusted_association(fg.synth.generate(persons=20000, seed=1))
    >>> r.table["term"].iloc[0]
    'exposed'
    """
    ctx = context(ds, window, min_cell, level)
    check_disclosure(disclosure, cell_key, "adjusted_association")  # cell_key: not available (refused)
    roles = check_roles(exposure_roles, "exposure_roles")
    v = matched_pathway_counts(ctx, roles)
    mp = v.matched_pathway
    assert mp is not None  # asked for (matched=True)
    published = matched_published(mp.matched, ctx.min_cell)
    matched = matched_frame(mp.matched, ctx.min_cell)
    verdict = verdict_frame(mp.verdict, published, ctx.min_cell)
    # The design (rows, levels, merged decades, crude table) is the core's: adjusted.hpp.
    design = core.adjusted_design(ctx.dataset, v, ctx.min_cell)
    m = ctx.min_cell
    cr = design.crude
    crude = two_by_two_frame(
        pd.DataFrame({"model": ["crude"]}),
        [(int(cr.a), int(cr.b), int(cr.c), int(cr.d))],
        level=ctx.level,
        min_cell=m,
    )
    kept = np.asarray(design.kept, dtype=bool)
    y_k = np.asarray(design.outcome, dtype=np.int64)[kept]
    x_k = np.asarray(design.exposed, dtype=np.int64)[kept]
    sex_k = np.asarray(design.sex, dtype=np.int64)[kept]
    grp = np.asarray(design.decade_group, dtype=np.int64)[kept]
    # Indicator columns of the levels, the first (sex F, the earliest decade group) the reference.
    cols: dict[str, npt.NDArray[np.float64]] = {"exposed": x_k.astype(np.float64)}
    for s in np.unique(sex_k)[1:]:
        cols[f"sex[{_SEX[s]}]"] = (sex_k == s).astype(np.float64)
    for g in np.unique(grp)[1:]:
        cols[f"birth_decade[{g}]"] = (grp == g).astype(np.float64)
    empty_cols = ["term", "odds_ratio", "lower", "upper", "coef", "se"]
    note = ""
    table = pd.DataFrame({c: pd.Series(dtype=object if c == "term" else "float64") for c in empty_cols})
    hidden = bool(crude.loc[0, "a_suppressed"])
    if len(y_k) == 0:
        note = "no eligible persons"
    elif hidden:
        note = "not published: the crude table has a suppressed cell"
    else:
        try:
            fit = stats.logistic(pd.DataFrame(cols), y_k, add_intercept=True, level=ctx.level)
            t = fit["table"].drop(index="intercept")
            table = pd.DataFrame(
                {
                    "term": t.index.astype(str),
                    "odds_ratio": t["odds_ratio"].to_numpy(),
                    "lower": t["or_lower"].to_numpy(),
                    "upper": t["or_upper"].to_numpy(),
                    "coef": t["coef"].to_numpy(),
                    "se": t["se"].to_numpy(),
                }
            )
        except RuntimeError as err:
            note = f"model not estimable: {err}"
    flags: dict[str, list[bool]] = {}
    for col in empty_cols[1:]:
        _flagged(table, col, [False] * len(table), flags)
    table = _finish(table, flags, m, [])
    merged = {str(k): str(vv) for k, vv in design.merged_decades.items()}
    dropped_sex = list(design.dropped_sexes)
    params = ctx.parameters(
        v.window,
        exposure_roles=roles,
        reference="sex F, earliest birth decade",
        merged_decades=merged,
        dropped_sex=dropped_sex,
    )
    if dropped_sex:
        note = (note + "; " if note else "") + f"sex {', '.join(dropped_sex)} left out (too few outcomes)"
    return Result(
        "adjusted_association",
        {"table": table, "matched": matched, "verdict": verdict, "crude": crude},
        params,
        DEFINITION_7,
        note,
        {
            "empty": len(design.outcome) == 0,
            "n_model": int(design.rows_kept),
            "window_days": tuple(v.window),
        },
    )
