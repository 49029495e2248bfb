"""Indicator 4a (λ_R with a cluster bootstrap) and 4b (repeat incidents)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from .. import _rules, disclosure
from .. import disclosure as _dc  # the parameter `disclosure` shadows the module
from ..cell_key import CellKey
from ._base import context, core, window_key
from ._cellkey import CELL_KEY_NOTE, Disclosure, check_disclosure, prepare
from ._matched import count_verdict_frame
from ._options import WindowLike, check_int, check_n_boot, check_relations, check_roles
from ._result import Result
from ._tables import _finish, _flagged, share_frame

if TYPE_CHECKING:
    from ..dataset import Dataset

__all__ = ["bootstrap_lambda", "recurrence_risk", "repeat_incidents"]

DEFINITION_4A = (
    "Case: a person observed in the window with an in-window event whose role is in case_roles. "
    "K = observed cases / observed persons; K_R = sum over observed case probands of their observed "
    "relatives by R who are cases / sum over observed case probands of their observed relatives by R "
    "(ordered pairs); lambda_R = K_R / K (Risch 1990). Interval: percentile cluster bootstrap "
    "resampling family components (connected by parent-child links) with at least one observed "
    "person."
)

DEFINITION_4B = (
    "A person's incidents are their in-window event rows (any role); t0 is the first. The person is "
    "in the denominator if t0 + T <= min(window end, exit); a repeat is a second distinct incident "
    "dated in [t0, t0 + T]. The same for nuclear families (recorded parents and their common "
    "children), over the in-window rows of all members."
)

FloatArray = npt.NDArray[np.float64]


def _component_sums(
    data: core.RecurrencePersonCounts, relations: Sequence[str]
) -> tuple[FloatArray, FloatArray]:
    """Per family component with an observed person: [observed, cases, (case_relatives, relatives)
    per relation], grouped into distinct rows with their multiplicities."""
    comp = np.asarray(data.component, dtype=np.int64)
    n = int(comp.max()) + 1 if len(comp) else 0
    cols = [
        np.bincount(comp, weights=np.asarray(data.observed, dtype=np.float64), minlength=n),
        np.bincount(comp, weights=np.asarray(data.is_case, dtype=np.float64), minlength=n),
    ]
    for j, _ in enumerate(relations):  # the core's per-relation arrays are in the order asked
        cr, rr = data.case_relatives[j], data.relatives[j]
        cols.append(np.bincount(comp, weights=np.asarray(cr, dtype=np.float64), minlength=n))
        cols.append(np.bincount(comp, weights=np.asarray(rr, dtype=np.float64), minlength=n))
    mat = np.column_stack(cols) if n else np.zeros((0, 2 + 2 * len(relations)))
    mat = mat[mat[:, 0] > 0]
    if len(mat) == 0:
        return mat.astype(np.float64), np.zeros(0)
    rows, counts = np.unique(mat, axis=0, return_counts=True)
    return np.asarray(rows, dtype=np.float64), counts.astype(np.float64)


def bootstrap_lambda(
    rows: FloatArray, counts: FloatArray, n_boot: int, seed: int, replicates: Sequence[int] | None = None
) -> FloatArray:
    """λ_R of bootstrap replicates: an (n_replicates × n_relations) array (NaN where undefined).

    A replicate draws as many family components as there are, with replacement; components with
    equal sums are interchangeable, so the draw is one multinomial over the distinct rows with
    probabilities proportional to their multiplicities — the same distribution, in O(distinct rows).
    Replicate b uses its own stream ``SeedSequence(seed).spawn(n_boot)[b]``, so any subset of
    replicates (``replicates``; e.g. one Dask task each) gives the same values as the full run.
    """
    n_rel = (rows.shape[1] - 2) // 2
    which = range(n_boot) if replicates is None else replicates
    out = np.full((len(which), n_rel), np.nan)
    if len(rows) == 0:
        return out
    total = int(counts.sum())
    p = counts / counts.sum()
    seeds = np.random.SeedSequence(seed).spawn(n_boot)
    for k, b in enumerate(which):
        w = np.random.default_rng(seeds[b]).multinomial(total, p)
        s = w @ rows
        if s[0] <= 0 or s[1] <= 0:
            continue
        K = s[1] / s[0]
        for j in range(n_rel):
            cr, rr = s[2 + 2 * j], s[3 + 2 * j]
            if rr > 0:
                out[k, j] = (cr / rr) / K
    return out


def percentile_interval(values: FloatArray, level: float) -> tuple[float, float, int]:
    """Percentile interval of the finite replicates (numpy's linear quantiles) and their number."""
    v = values[np.isfinite(values)]
    if len(v) == 0:
        return math.nan, math.nan, 0
    a = (1.0 - level) / 2.0
    lo, hi = np.quantile(v, [a, 1.0 - a])
    return float(lo), float(hi), len(v)


def recurrence_risk(
    ds: Dataset,
    *,
    window: WindowLike = None,
    case_roles: Sequence[str] = _rules.DEFAULT_CASE_ROLES,
    relations: Sequence[str] = _rules.DEFAULT_RECURRENCE_RELATIONS,
    n_boot: int = 1000,
    seed: int = 1,
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
    level: float = 0.95,
    disclosure: Disclosure = "suppression",
    cell_key: CellKey | None = None,
) -> Result:
    """Indicator 4a: familial recurrence risk ratio λ_R by relation (Risch 1990).

    ``.table``: relation, observed, cases, K, relatives, case_relatives, K_R, lambda, lambda_lower,
    lambda_upper, n_boot_valid. ``n_boot=0`` skips the bootstrap (no interval).

    Example
    -------
    >>> import famgraph as fg
    >>> r = fg.indicators.recurrence_risk(fg.synth.generate(persons=5000, seed=1), n_boot=200)
    >>> r.table["relation"].tolist()
    ['parent', 'full_sibling', 'half_sibling']
    """
    ctx = context(ds, window, min_cell, level)
    check_disclosure(disclosure, cell_key, "recurrence_risk")  # cell_key: not available (refused)
    roles = check_roles(case_roles, "case_roles")
    rels = check_relations(relations)
    n_boot = check_n_boot(n_boot)
    seed = check_int(seed, "seed", 0, 2**63 - 1)
    data = core.recurrence_person_counts(
        ctx.dataset, ctx.window_start, ctx.window_end, roles, rels, ctx.graph()
    )
    observed = int(np.asarray(data.observed, dtype=np.int64).sum())
    cases = int(np.asarray(data.is_case, dtype=np.int64).sum())
    rows, counts = _component_sums(data, rels)
    boot = bootstrap_lambda(rows, counts, n_boot, seed) if n_boot else np.zeros((0, len(rels)))
    records = []
    for j, r in enumerate(rels):
        cr_arr, rr_arr = data.case_relatives[j], data.relatives[j]
        cr = int(np.asarray(cr_arr, dtype=np.int64).sum())
        rr = int(np.asarray(rr_arr, dtype=np.int64).sum())
        K = cases / observed if observed else math.nan
        K_R = cr / rr if rr else math.nan
        lam = K_R / K if rr and cases else math.nan
        lo, hi, valid = percentile_interval(boot[:, j], ctx.level) if n_boot else (math.nan, math.nan, 0)
        records.append((r, observed, cases, K, rr, cr, K_R, lam, lo, hi, valid))
    table = pd.DataFrame(
        records,
        columns=[
            "relation",
            "observed",
            "cases",
            "K",
            "relatives",
            "case_relatives",
            "K_R",
            "lambda",
            "lambda_lower",
            "lambda_upper",
            "n_boot_valid",
        ],
    )
    m = ctx.min_cell

    def small(k: int, n: int) -> bool:
        return _dc.proportion_hidden(k, n, m)

    hide_obs = _dc.count_hidden(observed, m)
    hide_cases = hide_obs or small(cases, observed)
    flags: dict[str, list[bool]] = {}
    _flagged(table, "observed", [hide_obs] * len(table), flags)
    for col in ("cases", "K"):
        _flagged(table, col, [hide_cases] * len(table), flags)
    hide_rel = [_dc.count_hidden(int(v), m) for v in table["relatives"]]
    hide_cr = [
        h or small(int(k), int(n)) or hide_cases
        for h, k, n in zip(hide_rel, table["case_relatives"], table["relatives"], strict=True)
    ]
    _flagged(table, "relatives", hide_rel, flags)
    for col in ("case_relatives", "K_R", "lambda", "lambda_lower", "lambda_upper", "n_boot_valid"):
        _flagged(table, col, hide_cr, flags)
    table = _finish(table, flags, m, ["observed", "cases", "relatives", "case_relatives", "n_boot_valid"])
    params = ctx.parameters(
        data.window,
        case_roles=roles,
        relations=rels,
        n_boot=n_boot,
        seed=seed,
        bootstrap="percentile, family components",
    )
    note = "" if cases else "no cases: nobody observed had an in-window event with a case role"
    return Result(
        "recurrence_risk",
        {"table": table, "verdict": count_verdict_frame(cases, "cases", ctx.min_cell)},
        params,
        DEFINITION_4A,
        note,
        {
            "empty": cases == 0,
            "bootstrap": boot,
            "components": int(counts.sum()),
            "window_days": tuple(data.window),
        },
    )


def repeat_incidents(
    ds: Dataset,
    *,
    window: WindowLike = None,
    T: int = 365,
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
    level: float = 0.95,
    disclosure: Disclosure = "suppression",
    cell_key: CellKey | None = None,
) -> Result:
    """Indicator 4b: the share of persons (and nuclear families) with a repeat within T days.

    ``.table``: unit (person, family), n, repeat, share with a Wilson interval.
    ``disclosure="cell_key"`` perturbs the units with and without a repeat (n is their sum; a
    family's record key is made from its parents'; docs/disclosure.md, "Using it").

    Example
    -------
    >>> import famgraph as fg
    >>> r = fg.indicators.repeat_incidents(fg.synth.generate(persons=5000, seed=1), T=730)
    >>> r.table["unit"].tolist()
    ['person', 'family']
    """
    ctx = context(ds, window, min_cell, level)
    T = check_int(T, "T", 0, 36600)
    ck = check_disclosure(disclosure, cell_key, "repeat_incidents")
    noise = None if ck is None else prepare(ck, ds, "repeat_incidents", {"window": window_key(ctx), "T": T})
    c = core.repeat_incidents(
        ctx.dataset, ctx.window_start, ctx.window_end, T, None if noise is None else noise.person_keys
    )
    repeat: list[int] = []
    total: list[int] = []
    for u in (c.persons, c.families):
        k, n_u = int(u.repeat), int(u.n)
        if noise is not None:  # the finest cells: with and without a repeat; n is their sum
            k, rest = noise.perturb([k, n_u - k], [u.repeat_key_sum, u.no_repeat_key_sum])
            n_u = k + rest
        repeat.append(k)
        total.append(n_u)
    table = share_frame(
        pd.DataFrame({"unit": ["person", "family"]}),
        repeat,
        total,
        level=ctx.level,
        min_cell=ctx.min_cell,
        count_name="repeat",
    )
    n = int(c.persons.n)
    note = "" if n else f"nobody had a first incident at least T = {T} days before the end of observation"
    params = ctx.parameters(c.window, T=T)
    if noise is not None:
        params.update(noise.parameters())
        note = note or CELL_KEY_NOTE
    return Result(
        "repeat_incidents",
        {
            "table": table,
            "verdict": count_verdict_frame(
                n, "persons with a first incident followed for T days", ctx.min_cell
            ),
        },
        params,
        DEFINITION_4B,
        note,
        {"empty": n == 0 and int(c.families.n) == 0, "window_days": tuple(c.window)},
    )
