"""Indicators 4c (GIF with the matched permutation test) and 4d (FIR)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from .. import _core, _rules, disclosure, stats
from .. import disclosure as _dc  # the parameter `disclosure` shadows the module
from ..cell_key import CellKey
from ._base import Context, context
from ._cellkey import Disclosure, check_disclosure
from ._matched import count_verdict_frame
from ._options import WindowLike, check_int, check_n_sim, check_roles
from ._result import Result
from ._tables import _finish, _flagged

if TYPE_CHECKING:
    from ..dataset import Dataset

__all__ = ["fir", "gif"]

DEFINITION_GIF = (
    "GIF = 100,000 x the mean kinship coefficient over all unordered pairs of distinct observed "
    "cases (Hill 1980). p-value: the share of n_sim control sets of the same size, drawn from observed "
    "persons matched on birth decade x sex, whose GIF is at least the observed one: "
    "p = (1 + #{GIF_sim >= GIF_obs}) / (n_sim + 1)."
)

DEFINITION_FIR = (
    "FIR_i = sum over j != i of kinship(i, j) x case_j / sum over j != i of kinship(i, j) x observed_j "
    "(Kerber 1995), for observed persons with at least one observed relative; published as its "
    "distribution among cases and non-cases."
)


def gif(
    ds: Dataset,
    *,
    window: WindowLike = None,
    case_roles: Sequence[str] = _rules.DEFAULT_CASE_ROLES,
    n_sim: int = 1000,
    seed: int = 1,
    threads: int = 0,
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
    disclosure: Disclosure = "suppression",
    cell_key: CellKey | None = None,
) -> Result:
    """Indicator 4c: the genealogical index of familiality with its matched permutation test.

    ``.table``: gif, n_cases, n_pairs, p_value, n_sim, mean_sim; ``.tables["null"]``: the simulated
    GIF values (``gif_sim``). The same seed gives the same simulations for any ``threads``.

    Example
    -------
    >>> import famgraph as fg
    >>> r = fg.indicators.gif(fg.synth.generate(persons=5000, seed=1), n_sim=99)
    >>> int(r.table["n_sim"].iloc[0])
    99
    """
    ctx = context(ds, window, min_cell)
    check_disclosure(disclosure, cell_key, "gif")  # cell_key: not available (refused)
    roles = check_roles(case_roles, "case_roles")
    n_sim = check_n_sim(n_sim)
    seed = check_int(seed, "seed", 0, 2**63 - 1)
    threads = check_int(threads, "threads", 0, 4096)
    c = _core.indicators.gif(ctx.dataset, ctx.window_start, ctx.window_end, roles, n_sim, seed, threads)
    return gif_result(gif_dict(c), ctx, roles, n_sim, seed)


def gif_dict(r: _core.indicators.GifResult) -> dict[str, Any]:
    """The core's GifResult as the dict :func:`gif_result` reads (``sims`` replaceable by parts);
    ``strata``: (decade or None, sex, n_cases, n_observed) per stratum."""
    return {
        "window": r.window,
        "n_cases": r.n_cases,
        "n_pairs": r.n_pairs,
        "kinship_sum": r.kinship_sum,
        "gif": r.gif,
        "sims": r.sims,
        "n_ge": r.n_ge,
        "p_value": r.p_value,
        "tie_tolerance": _core.indicators.GIF_TIE_TOLERANCE,
        "strata": [(s.decade, s.sex, s.n_cases, s.n_observed) for s in r.strata],
    }


def gif_p_value(gif_obs: float, sims: npt.NDArray[np.float64], tolerance: float) -> float:
    """p = (1 + #{GIF_sim ≥ GIF_obs}) / (n_sim + 1), a simulated value within a relative
    ``tolerance`` below the observed one counting as equal (the core's rule)."""
    n_ge = int(np.sum(sims >= gif_obs * (1.0 - tolerance)))
    return (1.0 + n_ge) / (len(sims) + 1.0)


def gif_result(c: dict[str, Any], ctx: Context, roles: list[str], n_sim: int, seed: int) -> Result:
    """The published GIF result from the core's dict (``sims`` may come from several parts)."""
    sims = np.asarray(c["sims"], dtype=np.float64)
    n_cases = int(c["n_cases"])
    table = pd.DataFrame(
        {
            "gif": [float(c["gif"])],
            "n_cases": pd.Series([n_cases], dtype="int64"),
            "n_pairs": [float(c["n_pairs"])],
            "p_value": [float(c["p_value"]) if n_sim and n_cases >= 2 else np.nan],
            "n_sim": pd.Series([n_sim], dtype="int64"),
            "mean_sim": [float(sims.mean()) if len(sims) else np.nan],
        }
    )
    m = ctx.min_cell
    n_observed = sum(int(s[3]) for s in c["strata"])
    # n_cases is published elsewhere with the number observed: hide it as a share would be
    hide = [_dc.proportion_hidden(n_cases, n_observed, m)]
    flags: dict[str, list[bool]] = {}
    for col in ("gif", "n_cases", "n_pairs", "p_value", "mean_sim"):
        _flagged(table, col, hide, flags)
    table = _finish(table, flags, m, ["n_cases"])
    null = pd.DataFrame({"gif_sim": sims if not hide[0] else np.zeros(0)})
    null.attrs.update(table.attrs)
    params = ctx.parameters(
        c["window"], case_roles=roles, n_sim=n_sim, seed=seed, matched_on="birth decade x sex"
    )
    params.pop("level")
    note = "" if n_cases >= 2 else "fewer than two cases: the GIF is undefined"
    return Result(
        "gif",
        {"table": table, "verdict": count_verdict_frame(n_cases, "cases", ctx.min_cell), "null": null},
        params,
        DEFINITION_GIF,
        note,
        {"empty": n_cases < 2, "strata": c.get("strata"), "window_days": tuple(c["window"])},
    )


def fir(
    ds: Dataset,
    *,
    window: WindowLike = None,
    case_roles: Sequence[str] = _rules.DEFAULT_CASE_ROLES,
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
    disclosure: Disclosure = "suppression",
    cell_key: CellKey | None = None,
) -> Result:
    """Indicator 4d: the familial incidence rate of every observed person (Kerber 1995).

    The per-person values are individual-level data: they are in ``.extra["values"]`` (a Series indexed by
    person_id, for the secure environment only), never in the published tables. ``.table``: group
    (case, non_case), n, mean, q1, median, q3 of FIR.

    Example
    -------
    >>> import famgraph as fg
    >>> r = fg.indicators.fir(fg.synth.generate(persons=5000, seed=1))
    >>> r.table["group"].tolist()
    ['case', 'non_case']
    """
    ctx = context(ds, window, min_cell)
    check_disclosure(disclosure, cell_key, "fir")  # cell_key: not available (refused)
    roles = check_roles(case_roles, "case_roles")
    c = _core.indicators.fir(ctx.dataset, ctx.window_start, ctx.window_end, roles)
    values = np.asarray(c.fir, dtype=np.float64)
    is_case = np.asarray(c.is_case, dtype=bool)
    observed = np.asarray(c.observed, dtype=bool)
    rows = []
    for group, sel in (("case", observed & is_case), ("non_case", observed & ~is_case)):
        v = values[sel]
        v = v[np.isfinite(v)]
        q = stats.quartiles(v)
        rows.append(
            (
                group,
                len(v),
                float(v.mean()) if len(v) else np.nan,
                *((q["q1"], q["median"], q["q3"]) if q else (np.nan,) * 3),
            )
        )
    table = pd.DataFrame(rows, columns=["group", "n", "mean", "q1", "median", "q3"])
    m = ctx.min_cell
    # the group sizes (cases, non-cases) are published elsewhere: persons without an observed
    # relative (the difference) must not be a small count either
    sizes = [int((observed & is_case).sum()), int((observed & ~is_case).sum())]
    hide = [_dc.proportion_hidden(int(n), size, m) for n, size in zip(table["n"], sizes, strict=True)]
    flags: dict[str, list[bool]] = {}
    for col in ("n", "mean", "q1", "median", "q3"):
        _flagged(table, col, hide, flags)
    table = _finish(table, flags, m, ["n"])
    ids = np.asarray(ds.columns("persons")["person_id"], dtype=np.int64)
    series = pd.Series(values[observed], index=pd.Index(ids[observed], name="person_id"), name="fir")
    params = ctx.parameters(c.window, case_roles=roles)
    params.pop("level")
    n_with = int(np.isfinite(values[observed]).sum())
    note = "" if n_with else "nobody observed has an observed relative"
    return Result(
        "fir",
        {
            "table": table,
            "verdict": count_verdict_frame(n_with, "persons with an observed relative", ctx.min_cell),
        },
        params,
        DEFINITION_FIR,
        note,
        {"empty": n_with == 0, "values": series, "window_days": tuple(c.window)},
    )
